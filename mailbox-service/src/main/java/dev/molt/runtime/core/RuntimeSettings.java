package dev.molt.runtime.core;

import java.time.Duration;

/**
 * How the runtime runs; every value has a default that needs no configuration.
 *
 * @param workers        threads in the shared pool that runs processes (default: the cores)
 * @param throughput     user messages one process handles per turn before others get the thread
 * @param upgradeTimeout how long an upgrade waits for a running handler to reach a message
 *                       boundary before it holds that process (see {@link Proc})
 * @param historySize    upgrade reports kept
 */
public record RuntimeSettings(int workers, int throughput, Duration upgradeTimeout, int historySize) {

    public RuntimeSettings {
        if (workers < 1 || throughput < 1 || historySize < 1 || upgradeTimeout.isNegative() || upgradeTimeout.isZero()) {
            throw new IllegalArgumentException("runtime settings must be positive: workers=" + workers
                    + ", throughput=" + throughput + ", upgradeTimeout=" + upgradeTimeout + ", historySize=" + historySize);
        }
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(Runtime.getRuntime().availableProcessors(), 50, Duration.ofSeconds(5), 100);
    }

    public RuntimeSettings withWorkers(int n) {
        return new RuntimeSettings(n, throughput, upgradeTimeout, historySize);
    }

    public RuntimeSettings withThroughput(int n) {
        return new RuntimeSettings(workers, n, upgradeTimeout, historySize);
    }

    public RuntimeSettings withUpgradeTimeout(Duration d) {
        return new RuntimeSettings(workers, throughput, d, historySize);
    }
}
