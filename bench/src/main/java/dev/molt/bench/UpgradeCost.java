package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeReport;
import dev.molt.bench.molt.MoltSupport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost of an upgrade (Molt only): N processes of one behaviour, one sender thread sending to
 * them round-robin all the time, and the behaviour replaced by its next version the way an OSGi
 * bundle update replaces it (withdraw the old service, register the new one).
 *
 * <p>Measured for each upgrade:
 * <ul>
 * <li><b>total</b>: wall time from the start of the withdrawal until the new version's
 * registration returned and every process had imported its state; and the runtime's own
 * {@link UpgradeReport#total()};</li>
 * <li><b>pause per process</b>: from the moment the old version exported the process's state to
 * the moment the new version imported it (the runtime's definition of a pause; the maximum
 * should match {@link UpgradeReport#longestPause()}), as p50 / p99 / max over all processes;</li>
 * <li><b>sender-visible gap</b>: from the export to the first message the new version handled
 * for that process. It includes the wait for the next message, so it is an upper bound;</li>
 * <li><b>throughput</b>: messages handled per second during the upgrade window, beside the
 * steady rate just before it.</li>
 * </ul>
 * The state is a record carried across through the default neutral form (record to
 * {@code Struct} to record). Messages are JDK integers, so no queued message needs converting.
 * The sender keeps at most {@link #IN_FLIGHT} messages unhandled, so the mailboxes stay short and
 * the sender runs as fast as the processes handle.
 *
 * <p>Modes: {@code atomic} (withdraw, then register: a bundle update), {@code rolling} and
 * {@code canary} (through {@link MoltSupport}'s placeholders until the runtime has them; a mode
 * the runtime lacks is recorded as "not measured" with the reason). Sizes run one after another
 * in this JVM, each with a fresh runtime; {@code -Dbench.upgrade.budgetSeconds} (default 60)
 * bounds the measured upgrades of one size (at least one is always made).
 *
 * <p>Usage: {@code UpgradeCost OUTPUT.properties KEY atomic|rolling|canary ROUNDS N...}; figures
 * go under {@code KEY.MODE.N.}. Run in its own JVM.
 */
public final class UpgradeCost {

    static final int IN_FLIGHT = 20_000;
    static final Integer MESSAGE = 1;

    /** Messages handled by any version: the throughput counter. */
    static final LongAdder HANDLED = new LongAdder();
    /** Export-to-import pauses of the current upgrade, in nanoseconds. */
    static volatile long[] pauses = new long[0];
    static final AtomicInteger PAUSE_COUNT = new AtomicInteger();
    /** Export-to-first-message gaps of the current upgrade, in nanoseconds. */
    static volatile long[] gaps = new long[0];
    static final AtomicInteger GAP_COUNT = new AtomicInteger();

    static void record(long[] into, AtomicInteger count, long nanos) {
        int i = count.getAndIncrement();
        if (i < into.length) {
            into[i] = nanos;
        }
    }

    // ---- the two alternating versions; each keeps the time its state was exported ----

    /** Version A's state: messages handled, and when this state was exported (0: not pending). */
    public record CountA(long count, long exportedAt) {
    }

    /** Version B's state: one more field than A, filled by the default import with 0. */
    public record CountB(long count, long exportedAt, long sinceUpgrade) {
    }

    public static final class VersionA implements Behaviour<CountA> {
        @Override
        public CountA init(ProcessContext context, Object argument) {
            return new CountA(0, 0);
        }

        @Override
        public CountA handle(ProcessContext context, CountA state, Object message) {
            HANDLED.increment();
            if (state.exportedAt() != 0) {
                record(gaps, GAP_COUNT, System.nanoTime() - state.exportedAt());
            }
            return new CountA(state.count() + 1, 0);
        }

        @Override
        public Object exportState(ProcessContext context, CountA state) {
            return context.toNeutral(new CountA(state.count(), System.nanoTime()));
        }

        @Override
        public CountA importState(ProcessContext context, String fromVersion, Object neutral) {
            CountA state = context.fromNeutral(neutral, CountA.class);
            record(pauses, PAUSE_COUNT, System.nanoTime() - state.exportedAt());
            return state;
        }
    }

    public static final class VersionB implements Behaviour<CountB> {
        @Override
        public CountB init(ProcessContext context, Object argument) {
            return new CountB(0, 0, 0);
        }

        @Override
        public CountB handle(ProcessContext context, CountB state, Object message) {
            HANDLED.increment();
            if (state.exportedAt() != 0) {
                record(gaps, GAP_COUNT, System.nanoTime() - state.exportedAt());
            }
            return new CountB(state.count() + 1, 0, state.sinceUpgrade() + 1);
        }

        @Override
        public Object exportState(ProcessContext context, CountB state) {
            return context.toNeutral(new CountB(state.count(), System.nanoTime(), state.sinceUpgrade()));
        }

        @Override
        public CountB importState(ProcessContext context, String fromVersion, Object neutral) {
            CountB state = context.fromNeutral(neutral, CountB.class);
            record(pauses, PAUSE_COUNT, System.nanoTime() - state.exportedAt());
            return state;
        }
    }

    /** Sends round-robin until stopped, never more than {@link #IN_FLIGHT} ahead of the handlers. */
    static final class Sender extends Thread {
        final ProcessRuntime runtime;
        final Pid[] pids;
        final AtomicLong sent = new AtomicLong();
        volatile boolean running = true;

        Sender(ProcessRuntime runtime, Pid[] pids) {
            super("upgrade-sender");
            this.runtime = runtime;
            this.pids = pids;
            setDaemon(true);
        }

        @Override
        public void run() {
            long n = 0;
            int next = 0;
            while (running) {
                // Back-pressure: checked once per batch, since summing the adder is not free.
                while (n - HANDLED.sum() > IN_FLIGHT && running) {
                    LockSupport.parkNanos(20_000);
                }
                for (int i = 0; i < 256; i++) {
                    runtime.send(pids[next], MESSAGE);
                    if (++next == pids.length) {
                        next = 0;
                    }
                }
                n += 256;
                sent.lazySet(n);
            }
        }
    }

    /** Upgrade modes, as the report names them. */
    enum Mode { ATOMIC, ROLLING, CANARY }

    /** Kept: a logger only referenced by name could be collected and lose its level. */
    static final java.util.logging.Logger RUNTIME_LOG = java.util.logging.Logger.getLogger("dev.molt.runtime");

    public static void main(String[] args) throws Exception {
        // The runtime logs every upgrade at INFO; the harness prints its own line per upgrade.
        RUNTIME_LOG.setLevel(java.util.logging.Level.WARNING);
        Path out = Path.of(args[0]);
        String key = args[1];
        Mode mode = Mode.valueOf(args[2].toUpperCase(java.util.Locale.ROOT));
        int rounds = Integer.parseInt(args[3]);
        double budget = Double.parseDouble(System.getProperty("bench.upgrade.budgetSeconds", "60"));
        String notMeasured = null;
        for (int a = 4; a < args.length; a++) {
            int n = Integer.parseInt(args[a]);
            String k = key + "." + mode.name().toLowerCase(java.util.Locale.ROOT) + "." + n + ".";
            Results results = Results.read(out);
            if (notMeasured == null) {
                measure(mode, n, rounds, budget, results, k);
                notMeasured = results.get(k + "notMeasured");
            } else {
                results.put(k + "notMeasured", notMeasured); // the mode is missing: no need to spawn the next size
            }
            results.write(out);
        }
        System.exit(0);
    }

    /** One upgrade's figures. */
    record Sample(double wallMs, double suspendMs, double cpuMs, double reportMs, double reportLongestMs, double steadyRate,
                  double windowRate, int migrated, int held, int failed, long[] pauses, long[] gaps) {
    }

    /** Does one upgrade of {@code mode}; returns the time (ns) when its first step returned. */
    static MoltSupport.Version upgrade(Mode mode, ProcessRuntime runtime, MoltSupport.Version from, String to,
                                       Behaviour<?> code, int n, long[] midpoint) {
        switch (mode) {
            case ATOMIC -> {
                MoltSupport.unregister(runtime, from);
                midpoint[0] = System.nanoTime();
                return MoltSupport.register(runtime, from.behaviour(), to, code);
            }
            case ROLLING -> {
                MoltSupport.Version v = MoltSupport.rolling(runtime, from, to, code);
                midpoint[0] = System.nanoTime();
                return v;
            }
            case CANARY -> {
                MoltSupport.Canary c = MoltSupport.canary(runtime, from, to, code, Math.max(1, n / 10));
                midpoint[0] = System.nanoTime();
                return MoltSupport.promote(runtime, c);
            }
            default -> throw new AssertionError(mode);
        }
    }

    /**
     * Measures {@code rounds} upgrades (after one warm-up upgrade) of {@code n} processes, or as
     * many as fit in {@code budgetSeconds} of upgrading; the sizes that do not fit are cut short
     * and say so ({@code KEY.rounds} below the asked number, {@code KEY.cutShort}).
     */
    static void measure(Mode mode, int n, int rounds, double budgetSeconds, Results results, String k)
            throws InterruptedException {
        // The counter is shared by every size measured in this JVM: without a reset, the sender
        // of the next size compares its own count with the previous sizes' total, its in-flight
        // cap does not hold, and it floods the mailboxes.
        HANDLED.reset();
        ProcessRuntime runtime = MoltSupport.start();
        MoltSupport.Version version = MoltSupport.register(runtime, "upgraded", "1.0.0", new VersionA());
        Pid[] pids = new Pid[n];
        for (int i = 0; i < n; i++) {
            pids[i] = runtime.spawn("upgraded", null);
        }
        Sender sender = new Sender(runtime, pids);
        // -Dbench.quiet=true upgrades idle processes (no sender): for analysis, not in the report.
        if (Boolean.getBoolean("bench.quiet")) {
            sender.running = false;
        }
        sender.start();
        Thread.sleep(1000);

        List<Sample> samples = new ArrayList<>();
        long budgetStart = System.nanoTime();
        String cutShort = null;
        // Round 0 warms the upgrade path up and is not reported.
        for (int round = 0; round <= rounds; round++) {
            if (round > 1 && (System.nanoTime() - budgetStart) / 1e9 > budgetSeconds) {
                cutShort = "stopped after " + (round - 1) + " of " + rounds + " measured upgrades: over the "
                        + budgetSeconds + " s budget";
                break;
            }
            long h0 = HANDLED.sum();
            Thread.sleep(300);
            double steady = (HANDLED.sum() - h0) / 0.3;

            pauses = new long[n];
            PAUSE_COUNT.set(0);
            gaps = new long[n];
            GAP_COUNT.set(0);
            String next = "1." + (round + 1) + ".0";
            Behaviour<?> code = round % 2 == 0 ? new VersionB() : new VersionA();

            long handledBefore = HANDLED.sum();
            var threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long[] mid = new long[1];
            long t0 = System.nanoTime();
            try {
                version = upgrade(mode, runtime, version, next, code, n, mid);
            } catch (UnsupportedOperationException e) {
                results.put(k + "notMeasured", e.getMessage());
                System.out.printf("upgrade %s n=%d: not measured: %s%n", mode, n, e.getMessage());
                break;
            }
            long t1 = System.nanoTime();
            long cpu1 = threads.getCurrentThreadCpuTime();
            long waitLimit = (long) (Math.max(60, budgetSeconds) * 1e9);
            while (PAUSE_COUNT.get() < n && System.nanoTime() - t1 < waitLimit) {
                LockSupport.parkNanos(50_000); // not a spin: it would take a core from the workers
            }
            long t2 = System.nanoTime();
            double window = (t2 - t0) / 1e9;
            double windowRate = (HANDLED.sum() - handledBefore) / window;
            List<UpgradeReport> history = runtime.upgradeHistory();
            UpgradeReport report = history.get(history.size() - 1);
            // Let every process see a message under the new version before reading the gaps.
            Thread.sleep(Math.min(2000, Math.max(300, n / 100)));
            long[] p = Arrays.copyOf(pauses, Math.min(n, PAUSE_COUNT.get()));
            long[] g = Arrays.copyOf(gaps, Math.min(n, GAP_COUNT.get()));
            Sample s = new Sample((t2 - t0) / 1e6, (mid[0] - t0) / 1e6, (cpu1 - cpu0) / 1e6, report.total().toNanos() / 1e6,
                    report.longestPause().toNanos() / 1e6, steady, windowRate,
                    report.migrated(), report.held().size(), report.failed(), p, g);
            System.out.printf("upgrade %s n=%d round %d: wall %.2f ms (first step %.2f, coordinator cpu %.2f), report total %.2f ms, "
                            + "longest pause %.2f ms, migrated %d held %d failed %d, pauses %d gaps %d, %.0f msgs/s in window vs %.0f steady%n",
                    mode, n, round, s.wallMs, s.suspendMs, s.cpuMs, s.reportMs, s.reportLongestMs, s.migrated, s.held, s.failed,
                    p.length, g.length, windowRate, steady);
            if (round > 0) {
                samples.add(s);
            }
        }
        sender.running = false;
        sender.join();
        MoltSupport.stop(runtime);

        results.put(k + "asked", rounds);
        results.put(k + "rounds", samples.size());
        results.put(k + "load", Messages.loadAverage());
        if (cutShort != null) {
            results.put(k + "cutShort", cutShort);
        }
        if (samples.isEmpty()) {
            return;
        }
        results.put(k + "wallMs.median", Stats.median(samples.stream().mapToDouble(Sample::wallMs).toArray()));
        results.put(k + "wallMs.all", Arrays.toString(samples.stream().mapToDouble(s -> Math.round(s.wallMs * 100) / 100.0).toArray()));
        results.put(k + "firstStepMs.median", Stats.median(samples.stream().mapToDouble(Sample::suspendMs).toArray()));
        results.put(k + "coordinatorCpuMs.median", Stats.median(samples.stream().mapToDouble(Sample::cpuMs).toArray()));
        results.put(k + "reportTotalMs.median", Stats.median(samples.stream().mapToDouble(Sample::reportMs).toArray()));
        results.put(k + "reportLongestPauseMs.median",
                Stats.median(samples.stream().mapToDouble(Sample::reportLongestMs).toArray()));
        results.put(k + "steadyPerSecond.median", Stats.median(samples.stream().mapToDouble(Sample::steadyRate).toArray()));
        results.put(k + "windowPerSecond.median", Stats.median(samples.stream().mapToDouble(Sample::windowRate).toArray()));
        results.put(k + "windowShare.median",
                Stats.median(samples.stream().mapToDouble(s -> s.windowRate / s.steadyRate).toArray()));
        results.put(k + "migrated.min", samples.stream().mapToInt(Sample::migrated).min().orElse(0));
        results.put(k + "held.max", samples.stream().mapToInt(Sample::held).max().orElse(0));
        results.put(k + "failed.max", samples.stream().mapToInt(Sample::failed).max().orElse(0));
        putPercentiles(results, k + "pause", samples.stream().map(Sample::pauses).toList());
        putPercentiles(results, k + "gap", samples.stream().map(Sample::gaps).toList());
    }

    /** p50, p99 and max over every process of every measured upgrade, in milliseconds. */
    static void putPercentiles(Results results, String key, List<long[]> perRound) {
        long[] all = perRound.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        results.put(key + ".count", all.length);
        if (all.length == 0) {
            return;
        }
        results.put(key + ".p50Ms", percentile(all, 0.50) / 1e6);
        results.put(key + ".p999Ms", percentile(all, 0.999) / 1e6);
        results.put(key + ".p99Ms", percentile(all, 0.99) / 1e6);
        results.put(key + ".maxMs", all[all.length - 1] / 1e6);
    }

    static long percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
