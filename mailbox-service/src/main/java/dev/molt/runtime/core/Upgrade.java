package dev.molt.runtime.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeReport;

/**
 * The bookkeeping of one upgrade of one behaviour, from the withdrawal of a version to the
 * moment the next version took the processes. Thread rule: processes report into it from pool
 * threads while the coordinator reads it, so every method is synchronized (rare, short).
 */
final class Upgrade {

    final String behaviour;
    final String fromVersion;
    final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private int migrated;
    private int failed;
    private long converted;
    private long longestPause;
    private final List<UpgradeReport.Held> held = new ArrayList<>();

    Upgrade(String behaviour, String fromVersion) {
        this.behaviour = behaviour;
        this.fromVersion = fromVersion;
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

    synchronized void failed() {
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
