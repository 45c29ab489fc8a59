package dev.molt.runtime.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeReport;

/**
 * The bookkeeping of one upgrade of one behaviour, from the withdrawal of a version to the
 * moment the next version took the processes, and afterwards for the processes it left held.
 * The runtime's history keeps these records, not their reports: a held process that later moves
 * to the version this upgrade went to, or ends, is counted here, and the next read of the
 * history sees it (see {@link Proc#importFor} and {@link Proc#exit}).
 *
 * <p>Thread rule: processes report into it from pool threads and the timer thread while the
 * coordinator and readers of the history read it, so every method is synchronized (rare,
 * short, and nothing is called out while the monitor is held: it is a leaf lock).
 */
final class Upgrade {

    final String behaviour;
    final String fromVersion;
    /**
     * True for the record of a late adopt, which is never published: a process it moves is
     * counted by the upgrade that listed it as held, if that upgrade went to the same version.
     */
    final boolean late;
    final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private int migrated;
    private int failed;
    private long converted;
    private long longestPause;
    private final Map<Pid, UpgradeReport.Held> held = new LinkedHashMap<>();
    /** Set by {@link #publish}: the version taken over (and its binding's serial), and the end so far. */
    private String toVersion;
    private long toSerial;
    private long endNanos;
    /** The current report once published; null when something changed since it was made. */
    private UpgradeReport current;

    Upgrade(String behaviour, String fromVersion) {
        this(behaviour, fromVersion, false);
    }

    Upgrade(String behaviour, String fromVersion, boolean late) {
        this.behaviour = behaviour;
        this.fromVersion = fromVersion;
        this.late = late;
    }

    /** A process moved; if this upgrade listed it as held, it no longer does. */
    synchronized void migrated(Pid pid, long pauseNanos) {
        held.remove(pid);
        migrated++;
        longestPause = Math.max(longestPause, pauseNanos);
        if (published()) {
            endNanos = System.nanoTime(); // a late move is the last resumption so far
        }
        current = null;
    }

    synchronized void held(Pid pid, String name, String reason) {
        held.put(pid, new UpgradeReport.Held(pid, name, reason));
        current = null;
    }

    /** A process of this upgrade ended before it moved; if it was listed as held, it no longer is. */
    synchronized void failed(Pid pid) {
        held.remove(pid);
        failed++;
        current = null;
    }

    synchronized void converted(long n) {
        converted += n;
        current = null;
    }

    /** The new version has taken the processes it could: the report as of now, for the history. */
    synchronized UpgradeReport publish(Binding to) {
        toVersion = to.version;
        toSerial = to.serial;
        endNanos = System.nanoTime();
        current = null;
        return report();
    }

    /** Whether this upgrade was published and went to exactly {@code to} (not an equal version string). */
    synchronized boolean publishedTo(Binding to) {
        return published() && toSerial == to.serial;
    }

    private boolean published() {
        return toVersion != null; // a binding always has a version
    }

    /** The report as of now; made again only after a change. */
    synchronized UpgradeReport report() {
        if (current != null) {
            return current;
        }
        long end = published() ? endNanos : System.nanoTime();
        UpgradeReport r = new UpgradeReport(behaviour, fromVersion, toVersion, started, migrated,
                List.copyOf(held.values()), failed, Duration.ofNanos(end - startNanos),
                Duration.ofNanos(longestPause), converted);
        if (published()) {
            current = r;
        }
        return r;
    }
}
