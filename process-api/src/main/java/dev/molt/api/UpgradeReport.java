package dev.molt.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one upgrade of a behaviour did: from the moment its old version went away to the
 * moment the next version took its processes.
 *
 * <p>A report is a snapshot. The one {@link ProcessRuntime#upgrade} returns is taken when the
 * new version has taken the processes it could. {@link ProcessRuntime#upgradeHistory()} reports
 * each upgrade as it stands: a process it left held (a stuck handler, one busy at the switch, a
 * failed import) that later moves to the version this upgrade went to, while that version is
 * still registered, counts as migrated, with {@code total} and {@code longestPause} including
 * it; one that ends counts as failed. Either way it is no longer listed as held. A held process
 * that a later upgrade moves stays listed here, and is counted by that upgrade.
 *
 * @param behaviour   the behaviour's name
 * @param fromVersion the version that went away
 * @param toVersion   the version that took over
 * @param started     when the old version started to go away
 * @param migrated    processes moved to the new version
 * @param held        processes held (see {@link ProcessStatus#HELD}), with the reason
 * @param failed      processes that ended during the upgrade instead (killed while suspended, say)
 * @param total       from the first suspension to the last resumption, including any time no
 *                    version was registered (a bundle stopped, then started)
 * @param longestPause the longest time one process spent between its export and its import
 * @param messagesConverted queued messages moved through exportMessage/importMessage
 */
public record UpgradeReport(String behaviour, String fromVersion, String toVersion, Instant started,
                            int migrated, List<Held> held, int failed, Duration total, Duration longestPause,
                            long messagesConverted) {

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
    }

    /** One line for logs and the shell. */
    public String summary() {
        return String.format("%s %s -> %s: %d migrated, %d held, %d failed, total %.3f ms, longest pause %.3f ms",
                behaviour, fromVersion, toVersion, migrated, held.size(), failed,
                total.toNanos() / 1e6, longestPause.toNanos() / 1e6);
    }
}
