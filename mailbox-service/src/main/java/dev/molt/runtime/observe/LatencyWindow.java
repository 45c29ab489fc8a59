package dev.molt.runtime.observe;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import dev.molt.api.admin.Latency;

/**
 * Sampled durations of one behaviour over about the last minute: HdrHistogram's {@link Recorder}
 * takes values from any thread (wait-free for writers), and every {@link #SLOT_NANOS} the tick
 * moves what it recorded into the current slot of a ring of {@link #SLOTS}; a read adds the slots.
 *
 * <p>Thread rule: {@link #record} any thread; {@link #tick} and {@link #read} synchronize on this.
 */
final class LatencyWindow {

    static final long SLOT_NANOS = 15_000_000_000L;
    static final int SLOTS = 4;

    /**
     * Two significant digits (1%), auto-resizing. Not packed: every worker writes here at once, and
     * HdrHistogram's packed concurrent arrays let writers that grow them together spin on each other
     * for good (LatencyWindowTest); a plain concurrent histogram's increment is one atomic add, and
     * only a resize (rare: the range grows to the largest value seen) takes a lock.
     */
    private final Recorder recorder = new Recorder(2);
    private final Histogram[] slots = new Histogram[SLOTS];
    private int current;
    private Histogram interval;

    void record(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Drains the recorder into the current slot; with {@code advance}, then starts the next slot afresh. */
    synchronized void tick(boolean advance) {
        interval = recorder.getIntervalHistogram(interval);
        if (interval.getTotalCount() > 0) {
            if (slots[current] == null) {
                slots[current] = new Histogram(2);
                slots[current].setAutoResize(true);
            }
            slots[current].add(interval);
        }
        if (advance) {
            current = (current + 1) % SLOTS;
            if (slots[current] != null) {
                slots[current].reset();
            }
        }
    }

    synchronized Latency read() {
        tick(false);
        Histogram sum = null;
        for (Histogram h : slots) {
            if (h != null && h.getTotalCount() > 0) {
                if (sum == null) {
                    sum = h.copy();
                } else {
                    sum.add(h);
                }
            }
        }
        return of(sum);
    }

    static Latency of(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return Latency.NONE;
        }
        return new Latency(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getMaxValue());
    }
}
