package dev.molt.runtime.osgi;

import java.util.Locale;

import dev.molt.api.UpgradeMode;

/**
 * The {@code deployUpgrade} setting: how a behaviour jar replaced in FileInstall's deploy folder
 * upgrades. The runtime checks it and publishes the mode in force as its service's
 * {@code deployUpgrade} property, which the deploy bundle ({@code bundles/deploy}) reads.
 */
final class DeploySetting {

    /** The service property with the mode in force: {@code atomic} or {@code rolling}. */
    static final String PROPERTY = "deployUpgrade";

    /**
     * The mode a setting names: {@code atomic} or {@code rolling} (any case). Anything else is a
     * one-line warning, and {@code previous} stays.
     */
    static UpgradeMode mode(String setting, UpgradeMode previous) {
        String s = setting == null ? "" : setting.strip().toLowerCase(Locale.ROOT);
        switch (s) {
            case "atomic":
                return UpgradeMode.ATOMIC;
            case "rolling":
                return UpgradeMode.ROLLING;
            default:
                System.getLogger(DeploySetting.class.getName()).log(System.Logger.Level.WARNING,
                        "deployUpgrade = '" + setting + "' is not a mode for the deploy folder; use atomic or rolling."
                                + " The deploy folder stays " + name(previous));
                return previous;
        }
    }

    static String name(UpgradeMode mode) {
        return mode.name().toLowerCase(Locale.ROOT);
    }

    private DeploySetting() {}
}
