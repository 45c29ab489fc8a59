package dev.molt.runtime.dispatch;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.After;
import org.junit.Test;

/**
 * The dispatcher's own promises, without processes: no lost wake-up, one run per task, blocking
 * scopes hand the permit on.
 */
public class DispatcherTest {

    Dispatcher d;

    @After
    public void stop() throws InterruptedException {
        if (d != null) {
            d.shutdown();
            d.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The JDK 17 ForkJoinPool stall (see DESIGN.md), against this dispatcher: one worker blocked in an
     * unmanaged wait, then tasks submitted one at a time from a thread outside the pool, each awaited
     * for 2 s. Between two tasks every other worker parks, so each task needs a wake-up: a lost one
     * is a stall. {@code bench/.../WakeupStress} runs the same rounds against the JDK's pool.
     */
    @Test
    public void tasksSubmittedOneAtATimeFromOutsideNeverStall() throws Exception {
        d = new Dispatcher("test", 2, 8);
        int stalls = 0;
        for (int round = 0; round < 20; round++) {
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            d.schedule(() -> {
                blocked.countDown();
                await(release);
            });
            assertTrue(blocked.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 200; i++) {
                CountDownLatch ran = new CountDownLatch(1);
                d.schedule(ran::countDown);
                if (!ran.await(2, TimeUnit.SECONDS)) {
                    stalls++;
                    ran.await(30, TimeUnit.SECONDS);
                }
            }
            release.countDown();
        }
        assertEquals("tasks that waited more than 2 s for a worker", 0, stalls);
    }

    @Test
    public void manyProducersRacingParkingWorkersLoseNoTaskAndRunEachOnce() throws Exception {
        d = new Dispatcher("test", 2, 8);
        int producers = 4;
        int perProducer = 50_000;
        AtomicLong ran = new AtomicLong();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
                    d.schedule(() -> {
                        if (!once.compareAndSet(false, true)) {
                            duplicates.incrementAndGet();
                        }
                        ran.incrementAndGet();
                        all.countDown();
                    });
                    if (i % 1000 == 0) {
                        Thread.yield(); // let the workers run dry and park now and then
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertTrue("every task ran within 60 s; ran " + ran.get() + ", " + d, all.await(60, TimeUnit.SECONDS));
        assertEquals(0, duplicates.get());
        assertEquals((long) producers * perProducer, ran.get());
    }

    /**
     * Long turns (the watchdog takes their permits) among many short ones from several producers,
     * with workers parking between bursts: every task runs, and once all is quiet the counts agree
     * with the workers (a count that drifts loses wake-ups later: this found two such races).
     */
    @Test
    public void longTurnsAndParkingWorkersKeepTheCountsTrue() throws Exception {
        d = new Dispatcher("test", 2, 16);
        int producers = 4;
        int perProducer = 5_000;
        CountDownLatch all = new CountDownLatch(producers * perProducer);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < perProducer; i++) {
                    boolean longTurn = (i * 31 + seed) % 250 == 0;
                    d.schedule(() -> {
                        if (longTurn) {
                            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait(); // past the watchdog's 20 ms: it takes the permit
                            }
                        }
                        all.countDown();
                    });
                    if (i % 100 == 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000); // let the workers park
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertTrue("every task ran within 120 s; " + d, all.await(120, TimeUnit.SECONDS));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String disagreement;
        while ((disagreement = d.countsDisagree()) != null && System.nanoTime() < deadline) {
            Thread.sleep(5); // the last workers are on their way to park
        }
        assertEquals("the counts, once quiet: " + d, null, disagreement);
    }

    @Test
    public void aTaskScheduledFromAWorkerRunsOnThatWorkerNext() throws Exception {
        d = new Dispatcher("test", 2, 8);
        CountDownLatch done = new CountDownLatch(1);
        Thread[] where = new Thread[2];
        d.schedule(() -> {
            where[0] = Thread.currentThread();
            d.schedule(() -> {
                where[1] = Thread.currentThread();
                done.countDown();
            });
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals("a message between two processes stays on its core", where[0], where[1]);
    }

    @Test
    public void aBlockingScopeHandsThePermitToAnotherThread() throws Exception {
        d = new Dispatcher("test", 1, 4);
        CountDownLatch inScope = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        d.schedule(() -> {
            try (Dispatcher.Blocking b = d.blocking()) {
                inScope.countDown();
                await(release);
            }
        });
        assertTrue(inScope.await(10, TimeUnit.SECONDS));
        // One permit, held by nobody now: another thread must run this at once (no watchdog delay
        // would be needed, but the test does not time it).
        CountDownLatch ran = new CountDownLatch(1);
        d.schedule(ran::countDown);
        assertTrue("a task ran while the only permit's thread was blocked", ran.await(10, TimeUnit.SECONDS));
        assertEquals(2, d.threadCount());
        release.countDown();
    }

    @Test
    public void theWatchdogFreesThePermitOfATurnStuckWithoutSayingSo() throws Exception {
        d = new Dispatcher("test", 1, 4);
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        d.schedule(() -> {
            stuck.countDown();
            await(release);
        });
        assertTrue(stuck.await(10, TimeUnit.SECONDS));
        CountDownLatch ran = new CountDownLatch(1);
        d.schedule(ran::countDown);
        assertTrue("the watchdog let another thread run it", ran.await(10, TimeUnit.SECONDS));
        release.countDown();
    }

    /**
     * A reconfiguration replaces the dispatcher while tasks keep coming: every task runs exactly
     * once, on the old dispatcher or the new one. A task a producer put in the old queue just as it
     * shut down, or one a task scheduled into its worker's slot, must not be stranded there.
     */
    @Test
    public void aDispatcherReplacedUnderLoadStrandsNoTask() throws Exception {
        for (int round = 0; round < 100; round++) {
            Dispatcher old = new Dispatcher("old", 2, 8);
            Dispatcher next = new Dispatcher("next", 2, 8);
            int producers = 2;
            int perProducer = 2_000;
            AtomicInteger[] ran = new AtomicInteger[producers * perProducer];
            for (int i = 0; i < ran.length; i++) {
                ran[i] = new AtomicInteger();
            }
            CountDownLatch done = new CountDownLatch(ran.length);
            Dispatcher[] current = {old};
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int id = base + i;
                        // A task that runs on a worker schedules its second half there (the worker's slot).
                        Runnable second = () -> {
                            if (ran[id].incrementAndGet() == 1) {
                                done.countDown();
                            }
                        };
                        Runnable first = () -> {
                            Dispatcher on = Thread.currentThread() instanceof Worker w ? w.dispatcher : next;
                            try {
                                on.schedule(second);
                            } catch (java.util.concurrent.RejectedExecutionException e) {
                                next.schedule(second);
                            }
                        };
                        try {
                            current[0].schedule(first);
                        } catch (java.util.concurrent.RejectedExecutionException e) {
                            next.schedule(first); // as a mailbox does when its dispatcher was replaced
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            long shutAt = ran.length - (round % 10) * 300L; // the shutdown falls at another point each round
            while (done.getCount() > shutAt) {
                Thread.onSpinWait();
            }
            old.shutdownInto(next);
            for (Thread t : threads) {
                t.join();
            }
            if (!done.await(10, TimeUnit.SECONDS)) { // what the workers do, for the failure's reader
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    if (t.getName().startsWith("old") || t.getName().startsWith("next")) {
                        System.out.println(t.getName() + " " + t.getState() + " " + java.util.Arrays.toString(stack));
                    }
                });
            }
            assertTrue("round " + round + ": " + done.getCount() + " tasks never ran; " + old + ", " + next, done.getCount() == 0);
            for (int i = 0; i < ran.length; i++) {
                assertEquals("round " + round + ", task " + i, 1, ran[i].get());
            }
            assertTrue(old.awaitTermination(5, TimeUnit.SECONDS));
            next.shutdown();
            next.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
