package dev.molt.api.admin;

/**
 * Percentiles of sampled durations, in nanoseconds: how long messages waited in a mailbox, or how
 * long their handlers ran. Sampled (see {@link RuntimeTotals#latencySampling()}), so {@code samples}
 * counts the timed messages, not all of them.
 *
 * @param samples how many durations these figures are made of (0: none, and every figure is 0)
 * @param p50     the median
 * @param p90     the 90th percentile
 * @param p99     the 99th percentile
 * @param max     the longest
 */
public record Latency(long samples, long p50, long p90, long p99, long max) {

    /** No samples. */
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0);
}
