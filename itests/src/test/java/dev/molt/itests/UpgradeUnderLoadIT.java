package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.molt.api.Pid;
import dev.molt.api.Struct;
import dev.molt.api.UpgradeReport;

/**
 * The counter bundle updated twenty times, alternating 2.0.0 and 1.0.0, while four senders
 * send sequence-numbered messages to a thousand counters and a caller keeps calling. Afterwards
 * every counter accounts for every message exactly once and in each sender's order, every call
 * was answered, and each replaced revision's class loader was collected.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeUnderLoadIT extends MoltTestSupport {

    static final int PROCESSES = 1000;
    static final int SENDERS = 4;
    static final int PER_SENDER = 50_000;
    static final int UPDATES = 20;

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    @Test
    public void twentyUpdatesUnderLoadLoseDuplicateAndReorderNothing() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            pids.add(runtime.spawn("counter", null));
        }
        Bundle counter = counterBundle();

        // The updater is the only party: each arrival starts a round, and each sender sends one
        // batch per round, so sends overlap the update that round belongs to.
        Phaser rounds = new Phaser(1);
        long[][] sent = new long[SENDERS][PROCESSES];
        int batch = PER_SENDER / UPDATES;
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                try {
                    for (int r = 0; r < UPDATES; r++) {
                        // No timeout of its own: a round is bounded by the updater's waits.
                        rounds.awaitAdvanceInterruptibly(r);
                        for (int i = 0; i < batch; i++) {
                            int k = (sender * 7919 + r * batch + i) % PROCESSES;
                            runtime.send(pids.get(k), List.of("s" + sender, ++sent[sender][k]));
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "sender-" + s);
            t.setDaemon(true); // a failed updater leaves no sender waiting for a round behind
            t.start();
            senders.add(t);
        }
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong calls = new AtomicLong();
        Thread caller = new Thread(() -> {
            while (!done.get()) {
                Pid p = pids.get(ThreadLocalRandom.current().nextInt(PROCESSES));
                try {
                    call(p, "get");
                    calls.incrementAndGet();
                } catch (Throwable e) {
                    failures.add(e);
                }
            }
        }, "caller");
        caller.start();

        for (int u = 0; u < UPDATES; u++) {
            WeakReference<ClassLoader> previous = loaderOf(counter);
            String from = counter.getVersion().toString();
            rounds.arrive();
            update(counter, u % 2 == 0 ? "dev.molt.counter-v2" : "dev.molt.counter-v1");
            UpgradeReport r = reports("counter").get(u);
            assertEquals("update " + u, from, r.fromVersion());
            assertEquals("update " + u + ": " + r.summary(), PROCESSES, r.migrated());
            assertEquals("update " + u + ": " + r.summary(), List.of(), r.held());
            awaitCollected(previous, "the class loader of counter " + from + " (update " + u + ")");
            System.out.println("update " + u + ": " + r.summary());
        }
        for (Thread t : senders) {
            t.join(WAIT.toMillis());
            assertTrue(t.getName() + " finished", !t.isAlive());
        }
        done.set(true);
        caller.join(WAIT.toMillis());
        assertEquals("failures during the run: " + failures, List.of(), new ArrayList<>(failures));
        assertTrue("calls answered during the upgrades: " + calls, calls.get() > 0);

        // 20 updates from 1.0.0 end on 1.0.0, whose state calls the total "count".
        assertEquals("1.0.0", counter.getVersion().toString());
        long total = 0;
        for (int k = 0; k < PROCESSES; k++) {
            // A joined sender's last messages are queued, not yet handled, and state() is
            // answered ahead of queued messages: a call queues behind them all.
            call(pids.get(k), "get");
            Struct s = state(pids.get(k));
            long expected = 0;
            Map<String, Long> lastSeq = new HashMap<>();
            for (int sender = 0; sender < SENDERS; sender++) {
                expected += sent[sender][k];
                if (sent[sender][k] > 0) {
                    lastSeq.put("s" + sender, sent[sender][k]);
                }
            }
            assertEquals("messages counted by " + pids.get(k), expected, s.get("count"));
            assertEquals("per-sender order at " + pids.get(k), 0L, s.get("outOfOrder"));
            assertEquals("last sequence numbers at " + pids.get(k), lastSeq, s.get("lastSeq"));
            assertEquals(UPDATES, runtime.info(pids.get(k)).orElseThrow().upgrades());
            total += expected;
        }
        assertEquals((long) SENDERS * PER_SENDER, total);
        System.out.println("messages " + total + ", calls answered during the upgrades " + calls.get());
    }
}
