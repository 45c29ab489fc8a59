package dev.molt.runtime.observe;

/**
 * What the runtime measures and tells, beside {@link dev.molt.runtime.RuntimeSettings}; every value
 * has a default that needs no configuration.
 *
 * @param latencySampling  one message in this many (a power of two; 0 turns it off) is timed: its
 *                         wait in the mailbox (messages sent with {@code send}) and its handler
 * @param processLatency   whether each process keeps its own latency figures too (a few hundred bytes
 *                         to a few KB for each process that handled a timed message), or only its behaviour
 * @param processEvents    post a SPAWNED and an EXITED event for one process in this many (by pid, so a
 *                         process's two events go together); 0 posts none, 1 posts every one
 * @param migrationTrails  processes whose last migrations are kept for their detail page, at most
 */
public record ObserveSettings(int latencySampling, boolean processLatency, int processEvents, int migrationTrails) {

    public ObserveSettings {
        if (latencySampling < 0 || processEvents < 0 || migrationTrails < 0
                || (latencySampling > 0 && Integer.bitCount(latencySampling) != 1)) {
            throw new IllegalArgumentException("observation settings: latencySampling must be 0 or a power of two (1, 2,"
                    + " 4, ... 64), processEvents and migrationTrails 0 or more; got latencySampling=" + latencySampling
                    + ", processEvents=" + processEvents + ", migrationTrails=" + migrationTrails);
        }
    }

    public static ObserveSettings defaults() {
        return new ObserveSettings(64, false, 0, 100_000);
    }

    /** The same with latency timing off (the benchmarks' "metrics off"). */
    public ObserveSettings withLatencySampling(int n) {
        return new ObserveSettings(n, processLatency, processEvents, migrationTrails);
    }

    public ObserveSettings withProcessLatency(boolean on) {
        return new ObserveSettings(latencySampling, on, processEvents, migrationTrails);
    }

    public ObserveSettings withProcessEvents(int oneIn) {
        return new ObserveSettings(latencySampling, processLatency, oneIn, migrationTrails);
    }

    /** The mask a message count is and-ed with to decide whether to time it: -1 for never. */
    int timingMask() {
        return latencySampling == 0 ? -1 : latencySampling - 1;
    }
}
