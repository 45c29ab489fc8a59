package dev.molt.api;

/**
 * How to run one upgrade.
 *
 * @param mode    atomic, rolling or canary
 * @param canary  for {@link UpgradeMode#CANARY}: which processes move first, as {@code N%} of them,
 *                a count {@code N}, or a glob on process names ({@code shard-1*}); null otherwise
 * @param keepOld for rolling and canary: keep the old version's bundle installed once no process runs
 *                it (by default it is uninstalled)
 */
public record UpgradeOptions(UpgradeMode mode, String canary, boolean keepOld) {

    public UpgradeOptions {
        if (mode == null) {
            throw new IllegalArgumentException("an upgrade needs a mode: atomic, rolling or canary");
        }
        if ((mode == UpgradeMode.CANARY) != (canary != null)) {
            throw new IllegalArgumentException(mode == UpgradeMode.CANARY
                    ? "a canary upgrade needs a selection: N%, a count, or a name glob"
                    : "only a canary upgrade takes a selection");
        }
        if (canary != null && !validSelection(canary.strip())) {
            throw new IllegalArgumentException("'" + canary + "' is not a canary selection: give a share (10%), a count (5),"
                    + " or a glob on process names (shard-1*)");
        }
    }

    /** A share in (0, 100]%, a positive count, or any other non-empty text (a glob). */
    private static boolean validSelection(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.endsWith("%")) {
            try {
                double pct = Double.parseDouble(s.substring(0, s.length() - 1));
                return pct > 0 && pct <= 100;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        if (s.chars().allMatch(Character::isDigit)) {
            return s.chars().anyMatch(c -> c != '0');
        }
        return true;
    }

    public static UpgradeOptions atomic() {
        return new UpgradeOptions(UpgradeMode.ATOMIC, null, false);
    }

    public static UpgradeOptions rolling() {
        return new UpgradeOptions(UpgradeMode.ROLLING, null, false);
    }

    /** @param selection {@code N%}, a count, or a glob on process names */
    public static UpgradeOptions canary(String selection) {
        return new UpgradeOptions(UpgradeMode.CANARY, selection, false);
    }

    /** The same, keeping the old version's bundle installed afterwards. */
    public UpgradeOptions keepingOld() {
        return new UpgradeOptions(mode, canary, true);
    }
}
