package dev.molt.runtime.osgi;

import java.util.Hashtable;
import java.util.Locale;
import java.util.function.Supplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;

/**
 * Puts {@link DeployFolderInstaller} in FileInstall's hands when FileInstall is there. The runtime
 * imports FileInstall's package optionally, so it runs without it; this class names none of
 * FileInstall's types, and the installer's class is loaded only once the package is wired.
 */
final class DeployFolder {

    private static final String FILEINSTALL_PACKAGE = "org.apache.felix.fileinstall";

    /** Registers the installer if this bundle is wired to FileInstall's package; returns null if not. */
    static ServiceRegistration<?> register(BundleContext context, ProcessRuntime runtime, Supplier<UpgradeMode> mode) {
        BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
        boolean wired = false;
        for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            wired |= FILEINSTALL_PACKAGE.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE));
        }
        if (!wired) {
            return null;
        }
        Object installer = new DeployFolderInstaller(context, runtime, mode);
        return context.registerService(new String[] {FILEINSTALL_PACKAGE + ".ArtifactInstaller"}, installer, new Hashtable<>());
    }

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
                System.getLogger(DeployFolder.class.getName()).log(System.Logger.Level.WARNING,
                        "deployUpgrade = '" + setting + "' is not a mode for the deploy folder; use atomic or rolling."
                                + " The deploy folder stays " + previous.name().toLowerCase(Locale.ROOT));
                return previous;
        }
    }

    private DeployFolder() {}
}
