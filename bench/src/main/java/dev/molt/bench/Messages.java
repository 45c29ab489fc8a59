package dev.molt.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;

/**
 * The message-workload harness: one workload on one system in this JVM. It sets the workload up
 * (untimed), runs {@code WARMUPS} rounds that are not counted, then {@code ROUNDS} timed rounds,
 * each a fixed amount of work timed with {@link System#nanoTime()} from the first send until the
 * last message was handled; the JVM's figure is the median rate of its timed rounds.
 * {@code bench/run} starts one such JVM per system in turn (Molt, Pekko, Molt, Pekko, ...) and
 * the report pairs them.
 *
 * <p>Besides the rates it records what the run-time check of the system's configuration said,
 * how many scheduler threads exist after the rounds, the load average when the JVM started, and,
 * from a sampler thread that looks every 5 ms (both systems alike): the mean number of the
 * scheduler's threads that were runnable, and the share of samples in which a scheduler thread
 * was parked while the pool held queued work ("idle while queued", the lost-wake-up signature);
 * and per round the CPU time of the scheduler's threads and of the main (sending) thread over
 * the round's wall time, and the CPU the rest of the machine used meanwhile (from /proc/stat:
 * another build on a shared machine shows here, and explains a slow round).
 * With {@code -Dbench.dumpSlow=true}, a round slower than half the best one so far prints a
 * thread dump and the pool's state to standard error; {@code -Dbench.sample=false} leaves the
 * sampler out and {@code -Dbench.young=true} the full collection after set-up (to check that
 * neither changes the figures); {@code -Dbench.trace=FILE} writes every sample (each scheduler
 * thread's state and the pool's own {@code toString}) to FILE.
 *
 * <p>Usage: {@code Messages molt|pekko pingpong|fanin|fanout WARMUPS ROUNDS OUTPUT.properties KEY}.
 */
public final class Messages {

    public static void main(String[] args) throws Exception {
        String system = args[0];
        String workload = args[1];
        int warmups = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        String key = args[5];
        String load = loadAverage();
        boolean dumpSlow = Boolean.getBoolean("bench.dumpSlow");

        Workload w = open(system, workload);
        String check = w.check();
        if (!Boolean.getBoolean("bench.young")) {
            // A full collection moves everything set up (processes, mailboxes, actors) into the
            // old generation, where long-lived processes live in production. Without it, where
            // the receivers happen to be when a round runs decides the rate (see Messages' doc).
            System.gc();
        }
        Sampler sampler = new Sampler(w.schedulerThreadMark(), w.pool());
        if (!"false".equals(System.getProperty("bench.sample"))) {
            sampler.start(); // -Dbench.sample=false: no sampler thread (the harness-effect check)
        }
        double[] rates = new double[rounds];
        double[] runnable = new double[rounds];
        double[] idleQueued = new double[rounds];
        double[] workerCpu = new double[rounds];
        double[] mainCpu = new double[rounds];
        double[] foreignCpu = new double[rounds];
        var cpu = ManagementFactory.getThreadMXBean();
        double best = 0;
        for (int r = -warmups; r < rounds; r++) {
            sampler.reset();
            long[] c0 = schedulerCpu(cpu, w.schedulerThreadMark());
            long m0 = cpu.getCurrentThreadCpuTime();
            long[] b0 = machineBusy();
            long t0 = System.nanoTime();
            w.round();
            long t1 = System.nanoTime();
            long[] b1 = machineBusy();
            long m1 = cpu.getCurrentThreadCpuTime();
            long[] c1 = schedulerCpu(cpu, w.schedulerThreadMark());
            double rate = w.messages() / ((t1 - t0) / 1e9);
            double[] s = sampler.snapshot();
            // CPU seconds per wall second: of all scheduler threads together, and of this (the sending) thread.
            double wcpu = (c1[0] - c0[0]) / (double) (t1 - t0);
            double mcpu = (m1 - m0) / (double) (t1 - t0);
            // CPU the rest of the machine used meanwhile (cores): all busy time minus this JVM's.
            double foreign = b0 == null ? Double.NaN
                    : Math.max(0, ((b1[0] - b0[0]) - (b1[1] - b0[1])) / (double) (t1 - t0));
            System.out.printf(Locale.ROOT, "%s %s %s %d: %,.0f msgs/s (runnable scheduler threads %.2f, idle while queued %.0f%%,"
                            + " CPU/wall: scheduler threads %.2f, main thread %.2f, rest of the machine %.2f)%n",
                    key, system, workload, r, rate, s[0], 100 * s[1], wcpu, mcpu, foreign);
            if (dumpSlow && best > 0 && rate < best / 2) {
                System.err.printf(Locale.ROOT, "slow round %d: %,.0f msgs/s, best %,.0f; pool %s%n%s", r, rate, best,
                        w.pool(), threadDump());
            }
            best = Math.max(best, rate);
            if (r >= 0) {
                rates[r] = rate;
                runnable[r] = s[0];
                idleQueued[r] = s[1];
                workerCpu[r] = wcpu;
                mainCpu[r] = mcpu;
                foreignCpu[r] = foreign;
            }
        }
        sampler.interrupt();
        int threads = schedulerThreads(w.schedulerThreadMark());
        w.close();

        Results results = Results.read(out);
        results.put(key + ".rates", Arrays.toString(rates));
        results.put(key + ".median", Stats.median(rates));
        results.put(key + ".runnable", Arrays.toString(round2(runnable)));
        results.put(key + ".idleWhileQueued", Arrays.toString(round2(idleQueued)));
        results.put(key + ".schedulerCpu", Arrays.toString(round2(workerCpu)));
        results.put(key + ".mainCpu", Arrays.toString(round2(mainCpu)));
        results.put(key + ".foreignCpu", Arrays.toString(round2(foreignCpu)));
        results.put(key + ".check", check);
        results.put(key + ".schedulerThreads", threads);
        results.put(key + ".load", load);
        results.put(key + ".jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.put(key + ".jvmFlags", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        results.write(out);
        System.exit(0);
    }

    static Workload open(String system, String workload) throws Exception {
        return switch (system + "/" + workload) {
            case "molt/pingpong" -> PingPong.molt();
            case "pekko/pingpong" -> PingPong.pekko();
            case "molt/fanin" -> FanIn.molt();
            case "pekko/fanin" -> FanIn.pekko();
            case "molt/fanout" -> FanOut.molt();
            case "pekko/fanout" -> FanOut.pekko();
            default -> throw new IllegalArgumentException("unknown system/workload '" + system + "/" + workload
                    + "': use molt|pekko and pingpong|fanin|fanout");
        };
    }

    /** The 1-, 5- and 15-minute load averages, as /proc/loadavg gives them (empty elsewhere). */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "";
        }
    }

    static int schedulerThreads(String mark) {
        return threadsNamed(mark).size();
    }

    /**
     * Live threads whose name contains {@code mark}, listed from the root thread group (unlike
     * {@link Thread#getAllStackTraces()}, this takes no stack traces and needs no safepoint).
     */
    static List<Thread> threadsNamed(String mark) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        List<Thread> found = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (all[i].getName().contains(mark)) {
                found.add(all[i]);
            }
        }
        return found;
    }

    /** {CPU nanoseconds so far of every live thread whose name contains mark}. */
    static long[] schedulerCpu(java.lang.management.ThreadMXBean cpu, String mark) {
        long sum = 0;
        for (Thread t : threadsNamed(mark)) {
            sum += Math.max(0, cpu.getThreadCpuTime(t.getId()));
        }
        return new long[] {sum};
    }

    /**
     * {CPU nanoseconds the whole machine spent busy, of which this JVM's} so far, from
     * /proc/stat (10 ms ticks) and the JVM's own process CPU time; null where there is no /proc.
     */
    static long[] machineBusy() {
        try {
            String cpuLine = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpuLine.trim().split("\\s+");
            // user nice system idle iowait irq softirq steal: busy is all but idle and iowait
            long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
            long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            return new long[] {ticks * 10_000_000L, own};
        } catch (Exception e) {
            return null;
        }
    }

    static String threadDump() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            b.append('"').append(e.getKey().getName()).append("\" ").append(e.getKey().getState()).append('\n');
            for (StackTraceElement f : e.getValue()) {
                b.append("    at ").append(f).append('\n');
            }
        }
        return b.toString();
    }

    static double[] round2(double[] v) {
        return Arrays.stream(v).map(x -> Math.round(x * 100) / 100.0).toArray();
    }

    /**
     * Looks at the scheduler's threads every 5 ms: how many are runnable, and whether one is
     * parked while its pool has queued tasks or submissions.
     */
    static final class Sampler extends Thread {
        private final String mark;
        private final ForkJoinPool pool;
        private volatile List<Thread> threads = List.of();
        private long samples;
        private long runnableSum;
        private long idleWhileQueued;
        /** -Dbench.trace=FILE: every sample as a line (thread states and the pool's own state). */
        private final java.io.PrintWriter trace = openTrace();

        private static java.io.PrintWriter openTrace() {
            String f = System.getProperty("bench.trace");
            try {
                return f == null ? null : new java.io.PrintWriter(Files.newBufferedWriter(Path.of(f)), true);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        Sampler(String mark, ForkJoinPool pool) {
            super("bench-sampler");
            this.mark = mark;
            this.pool = pool;
            setDaemon(true);
        }

        synchronized void reset() {
            samples = 0;
            runnableSum = 0;
            idleWhileQueued = 0;
        }

        /** {mean runnable scheduler threads, share of samples idle while queued} since the last reset. */
        synchronized double[] snapshot() {
            return samples == 0 ? new double[] {Double.NaN, Double.NaN}
                    : new double[] {runnableSum / (double) samples, idleWhileQueued / (double) samples};
        }

        @Override
        public void run() {
            long lastScan = 0;
            while (!isInterrupted()) {
                long now = System.nanoTime();
                if (now - lastScan > 100_000_000L) {
                    // Often enough to see a worker the pool starts late (pools start them lazily).
                    threads = threadsNamed(mark);
                    lastScan = now;
                }
                int running = 0;
                int parked = 0;
                StringBuilder line = trace == null ? null : new StringBuilder().append((now / 100_000) / 10.0).append(" ms");
                for (Thread t : threads) {
                    Thread.State s = t.getState();
                    if (line != null) {
                        line.append(' ').append(t.getName()).append('=').append(s);
                    }
                    if (s == Thread.State.RUNNABLE) {
                        running++;
                    } else if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                        parked++;
                    }
                }
                boolean queued = pool != null && (pool.getQueuedSubmissionCount() > 0 || pool.getQueuedTaskCount() > 0);
                if (line != null) {
                    trace.println(line.append(" | ").append(pool));
                }
                synchronized (this) {
                    samples++;
                    runnableSum += running;
                    if (parked > 0 && queued) {
                        idleWhileQueued++;
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
