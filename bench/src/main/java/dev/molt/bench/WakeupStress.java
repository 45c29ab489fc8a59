package dev.molt.bench;

import dev.molt.runtime.dispatch.Dispatcher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lost wake-up that keeps Molt off the JDK's {@code ForkJoinPool}, shown side by side with
 * Molt's own dispatcher.
 *
 * <p>A round: a fresh pool of two workers (the {@code ForkJoinPool} in async mode, as actor
 * runtimes use it; Molt's {@code Dispatcher} with two workers). One task takes a worker and blocks
 * in a plain, unmanaged wait (a latch, no {@code ManagedBlocker}), as a handler calling a slow
 * library would. Then, from a thread outside the pool, tasks are submitted one at a time, each
 * only after the one before has run, for the round's length. A pool that loses a wake-up leaves a
 * submitted task unrun although a worker is free: the round counts as stalled when a task has not
 * run after {@code STALL_MS}, and the pool's own description at that moment is printed. The
 * blocked task is released at the end of every round, so each round starts clean.
 *
 * <p>Usage: {@code WakeupStress fjp|molt ROUNDS ROUND_SECONDS}. Prints one line per stalled round
 * and a last line {@code SYSTEM stalled S of R rounds (N tasks run) on JAVA_VERSION}.
 */
public final class WakeupStress {

    /** How long a submitted task may wait with a worker free before the round counts as stalled. */
    static final long STALL_MS = 1_000;

    /** One pool under test: submits from outside, describes itself, shuts down. */
    interface Pool {
        void submit(Runnable task);

        String describe();

        void shutdown() throws InterruptedException;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[0].equals("fjp") || args[0].equals("molt"))) {
            System.err.println("usage: WakeupStress fjp|molt ROUNDS ROUND_SECONDS");
            System.exit(2);
        }
        String system = args[0];
        int rounds = Integer.parseInt(args[1]);
        long roundNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        int stalled = 0;
        long run = 0;
        for (int r = 1; r <= rounds; r++) {
            Pool pool = system.equals("fjp") ? forkJoin() : molt();
            long[] ran = new long[1];
            String stall = round(pool, roundNanos, n -> ran[0] = n);
            run += ran[0];
            if (stall != null) {
                stalled++;
                System.out.println("round " + r + ": stalled after " + ran[0] + " tasks: " + stall);
            }
            pool.shutdown();
        }
        System.out.println(system + " stalled " + stalled + " of " + rounds + " rounds (" + run + " tasks run) on "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    }

    /** Runs one round; returns the pool's description at the stall, or null when none stalled. */
    static String round(Pool pool, long roundNanos, Consumer<Long> tasksRun) throws InterruptedException {
        CountDownLatch blocked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.submit(() -> {
            blocked.countDown();
            try {
                release.await(); // unmanaged: the pool is not told this worker is blocked
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            if (!blocked.await(STALL_MS, TimeUnit.MILLISECONDS)) {
                tasksRun.accept(0L);
                return "the blocking task itself never ran: " + pool.describe();
            }
            long end = System.nanoTime() + roundNanos;
            long n = 0;
            while (System.nanoTime() < end) {
                CountDownLatch ran = new CountDownLatch(1);
                pool.submit(ran::countDown);
                if (!ran.await(STALL_MS, TimeUnit.MILLISECONDS)) {
                    tasksRun.accept(n);
                    return pool.describe();
                }
                n++;
            }
            tasksRun.accept(n);
            return null;
        } finally {
            release.countDown();
        }
    }

    static Pool forkJoin() {
        ForkJoinPool fjp = new ForkJoinPool(2, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        return new Pool() {
            @Override
            public void submit(Runnable task) {
                fjp.execute(task);
            }

            @Override
            public String describe() {
                return fjp.toString();
            }

            @Override
            public void shutdown() throws InterruptedException {
                fjp.shutdownNow();
                fjp.awaitTermination(10, TimeUnit.SECONDS);
            }
        };
    }

    static Pool molt() {
        Dispatcher dispatcher = new Dispatcher("wakeup-stress", 2, 256);
        return new Pool() {
            @Override
            public void submit(Runnable task) {
                dispatcher.schedule(task);
            }

            @Override
            public String describe() {
                return dispatcher.toString();
            }

            @Override
            public void shutdown() throws InterruptedException {
                dispatcher.shutdown();
                dispatcher.awaitTermination(10, TimeUnit.SECONDS);
            }
        };
    }

    private WakeupStress() {}
}
