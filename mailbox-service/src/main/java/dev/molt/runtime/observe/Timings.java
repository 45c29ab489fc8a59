package dev.molt.runtime.observe;

import java.util.concurrent.ConcurrentHashMap;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import dev.molt.api.admin.Latency;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Proc;

/**
 * Where timed messages go: per behaviour, a {@link LatencyWindow} each for the mailbox wait and the
 * handler; per process, if {@code processLatency} is on, a small recorder each, made when the process
 * handles its first timed message and dropped when it ends.
 *
 * <p>Thread rule: {@link #waited} and {@link #handled} are called by a process's owner (the one
 * thread that runs it at a time: a single writer per process, as {@link SingleWriterRecorder} needs),
 * on one message in {@code latencySampling}; reads from any thread.
 */
final class Timings implements Kernel.Timings {

    /** One behaviour's two windows. */
    static final class Windows {
        final LatencyWindow waited = new LatencyWindow();
        final LatencyWindow handling = new LatencyWindow();
    }

    /** One process's figures since it started (per-process latency on). */
    static final class Own {
        final SingleWriterRecorder waited = new SingleWriterRecorder(2, true);
        final SingleWriterRecorder handling = new SingleWriterRecorder(2, true);
        private Histogram waitedTotal;
        private Histogram handlingTotal;

        synchronized Latency waited() {
            waitedTotal = drain(waited, waitedTotal);
            return LatencyWindow.of(waitedTotal);
        }

        synchronized Latency handling() {
            handlingTotal = drain(handling, handlingTotal);
            return LatencyWindow.of(handlingTotal);
        }

        private static Histogram drain(SingleWriterRecorder r, Histogram total) {
            Histogram interval = r.getIntervalHistogram();
            if (total == null) {
                return interval;
            }
            total.add(interval);
            return total;
        }
    }

    private final ConcurrentHashMap<BehaviourLine, Windows> lines = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Proc, Own> own = new ConcurrentHashMap<>();
    /** Volatile: a reconfiguration applies at the next timed message. */
    private volatile boolean perProcess;

    void perProcess(boolean on) {
        perProcess = on;
        if (!on) {
            own.clear();
        }
    }

    Windows of(BehaviourLine line) {
        return lines.computeIfAbsent(line, l -> new Windows());
    }

    @Override
    public void waited(Proc p, long nanos) {
        of(p.line()).waited.record(nanos);
        if (perProcess) {
            own(p).waited.recordValue(Math.max(0, nanos));
        }
    }

    @Override
    public void handled(Proc p, long nanos) {
        of(p.line()).handling.record(nanos);
        if (perProcess) {
            own(p).handling.recordValue(Math.max(0, nanos));
        }
    }

    private Own own(Proc p) {
        Own o = own.get(p);
        if (o == null) {
            o = own.computeIfAbsent(p, k -> new Own());
        }
        return o;
    }

    /** The process's own figures, or null if it keeps none. */
    Own ownOf(Proc p) {
        return own.get(p);
    }

    void ended(Proc p) {
        if (!own.isEmpty()) {
            own.remove(p);
        }
    }

    /** Every {@link LatencyWindow#SLOT_NANOS}: each window starts a new slot. */
    void tick() {
        for (Windows w : lines.values()) {
            w.waited.tick(true);
            w.handling.tick(true);
        }
    }
}
