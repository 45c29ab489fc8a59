package dev.molt.runtime.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeReport;

/**
 * The bookkeeping of one upgrade of one behaviour, from the withdrawal of a version to the
 * moment the next version took the processes, and afterwards for the processes it left held:
 * when one of them moves late (its stuck handler returned) or ends, the published report is
 * replaced by an updated one (see {@link MoltRuntime#republish}). Thread rule: processes report
 * into it from pool threads while the coordinator reads it, so every method is synchronized
 * (rare, short).
 */
final class Upgrade {

    final String behaviour;
    final String fromVersion;
    /**
     * True for the record of a late adopt, which is never published: the processes it moves
     * belong to the upgrade they were exported in.
     */
    final boolean late;
    /** The version the processes went to, and the report in the history; null until published. Guarded by this. */
    private String toVersion;
    private UpgradeReport published;
    final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private int migrated;
    private int failed;
    private long converted;
    private long longestPause;
    private final List<UpgradeReport.Held> held = new ArrayList<>();

    Upgrade(String behaviour, String fromVersion) {
        this(behaviour, fromVersion, false);
    }

    Upgrade(String behaviour, String fromVersion, boolean late) {
        this.behaviour = behaviour;
        this.fromVersion = fromVersion;
        this.late = late;
    }

    /** The report that goes into the history; from now on {@link #update} replaces it. */
    synchronized UpgradeReport publish(String to) {
        toVersion = to;
        published = report(to);
        return published;
    }

    /** Whether this upgrade was published and went to {@code version}. */
    synchronized boolean publishedTo(String version) {
        return published != null && version.equals(toVersion);
    }

    /**
     * The published report and its successor with what changed since, or null if none was
     * published. Caller: {@link MoltRuntime#republish}, under the history lock, so that two
     * updates are applied in order.
     */
    synchronized UpgradeReport[] update() {
        if (published == null) {
            return null;
        }
        UpgradeReport before = published;
        published = report(toVersion);
        return new UpgradeReport[] {before, published};
    }

    /** A process moved; if it had been reported held in this upgrade (it was late), it no longer is. */
    synchronized void migrated(Pid pid, long pauseNanos) {
        held.removeIf(h -> h.pid().equals(pid));
        migrated++;
        longestPause = Math.max(longestPause, pauseNanos);
    }

    synchronized void held(Pid pid, String name, String reason) {
        held.removeIf(h -> h.pid().equals(pid));
        held.add(new UpgradeReport.Held(pid, name, reason));
    }

    /** A process of this upgrade ended before it moved; if it was held, it no longer is. */
    synchronized void failed(Pid pid) {
        held.removeIf(h -> h.pid().equals(pid));
        failed++;
    }

    synchronized void converted(long n) {
        converted += n;
    }

    synchronized UpgradeReport report(String toVersion) {
        long total = System.nanoTime() - startNanos;
        return new UpgradeReport(behaviour, fromVersion, toVersion, started, migrated, held, failed,
                Duration.ofNanos(total), Duration.ofNanos(longestPause), converted);
    }
}
