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
 * was parked while the pool held queued work ("idle while queued", the lost-wake-up signature).
 * With {@code -Dbench.dumpSlow=true}, a round slower than half the best one so far prints a
 * thread dump and the pool's state to standard error; {@code -Dbench.sample=false} leaves the
 * sampler out and {@code -Dbench.young=true} the full collection after set-up (to check that
 * neither changes the figures).
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
        double best = 0;
        for (int r = -warmups; r < rounds; r++) {
            sampler.reset();
            long t0 = System.nanoTime();
            w.round();
            long t1 = System.nanoTime();
            double rate = w.messages() / ((t1 - t0) / 1e9);
            double[] s = sampler.snapshot();
            System.out.printf(Locale.ROOT, "%s %s %s %d: %,.0f msgs/s (runnable scheduler threads %.2f, idle while queued %.0f%%)%n",
                    key, system, workload, r, rate, s[0], 100 * s[1]);
            if (dumpSlow && best > 0 && rate < best / 2) {
                System.err.printf(Locale.ROOT, "slow round %d: %,.0f msgs/s, best %,.0f; pool %s%n%s", r, rate, best,
                        w.pool(), threadDump());
            }
            best = Math.max(best, rate);
            if (r >= 0) {
                rates[r] = rate;
                runnable[r] = s[0];
                idleQueued[r] = s[1];
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
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains(mark)) {
                n++;
            }
        }
        return n;
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
                if (now - lastScan > 1_000_000_000L) {
                    List<Thread> found = new ArrayList<>();
                    for (Thread t : Thread.getAllStackTraces().keySet()) {
                        if (t.getName().contains(mark)) {
                            found.add(t);
                        }
                    }
                    threads = found;
                    lastScan = now;
                }
                int running = 0;
                int parked = 0;
                for (Thread t : threads) {
                    Thread.State s = t.getState();
                    if (s == Thread.State.RUNNABLE) {
                        running++;
                    } else if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                        parked++;
                    }
                }
                boolean queued = pool != null && (pool.getQueuedSubmissionCount() > 0 || pool.getQueuedTaskCount() > 0);
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
