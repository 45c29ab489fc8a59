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
 * @param rollingBatch      processes a rolling upgrade moves at once
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

    /** Workers, throughput, timeout and history as given; the rest default. */
    public RuntimeSettings(int workers, int throughput, Duration upgradeTimeout, int historySize) {
        this(workers, throughput, upgradeTimeout, historySize, defaultMaxThreads(workers), 4, 3, Duration.ofSeconds(60));
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
