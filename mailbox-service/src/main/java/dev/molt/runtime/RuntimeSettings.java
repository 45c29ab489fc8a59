package dev.molt.runtime;

import java.time.Duration;

/**
 * How the runtime runs; every value has a default that needs no configuration.
 *
 * @param workers           turns that run at once: the dispatcher's permits (default: the cores)
 * @param throughput        user messages one process handles per turn before others get the thread
 * @param upgradeTimeout    how long an upgrade waits for a running handler to reach a message
 *                          boundary before it reports that process held (it still moves when the
 *                          handler returns)
 * @param historySize       upgrade reports kept
 * @param maxThreads        worker threads at most, counting those blocked in handlers (the bound of
 *                          compensation, see {@code ProcessContext.blocking})
 * @param rollingBatch      moves a rolling upgrade has in flight at most (each process pauses only
 *                          for its own export and import; the window starts at one and widens as
 *                          moves settle, within about 3 ms of migration work; see
 *                          {@link #DEFAULT_ROLLING_BATCH})
 * @param canaryMaxCrashes  crashes of canary processes within {@code canaryWindow} that abort a canary
 * @param canaryWindow      the window of {@code canaryMaxCrashes}
 */
public record RuntimeSettings(int workers, int throughput, Duration upgradeTimeout, int historySize, int maxThreads,
                              int rollingBatch, int canaryMaxCrashes, Duration canaryWindow) {

    public RuntimeSettings {
        if (workers < 1 || throughput < 1 || historySize < 1 || maxThreads < workers || rollingBatch < 1
                || canaryMaxCrashes < 1 || upgradeTimeout.isNegative() || upgradeTimeout.isZero()
                || canaryWindow.isNegative() || canaryWindow.isZero()) {
            throw new IllegalArgumentException("runtime settings must be positive, and maxThreads at least workers: workers="
                    + workers + ", throughput=" + throughput + ", upgradeTimeout=" + upgradeTimeout + ", historySize="
                    + historySize + ", maxThreads=" + maxThreads + ", rollingBatch=" + rollingBatch + ", canaryMaxCrashes="
                    + canaryMaxCrashes + ", canaryWindow=" + canaryWindow);
        }
    }

    /**
     * A move waits for its process's next turn, which comes after the turns queued before it; with
     * a few moves in flight a rolling upgrade under load takes one queue cycle per few processes.
     * (The coordinator's window starts at one move and widens only as far as about 3 ms
     * of migration work at the pace moves take, so a cold start does not run 256 slow moves back to
     * back; see {@code upgrade.RollingWindow}.)
     * Measured on 2 cores, 100,000 processes with a sender running (bench's UpgradeCost,
     * -Dbench.rollingBatch): 4 in flight took 4.4-8.6 s, 256 took 0.8-1.8 s with the same pauses
     * (p99 8 us against 43 us) and 46-64% of the steady message rate in the window.
     */
    public static final int DEFAULT_ROLLING_BATCH = 256;

    /** Workers, throughput, timeout and history as given; the rest default. */
    public RuntimeSettings(int workers, int throughput, Duration upgradeTimeout, int historySize) {
        this(workers, throughput, upgradeTimeout, historySize, defaultMaxThreads(workers), DEFAULT_ROLLING_BATCH, 3,
                Duration.ofSeconds(60));
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(Runtime.getRuntime().availableProcessors(), 50, Duration.ofSeconds(5), 100);
    }

    static int defaultMaxThreads(int workers) {
        return Math.max(256, workers * 4);
    }

    public RuntimeSettings withWorkers(int n) {
        return new RuntimeSettings(n, throughput, upgradeTimeout, historySize, Math.max(maxThreads, n), rollingBatch,
                canaryMaxCrashes, canaryWindow);
    }

    public RuntimeSettings withThroughput(int n) {
        return new RuntimeSettings(workers, n, upgradeTimeout, historySize, maxThreads, rollingBatch, canaryMaxCrashes,
                canaryWindow);
    }

    public RuntimeSettings withUpgradeTimeout(Duration d) {
        return new RuntimeSettings(workers, throughput, d, historySize, maxThreads, rollingBatch, canaryMaxCrashes,
                canaryWindow);
    }

    public RuntimeSettings withMaxThreads(int n) {
        return new RuntimeSettings(workers, throughput, upgradeTimeout, historySize, n, rollingBatch, canaryMaxCrashes,
                canaryWindow);
    }

    public RuntimeSettings withCanary(int maxCrashes, Duration window) {
        return new RuntimeSettings(workers, throughput, upgradeTimeout, historySize, maxThreads, rollingBatch, maxCrashes,
                window);
    }

    public RuntimeSettings withRollingBatch(int n) {
        return new RuntimeSettings(workers, throughput, upgradeTimeout, historySize, maxThreads, n, canaryMaxCrashes,
                canaryWindow);
    }
}
