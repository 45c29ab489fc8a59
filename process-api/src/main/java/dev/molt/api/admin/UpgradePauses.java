package dev.molt.api.admin;

import java.util.List;

import dev.molt.api.UpgradeReport;

/**
 * One upgrade of the history with the pauses of its processes: each process's time between its
 * export and its import, as percentiles and as a distribution.
 *
 * @param report  the upgrade, as {@link dev.molt.api.ProcessRuntime#upgradeHistory()} reports it
 * @param pauses  percentiles of the processes' pauses
 * @param buckets the distribution: how many pauses were at most each bound, bounds doubling from 1 µs
 *                (empty when no process moved)
 */
public record UpgradePauses(UpgradeReport report, Latency pauses, List<Bucket> buckets) {

    /**
     * @param upToNanos the bucket's upper bound
     * @param count     pauses longer than the previous bucket's bound and at most this one
     */
    public record Bucket(long upToNanos, long count) {
    }

    public UpgradePauses {
        buckets = List.copyOf(buckets);
    }
}
