package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.Struct;
import dev.molt.bench.molt.MoltSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost of replacing the runtime itself (Molt only; no peer can do it): what a runtime bundle
 * update does, without the framework. N processes of one behaviour, one sender thread sending to
 * them round-robin all the time (as {@link UpgradeCost}), then:
 *
 * <ul>
 * <li><b>hand-over</b> ({@code handover}): runtime A hands every process over
 * ({@code MoltRuntime.handOver}: each exports itself at its next boundary, the image is the live
 * table); a new runtime B is made, registers the same behaviour (same name, version and code
 * object) and takes the image ({@code takeOver(image, true)}); the sender then sends to B (until
 * then its sends to A are passed on by A's relay). The next hand-over goes from B to a fresh C, and
 * so on, in this JVM.</li>
 * </ul>
 *
 * <p>Measured for each hand-over:
 * <ul>
 * <li><b>total</b>: wall time from {@code handOver}'s call until {@code takeOver} returned, with
 * its parts (handOver, B made and its behaviour registered, takeOver);</li>
 * <li><b>longest pause</b>: from A's first export ({@code handOverStarted()}) until takeOver
 * returned: no process can have been stopped for longer than that before B runs it;</li>
 * <li><b>gap per process</b>: from the last message a process handled in A to the first it
 * handled in B, read from its state (each handler stores {@code System.nanoTime()} in it), as
 * p50 / p99 / max over every process. With one sender and N processes a process gets a message
 * every N / rate seconds anyway; the same gap measured across a moment without a hand-over (the
 * <em>steady gap</em>, once per size before the first hand-over) is that baseline;</li>
 * <li><b>messages</b>: sent and handled from handOver's call until takeOver returned, and the rate
 * handled in that window against the steady rate just before it.</li>
 * </ul>
 * After every hand-over the harness checks it, untimed, with the sender paused and every message
 * handled: B has exactly the N processes, every one RUNNING with one more hand-over counted, and
 * every process's state holds exactly the number of messages the round-robin sender sent it (no
 * message lost or handled twice across the hand-over). A failed check ends the JVM with an error,
 * so no figure of a broken hand-over is written.
 *
 * <p>Usage: {@code RuntimeHandOverCost OUTPUT.properties KEY handover ROUNDS N...}; figures go under
 * {@code KEY.handover.N.}. One warm-up hand-over per size, then ROUNDS measured ones, at most as many
 * as fit in {@code -Dbench.handover.budgetSeconds} (default 60; at least one). Run in its own JVM.
 */
public final class RuntimeHandOverCost {

    static final int IN_FLIGHT = UpgradeCost.IN_FLIGHT;
    static final Integer MESSAGE = 1;
    static final String BEHAVIOUR = "handed";
    static final String VERSION = "1.0.0";

    /** Messages handled in any runtime: the throughput counter and the sender's back-pressure. */
    static final LongAdder HANDLED = new LongAdder();

    // ---- the gap per process: the first message a process handles in WATCHED after EPOCH changed ----

    /** The runtime whose first message per process is timed. */
    static volatile ProcessRuntime watched;
    /** Bumped (after {@link #watched} is set) to start timing; a state holds the epoch it was last timed in. */
    static volatile int epoch;
    static volatile long[] gaps = new long[0];
    static final AtomicInteger GAP_COUNT = new AtomicInteger();

    /** Starts timing the next message of every process handled in {@code runtime}. */
    static void watch(ProcessRuntime runtime, int n) {
        gaps = new long[n];
        GAP_COUNT.set(0);
        watched = runtime;
        epoch = epoch + 1;
    }

    /** Messages handled, when the last one was (System.nanoTime), and the timing epoch it was last timed in. */
    public record Count(long count, long lastAt, int epoch) {
    }

    public static final class Counter implements Behaviour<Count> {
        @Override
        public Count init(ProcessContext context, Object argument) {
            return new Count(0, 0, 0);
        }

        @Override
        public Count handle(ProcessContext context, Count state, Object message) {
            HANDLED.increment();
            long now = System.nanoTime();
            int e = epoch;
            int mine = state.epoch();
            if (mine != e && context.runtime() == watched) {
                mine = e;
                int i = GAP_COUNT.getAndIncrement();
                long[] g = gaps;
                if (i < g.length) {
                    g[i] = state.lastAt() == 0 ? -1 : now - state.lastAt();
                }
            }
            return new Count(state.count() + 1, now, mine);
        }

        /** The default export (record to Struct); during a measured snapshot, also notes the count exported. */
        @Override
        public Object exportState(ProcessContext context, Count state) {
            long[] into = exported;
            if (into != null) {
                int i = (int) (context.self().id() - firstPid);
                into[i] = state.count();
                EXPORTS.incrementAndGet();
            }
            return context.toNeutral(state);
        }

        /** The default import (Struct to record), counted: the restore's end is when every process imported. */
        @Override
        public Count importState(ProcessContext context, String fromVersion, Object neutral) {
            Count c = context.fromNeutral(neutral, Count.class);
            IMPORTED.increment();
            return c;
        }
    }

    // ---- the snapshot's check: each process's count as its code exported it, by pid ----

    /** While a measured snapshot is taken: the count each process exported (index: pid id - {@link #firstPid}); else null. */
    static volatile long[] exported;
    static volatile long firstPid;
    static final AtomicInteger EXPORTS = new AtomicInteger();
    static final LongAdder IMPORTED = new LongAdder();

    /** Sends round-robin until stopped, never more than {@link #IN_FLIGHT} ahead of the handlers; can be paused. */
    static final class Sender extends Thread {
        final Pid[] pids;
        /** The runtime sent to: A's facade until B took over, then B's (a caller that got the service again). */
        volatile ProcessRuntime target;
        /** Messages sent so far (exact while paused). */
        volatile long sent;
        volatile boolean running = true;
        private volatile boolean pause;
        private boolean idle;
        /**
         * Messages handled that this sender did not send (a restored runtime's copies of queued
         * messages): left out of its back-pressure, which compares what it sent with what was handled.
         */
        private volatile long notMine;
        private long drainedAt;

        Sender(ProcessRuntime runtime, Pid[] pids) {
            super("handover-sender");
            this.target = runtime;
            this.pids = pids;
            setDaemon(true);
        }

        @Override
        public void run() {
            long n = 0;
            int next = 0;
            while (running) {
                if (pause) {
                    synchronized (this) {
                        idle = true;
                        notifyAll();
                        while (pause && running) {
                            try {
                                wait();
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                        idle = false;
                    }
                    continue;
                }
                while (n - (HANDLED.sum() - notMine) > IN_FLIGHT && running && !pause) {
                    LockSupport.parkNanos(20_000);
                }
                ProcessRuntime rt = target;
                for (int i = 0; i < 256; i++) {
                    rt.send(pids[next], MESSAGE);
                    if (++next == pids.length) {
                        next = 0;
                    }
                }
                n += 256;
                sent = n;
            }
        }

        /** Stops sending after the current batch and waits until every message sent was handled. */
        void pauseAndDrain(long limitNanos) throws InterruptedException {
            pause = true;
            synchronized (this) {
                while (!idle) {
                    wait();
                }
            }
            long deadline = System.nanoTime() + limitNanos;
            while (HANDLED.sum() - notMine < sent) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("check: " + (sent - (HANDLED.sum() - notMine)) + " of " + sent
                            + " messages sent were not handled within " + limitNanos / 1_000_000_000 + " s");
                }
                LockSupport.parkNanos(200_000);
            }
            drainedAt = HANDLED.sum();
        }

        /** Sends again; {@code othersHandled}: whether what was handled since the drain was someone else's (a restore's). */
        synchronized void resumeSending(boolean othersHandled) {
            if (othersHandled) {
                notMine += HANDLED.sum() - drainedAt;
            }
            pause = false;
            notifyAll();
        }
    }

    /** Kept: a logger only referenced by name could be collected and lose its level. */
    static final java.util.logging.Logger RUNTIME_LOG = java.util.logging.Logger.getLogger("dev.molt.runtime");

    public static void main(String[] args) throws Exception {
        // The runtime logs at INFO (stragglers, take-overs); the harness prints its own line per hand-over.
        RUNTIME_LOG.setLevel(java.util.logging.Level.WARNING);
        if (args.length < 5 || !(args[2].equals("handover") || args[2].equals("snapshot"))) {
            System.err.println("usage: RuntimeHandOverCost OUTPUT.properties KEY handover|snapshot ROUNDS N...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String key = args[1];
        String what = args[2];
        int rounds = Integer.parseInt(args[3]);
        double budget = Double.parseDouble(System.getProperty("bench.handover.budgetSeconds", "60"));
        for (int a = 4; a < args.length; a++) {
            int n = Integer.parseInt(args[a]);
            String k = key + "." + what + "." + n + ".";
            Results results = Results.read(out);
            if (what.equals("handover")) {
                handOvers(n, rounds, budget, results, k);
            } else {
                snapshots(n, rounds, budget, results, k);
            }
            results.write(out);
        }
        System.exit(0);
    }

    /** One hand-over's figures (milliseconds unless named otherwise). */
    record Sample(double wallMs, double handOverMs, double newRuntimeMs, double takeOverMs, double longestPauseMs,
                  double allHandledMs, double gapP50Ms, double gapP99Ms, double gapMaxMs, long sent, long handled,
                  double steadyRate, double windowRate, double othersCpu, double gcMs) {
    }

    static void handOvers(int n, int rounds, double budgetSeconds, Results results, String k) throws Exception {
        HANDLED.reset();
        Counter code = new Counter();
        ProcessRuntime current = MoltSupport.start();
        Pid[] pids = counters(current, code, n);
        System.gc(); // the processes into the old generation, as in a long-running system
        Sender sender = startedSender(current, pids);

        // The steady gap: the same per-process gap, across a moment without a hand-over.
        watch(current, n);
        long[] steadyGaps = awaitGaps(n, 60);
        System.out.printf("handover n=%d steady gap: p50 %.3f ms, p99 %.3f ms, max %.3f ms (%d processes)%n", n,
                percentile(steadyGaps, 0.5) / 1e6, percentile(steadyGaps, 0.99) / 1e6, max(steadyGaps) / 1e6,
                steadyGaps.length);

        List<Sample> samples = new ArrayList<>();
        long budgetStart = System.nanoTime();
        String cutShort = null;
        long grace = MoltSupport.graceNanos();
        for (int round = 0; round <= rounds; round++) {
            cutShort = overBudget(round, rounds, budgetStart, budgetSeconds, "hand-overs");
            if (cutShort != null) {
                break;
            }
            double steady = steadyRate();

            gaps = new long[n];
            GAP_COUNT.set(0);
            long[] busy0 = Messages.machineBusy();
            long sent0 = sender.sent;
            long handled0 = HANDLED.sum();
            long gc0 = gcMillis();
            long t0 = System.nanoTime();
            Map<String, Object> image = MoltSupport.handOver(current, grace);
            long t1 = System.nanoTime();
            ProcessRuntime next = MoltSupport.start();
            MoltSupport.register(next, BEHAVIOUR, VERSION, code);
            watched = next;
            epoch = epoch + 1;
            long t2 = System.nanoTime();
            MoltSupport.TakenOver o = MoltSupport.takeOver(next, image, true);
            long t3 = System.nanoTime();
            sender.target = next;
            long sent3 = sender.sent;
            long handled3 = HANDLED.sum();
            long[] busy3 = Messages.machineBusy();
            long gc3 = gcMillis();
            long started = MoltSupport.handOverStarted(current);
            image = null;
            long[] g = awaitGaps(n, 60);
            long t4 = System.nanoTime();

            double window = (t3 - t0) / 1e9;
            double others = busy0 == null || busy3 == null ? Double.NaN
                    : Math.max(0, (busy3[0] - busy0[0]) - (busy3[1] - busy0[1])) / 1e9 / window;
            Sample s = new Sample((t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6,
                    (t3 - (started == 0 ? t0 : started)) / 1e6, (t4 - t0) / 1e6, percentile(g, 0.5) / 1e6,
                    percentile(g, 0.99) / 1e6, max(g) / 1e6, sent3 - sent0, handled3 - handled0, steady,
                    (handled3 - handled0) / window, others, gc3 - gc0);

            // The check, untimed: every process in B, running, with exactly the messages sent to it.
            sender.pauseAndDrain(TimeUnit.SECONDS.toNanos(120));
            String problem = check(next, pids, sender.sent, round + 1);
            if (problem != null || o.processes() != n || o.arriving() != 0) {
                System.err.printf("handover n=%d round %d FAILED: %s; take-over: %s%n", n, round,
                        problem == null ? "take-over outcome" : problem, o);
                System.exit(1);
            }
            System.out.printf("handover n=%d round %d: total %.2f ms (handOver %.2f, new runtime %.2f, takeOver %.2f), "
                            + "longest pause %.2f ms, every process handled in B after %.2f ms; gap p50 %.3f p99 %.3f max %.3f ms; "
                            + "sent %d handled %d in window (%.0f msgs/s vs %.0f steady); GC %.0f ms; others' CPU %.2f; take-over %s; "
                            + "checked: %d processes, states exact%n",
                    n, round, s.wallMs, s.handOverMs, s.newRuntimeMs, s.takeOverMs, s.longestPauseMs, s.allHandledMs,
                    s.gapP50Ms, s.gapP99Ms, s.gapMaxMs, s.sent, s.handled, s.windowRate, s.steadyRate, s.gcMs, s.othersCpu, o, n);
            if (round > 0) {
                samples.add(s);
            }
            current = next;
            System.gc(); // the check's garbage and the old runtime's table, outside the next window
            sender.resumeSending(false);
            Thread.sleep(1000);
        }
        sender.running = false;
        sender.resumeSending(false);
        sender.join();
        MoltSupport.stop(current);

        results.put(k + "asked", rounds);
        results.put(k + "rounds", samples.size());
        results.put(k + "load", Messages.loadAverage());
        results.put(k + "checked", "every hand-over: " + n + " processes RUNNING in the new runtime, hand-over counted, "
                + "each state's count = messages sent to it");
        results.put(k + "steadyGap.p50Ms", percentile(steadyGaps, 0.5) / 1e6);
        results.put(k + "steadyGap.p99Ms", percentile(steadyGaps, 0.99) / 1e6);
        results.put(k + "steadyGap.maxMs", max(steadyGaps) / 1e6);
        if (cutShort != null) {
            results.put(k + "cutShort", cutShort);
        }
        put(results, k + "wallMs", samples, Sample::wallMs);
        put(results, k + "handOverMs", samples, Sample::handOverMs);
        put(results, k + "newRuntimeMs", samples, Sample::newRuntimeMs);
        put(results, k + "takeOverMs", samples, Sample::takeOverMs);
        put(results, k + "longestPauseMs", samples, Sample::longestPauseMs);
        put(results, k + "allHandledMs", samples, Sample::allHandledMs);
        put(results, k + "gapP50Ms", samples, Sample::gapP50Ms);
        put(results, k + "gapP99Ms", samples, Sample::gapP99Ms);
        put(results, k + "gapMaxMs", samples, Sample::gapMaxMs);
        put(results, k + "sent", samples, s -> s.sent);
        put(results, k + "handled", samples, s -> s.handled);
        put(results, k + "steadyPerSecond", samples, Sample::steadyRate);
        put(results, k + "windowPerSecond", samples, Sample::windowRate);
        put(results, k + "othersCpu", samples, Sample::othersCpu);
        put(results, k + "gcMs", samples, Sample::gcMs);
    }

    // ---- snapshots and restores ----

    /** One snapshot's and its restore's figures (milliseconds unless named otherwise). */
    record SnapSample(double snapshotMs, double takeMs, double writeMs, long bytes, double steadyRate, double windowRate,
                      double restoreMs, double readMs, double takeOverMs, double importMs, double othersCpu, long queued,
                      double snapshotGcMs, double restoreGcMs) {
    }

    /**
     * Snapshots of {@code n} running processes (the sender on), each written to disk with fsync, then
     * restored into a fresh runtime (the sender paused: a restore happens at a start, before anyone
     * sends): read and decode, takeOver (every process waits for its behaviour), the behaviour
     * registered, until every process has imported and is bound to it again.
     */
    static void snapshots(int n, int rounds, double budgetSeconds, Results results, String k) throws Exception {
        HANDLED.reset();
        Counter code = new Counter();
        ProcessRuntime a = MoltSupport.start();
        Pid[] pids = counters(a, code, n);
        firstPid = pids[0].id();
        if (pids[n - 1].id() - firstPid != n - 1) {
            throw new IllegalStateException("the pids are not consecutive");
        }
        Path dir = Path.of(System.getProperty("bench.snapshot.dir", "bench/target/handover-snapshots"))
                .resolve("n" + n + "-" + ProcessHandle.current().pid());
        System.gc();
        Sender sender = startedSender(a, pids);

        List<SnapSample> samples = new ArrayList<>();
        long budgetStart = System.nanoTime();
        String cutShort = null;
        for (int round = 0; round <= rounds; round++) {
            cutShort = overBudget(round, rounds, budgetStart, budgetSeconds, "snapshots");
            if (cutShort != null) {
                break;
            }
            double steady = steadyRate();

            // The snapshot, with the sender running.
            long[] counts = new long[n];
            EXPORTS.set(0);
            exported = counts;
            long[] busy0 = Messages.machineBusy();
            long handled0 = HANDLED.sum();
            long gc0 = gcMillis();
            long t0 = System.nanoTime();
            Map<String, Object> image = MoltSupport.snapshot(a);
            long t1 = System.nanoTime();
            exported = null;
            long bytes = MoltSupport.writeSnapshot(dir, image);
            long t2 = System.nanoTime();
            long handled2 = HANDLED.sum();
            long[] busy2 = Messages.machineBusy();
            long gc2 = gcMillis();
            List<Object[]> records = MoltSupport.processRecords(image);
            long[] queued = new long[n];
            long queuedTotal = 0;
            for (Object[] r : records) {
                int i = (int) (MoltSupport.recordPid(r) - firstPid);
                queued[i] = MoltSupport.recordQueued(r);
                queuedTotal += queued[i];
            }
            int inImage = records.size();
            image = null;
            records = null;
            if (inImage != n || EXPORTS.get() != n) {
                System.err.printf("snapshot n=%d round %d FAILED: %d records, %d exports%n", n, round, inImage, EXPORTS.get());
                System.exit(1);
            }

            // The restore, into a fresh runtime, with the sender paused and the old runtime idle.
            sender.pauseAndDrain(TimeUnit.SECONDS.toNanos(120));
            System.gc(); // the snapshot's garbage, outside the restore's window
            IMPORTED.reset();
            long restoredHandled0 = HANDLED.sum();
            long[] busy3 = Messages.machineBusy();
            long gc3 = gcMillis();
            long t3 = System.nanoTime();
            Map<String, Object> read = MoltSupport.readSnapshot(dir);
            long t4 = System.nanoTime();
            ProcessRuntime b = MoltSupport.start();
            MoltSupport.TakenOver o = MoltSupport.takeOver(b, read, false);
            read = null;
            long t5 = System.nanoTime();
            MoltSupport.register(b, BEHAVIOUR, VERSION, code);
            long deadline = t5 + TimeUnit.SECONDS.toNanos(120);
            while (IMPORTED.sum() < n && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000);
            }
            long[] bw;
            while ((bw = MoltSupport.boundAndWaiting(b, BEHAVIOUR, VERSION))[0] < n && System.nanoTime() < deadline) {
                LockSupport.parkNanos(50_000);
            }
            long t6 = System.nanoTime();
            long[] busy6 = Messages.machineBusy();
            long gc6 = gcMillis();

            String problem = IMPORTED.sum() != n || bw[0] != n || bw[1] != 0 || o.processes() != n || o.waiting() != n
                    ? "imported " + IMPORTED.sum() + ", bound/waiting " + Arrays.toString(bw) + ", take-over " + o : null;
            if (problem == null) {
                // Every restored process handles the messages it had queued; then each count is what it exported plus those.
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (HANDLED.sum() - restoredHandled0 < queuedTotal && System.nanoTime() < until) {
                    LockSupport.parkNanos(200_000);
                }
                problem = checkRestored(b, pids, counts, queued);
            }
            if (problem != null) {
                System.err.printf("snapshot n=%d round %d FAILED: %s%n", n, round, problem);
                System.exit(1);
            }
            double others = Double.NaN;
            if (busy0 != null && busy2 != null && busy3 != null && busy6 != null) {
                double busy = (busy2[0] - busy0[0]) - (busy2[1] - busy0[1]) + (busy6[0] - busy3[0]) - (busy6[1] - busy3[1]);
                others = Math.max(0, busy) / 1e9 / ((t2 - t0 + t6 - t3) / 1e9);
            }
            SnapSample s = new SnapSample((t2 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, bytes, steady,
                    (handled2 - handled0) / ((t2 - t0) / 1e9), (t6 - t3) / 1e6, (t4 - t3) / 1e6, (t5 - t4) / 1e6,
                    (t6 - t5) / 1e6, others, queuedTotal, gc2 - gc0, gc6 - gc3);
            System.out.printf("snapshot n=%d round %d: snapshot %.2f ms (snapshot() %.2f, encode+write+fsync %.2f), %d bytes "
                            + "(%.1f per process), %.0f msgs/s during it vs %.0f steady; restore %.2f ms (read+decode %.2f, "
                            + "new runtime+takeOver %.2f, register+imports %.2f); GC %.0f / %.0f ms; others' CPU %.2f; queued in image %d; "
                            + "checked: %d processes, states exact%n",
                    n, round, s.snapshotMs, s.takeMs, s.writeMs, bytes, (double) bytes / n, s.windowRate, steady,
                    s.restoreMs, s.readMs, s.takeOverMs, s.importMs, s.snapshotGcMs, s.restoreGcMs, others, queuedTotal, n);
            if (round > 0) {
                samples.add(s);
            }
            MoltSupport.stop(b);
            b = null;
            System.gc();
            sender.resumeSending(true);
            Thread.sleep(1000);
        }
        sender.running = false;
        sender.resumeSending(true);
        sender.join();
        MoltSupport.stop(a);
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                java.nio.file.Files.delete(f);
            }
        }
        java.nio.file.Files.deleteIfExists(dir);

        results.put(k + "asked", rounds);
        results.put(k + "rounds", samples.size());
        results.put(k + "load", Messages.loadAverage());
        results.put(k + "checked", "every restore: " + n + " processes bound to the behaviour again, each state's count"
                + " = the count its code exported + the messages it had queued");
        if (cutShort != null) {
            results.put(k + "cutShort", cutShort);
        }
        put(results, k + "snapshotMs", samples, SnapSample::snapshotMs);
        put(results, k + "takeMs", samples, SnapSample::takeMs);
        put(results, k + "writeMs", samples, SnapSample::writeMs);
        put(results, k + "bytes", samples, x -> x.bytes);
        put(results, k + "bytesPerProcess", samples, x -> (double) x.bytes / n);
        put(results, k + "steadyPerSecond", samples, SnapSample::steadyRate);
        put(results, k + "windowPerSecond", samples, SnapSample::windowRate);
        put(results, k + "restoreMs", samples, SnapSample::restoreMs);
        put(results, k + "readMs", samples, SnapSample::readMs);
        put(results, k + "takeOverMs", samples, SnapSample::takeOverMs);
        put(results, k + "importMs", samples, SnapSample::importMs);
        put(results, k + "othersCpu", samples, SnapSample::othersCpu);
        put(results, k + "queuedInImage", samples, x -> x.queued);
        put(results, k + "snapshotGcMs", samples, SnapSample::snapshotGcMs);
        put(results, k + "restoreGcMs", samples, SnapSample::restoreGcMs);
    }

    /** Null if every restored process is RUNNING, restored once, with the count it exported plus the messages it had queued. */
    static String checkRestored(ProcessRuntime runtime, Pid[] pids, long[] exportedCounts, long[] queued) throws Exception {
        int n = pids.length;
        List<ProcessInfo> infos = runtime.processes();
        if (infos.size() != n) {
            return infos.size() + " processes restored, " + n + " expected";
        }
        for (int i = 0; i < n; i++) {
            ProcessInfo p = infos.get(i);
            if (!p.pid().equals(pids[i]) || p.status() != ProcessStatus.RUNNING || p.restores() != 1) {
                return "process " + i + " is " + p + "; expected " + pids[i] + " RUNNING, restored once";
            }
        }
        infos = null;
        return wrongCount(runtime, pids, i -> exportedCounts[i] + queued[i],
                i -> " (exported " + exportedCounts[i] + " + queued " + queued[i] + ")");
    }

    static <T> void put(Results results, String key, List<T> samples, java.util.function.ToDoubleFunction<T> f) {
        double[] v = samples.stream().mapToDouble(f).toArray();
        results.put(key + ".all", Arrays.toString(Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
        if (v.length > 0) {
            results.put(key + ".median", Stats.median(v));
        }
    }

    /** Waits (up to 60 s) until the sender has sent {@code count} messages. */
    static void awaitSent(Sender sender, long count) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sender.sent < count && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Milliseconds the JVM's collectors have spent in collections so far (pauses and concurrent work, as the beans count it). */
    static long gcMillis() {
        long sum = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    /** Waits until every process had its timed message (or {@code limitSeconds}); the gaps, sorted, the unknown ones left out. */
    /** {@code code} registered in {@code rt}, and {@code n} processes of it. */
    private static Pid[] counters(ProcessRuntime rt, Counter code, int n) {
        MoltSupport.register(rt, BEHAVIOUR, VERSION, code);
        Pid[] pids = new Pid[n];
        for (int i = 0; i < n; i++) {
            pids[i] = rt.spawn(BEHAVIOUR, null);
        }
        return pids;
    }

    /**
     * A sender to {@code pids}, started, once it has sent two messages a process: every process has
     * handled messages, so its state holds when the last was.
     */
    private static Sender startedSender(ProcessRuntime rt, Pid[] pids) throws InterruptedException {
        Sender sender = new Sender(rt, pids);
        sender.start();
        Thread.sleep(1000);
        awaitSent(sender, 2L * pids.length);
        return sender;
    }

    /** Why a run stops before round {@code round} of {@code rounds} ({@code what}): over its budget; null while within it. */
    private static String overBudget(int round, int rounds, long budgetStart, double budgetSeconds, String what) {
        if (round > 1 && (System.nanoTime() - budgetStart) / 1e9 > budgetSeconds) {
            return "stopped after " + (round - 1) + " of " + rounds + " measured " + what + ": over the "
                    + budgetSeconds + " s budget";
        }
        return null;
    }

    /** Messages handled a second while nothing but the sender runs, over 300 ms. */
    private static double steadyRate() throws InterruptedException {
        long h0 = HANDLED.sum();
        Thread.sleep(300);
        return (HANDLED.sum() - h0) / 0.3;
    }

    static long[] awaitGaps(int n, int limitSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limitSeconds);
        while (GAP_COUNT.get() < n && System.nanoTime() < deadline) {
            LockSupport.parkNanos(50_000); // not a spin: it would take a core from the workers
        }
        int got = Math.min(n, GAP_COUNT.get());
        if (got < n) {
            throw new IllegalStateException("only " + got + " of " + n + " processes handled a message within "
                    + limitSeconds + " s");
        }
        return Arrays.stream(Arrays.copyOf(gaps, got)).filter(x -> x >= 0).sorted().toArray();
    }

    /**
     * Null if {@code runtime} holds exactly the {@code pids}, all RUNNING with {@code handOvers} hand-overs,
     * each state counting exactly the messages a round-robin sender of {@code sent} messages sent it; else what is wrong.
     */
    static String check(ProcessRuntime runtime, Pid[] pids, long sent, int handOvers) throws Exception {
        int n = pids.length;
        List<ProcessInfo> infos = runtime.processes();
        if (infos.size() != n) {
            return infos.size() + " processes in the new runtime, " + n + " expected";
        }
        for (int i = 0; i < n; i++) {
            ProcessInfo p = infos.get(i); // sorted by pid, as the pids were spawned
            long expected = sent / n + (i < sent % n ? 1 : 0);
            if (!p.pid().equals(pids[i]) || p.status() != ProcessStatus.RUNNING || p.handOvers() != handOvers
                    || p.handled() != expected) {
                return "process " + i + " is " + p + "; expected " + pids[i] + " RUNNING, handOvers " + handOvers
                        + ", handled " + expected;
            }
        }
        infos = null;
        return wrongCount(runtime, pids, i -> sent / n + (i < sent % n ? 1 : 0), i -> "");
    }

    /**
     * Null if each process's state counts {@code expected.applyAsLong(i)} (states fetched 10,000 at a
     * time, so that a million futures are never outstanding at once); else the first that does not,
     * with {@code detail.apply(i)} after what was expected.
     */
    static String wrongCount(ProcessRuntime runtime, Pid[] pids, java.util.function.IntToLongFunction expected,
                             java.util.function.IntFunction<String> detail) throws Exception {
        int n = pids.length;
        int chunk = 10_000;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            List<CompletableFuture<Object>> states = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                states.add(runtime.state(pids[i]).toCompletableFuture());
            }
            for (int i = from; i < to; i++) {
                Object st = states.get(i - from).get(30, TimeUnit.SECONDS);
                long want = expected.applyAsLong(i);
                Object c = st instanceof Struct s ? s.get("count") : st instanceof Count c0 ? c0.count() : null;
                if (!(c instanceof Number num) || num.longValue() != want) {
                    return "process " + pids[i] + " has state " + st + "; expected count " + want + detail.apply(i);
                }
            }
        }
        return null;
    }

    static long percentile(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : UpgradeCost.percentile(sorted, q);
    }

    static long max(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }
}
