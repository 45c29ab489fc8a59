package dev.molt.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one upgrade of a behaviour did: from the moment its old version started to go away (or,
 * rolling, the first process moved) to the moment its last process moved.
 *
 * <p>A report is a snapshot. The one {@link ProcessRuntime#upgrade} returns is taken when every
 * process has moved, or was held. {@link ProcessRuntime#upgradeHistory()} reports each upgrade as
 * it stands: a process it left held (a handler still running at the upgrade timeout, a failed
 * import) that later moves to the version this upgrade went to counts as migrated, with
 * {@code total} and {@code longestPause} including it; one that ends counts as failed. Either way it
 * is no longer listed as held. A held process that a later upgrade moves stays listed here, and is
 * counted by that upgrade.
 *
 * @param behaviour         the behaviour's name
 * @param fromVersion       the version the processes left
 * @param toVersion         the version they went to (null while no version has taken them)
 * @param started           when the upgrade began
 * @param migrated          processes moved to the new version
 * @param held              processes held (see {@link ProcessStatus#HELD}), with the reason
 * @param failed            processes that ended during the upgrade instead (killed while suspended, say)
 * @param total             from the first export to the last import, including any time no version
 *                          was registered (a bundle stopped, then started)
 * @param longestPause      the longest time one process spent between its export and its import
 * @param messagesConverted queued messages moved through exportMessage/importMessage
 * @param mode              how the processes moved
 * @param outcome           where the upgrade stands
 * @param processes         processes the upgrade set out to move (for progress: migrated + held + failed of it)
 * @param droppedFields     fields of the old state the default migration had no place for in the new
 *                          type (as {@code Type.field}), with how many processes lost them
 * @param defaultedFields   fields of the new type the old state lacked, which the default migration
 *                          set to 0, false, an empty collection or null, with how many processes
 * @param note              one line more where there is one: why a canary was aborted, or null
 */
public record UpgradeReport(String behaviour, String fromVersion, String toVersion, Instant started,
                            int migrated, List<Held> held, int failed, Duration total, Duration longestPause,
                            long messagesConverted, UpgradeMode mode, Outcome outcome, int processes,
                            Map<String, Integer> droppedFields, Map<String, Integer> defaultedFields, String note) {

    /** Where an upgrade stands. */
    public enum Outcome {
        /** Processes are still moving. */
        IN_PROGRESS,
        /** A canary moved its subset and waits to be promoted or aborted. */
        CANARY,
        /** Every process moved or was held; nothing more will move in this upgrade but held ones. */
        COMPLETED,
        /** A canary was aborted (by an operator, or by itself after crashes): its processes moved back. */
        ABORTED
    }

    /**
     * A process an upgrade could not move.
     *
     * @param pid    the process
     * @param name   its registered name, or null
     * @param reason what went wrong, one line
     */
    public record Held(Pid pid, String name, String reason) {
    }

    public UpgradeReport {
        held = List.copyOf(held);
        droppedFields = droppedFields == null ? Map.of() : Map.copyOf(droppedFields);
        defaultedFields = defaultedFields == null ? Map.of() : Map.copyOf(defaultedFields);
    }

    /** The report of API 1.0: an atomic upgrade, completed, without field notes. */
    public UpgradeReport(String behaviour, String fromVersion, String toVersion, Instant started,
                         int migrated, List<Held> held, int failed, Duration total, Duration longestPause,
                         long messagesConverted) {
        this(behaviour, fromVersion, toVersion, started, migrated, held, failed, total, longestPause,
                messagesConverted, UpgradeMode.ATOMIC, Outcome.COMPLETED, migrated + held.size() + failed,
                Map.of(), Map.of(), null);
    }

    /** True when the processes went back to the version they came from (Erlang's "reloaded"). */
    public boolean isReload() {
        return fromVersion != null && fromVersion.equals(toVersion);
    }

    /** One line for logs and the shell. */
    public String summary() {
        String what = isReload() ? behaviour + " " + fromVersion + " reloaded"
                : behaviour + " " + fromVersion + " -> " + (toVersion == null ? "?" : toVersion);
        List<String> how = new java.util.ArrayList<>();
        if (mode != UpgradeMode.ATOMIC) {
            how.add(mode.name().toLowerCase());
        }
        if (outcome == Outcome.CANARY) {
            how.add("waiting to be promoted or aborted");
        } else if (outcome != Outcome.COMPLETED) {
            how.add(outcome.name().toLowerCase().replace('_', ' '));
        }
        StringBuilder sb = new StringBuilder(String.format(
                "%s%s: %d migrated, %d held, %d failed, total %.3f ms, longest pause %.3f ms", what,
                how.isEmpty() ? "" : " (" + String.join(", ", how) + ")",
                migrated, held.size(), failed, total.toNanos() / 1e6, longestPause.toNanos() / 1e6));
        if (!droppedFields.isEmpty()) {
            sb.append("; default migration dropped ").append(fields(droppedFields));
        }
        if (!defaultedFields.isEmpty()) {
            sb.append("; defaulted ").append(fields(defaultedFields));
        }
        if (note != null) {
            sb.append("; ").append(note);
        }
        return sb.toString();
    }

    private static String fields(Map<String, Integer> f) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(f).forEach((k, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(k)
                .append(" (").append(n).append(n == 1 ? " process)" : " processes)"));
        return sb.toString();
    }
}
