package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.After;
import org.junit.Test;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessStatus;
import dev.molt.runtime.handover.SnapshotStore;
import dev.molt.runtime.handover.SnapshotWriter;

/**
 * Durable processes without the framework: a runtime's final snapshot written to a store, read by a
 * fresh runtime, whose processes wait for their behaviour and then go on with their state, queued
 * messages, names, links and timers; a periodic snapshot leaves the processes running.
 */
public class DurableTest {

    private static final Duration T = Duration.ofSeconds(10);
    private MoltRuntime b;

    @After
    public void tearDown() {
        if (b != null) {
            b.shutdown();
        }
    }

    private static MoltRuntime runtime() {
        return new MoltRuntime(RuntimeSettings.defaults().withWorkers(2));
    }

    private static void await(String what, java.util.function.BooleanSupplier c) {
        long deadline = System.nanoTime() + T.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    public void aStoppedRuntimesProcessesComeBackInAnotherWithStateMessagesNamesLinksAndTimers() throws Exception {
        MoltRuntime a = runtime();
        a.register("echo", "1.0.0", new Echo("a"));
        Pid one = a.spawn("echo", "one", null);
        Pid two = a.spawn("echo", "two", null);
        a.send(one, "x1");
        a.send(one, two); // linked
        assertEquals(List.of("x1"), Echo.seen(a, one));
        a.sendAfter(two, "timer", Duration.ofMillis(3000)); // fires after the restore, with the time it had left
        Echo.Gate gate = new Echo.Gate(new java.util.concurrent.CountDownLatch(1), new java.util.concurrent.CountDownLatch(1));
        a.send(two, gate);
        assertTrue(gate.entered().await(10, java.util.concurrent.TimeUnit.SECONDS));
        a.send(two, "queued"); // waits behind the gate: in the mailbox when the snapshot is taken
        new Thread(() -> {
            try {
                Thread.sleep(50); // the stop usually begins while the handler runs; either way "queued" is kept (queued, or handled)
            } catch (InterruptedException e) {
                return;
            }
            gate.release().countDown();
        }).start();
        Map<String, Object> image = a.stopDurably("1.3.0", "test");

        @SuppressWarnings("unchecked")
        List<Object[]> timers = (List<Object[]>) image.get(dev.molt.runtime.handover.Image.K_TIMERS);
        assertEquals(1, timers.size());
        long left = (Long) timers.get(0)[dev.molt.runtime.handover.Image.T_LEFT_NANOS];
        assertTrue("the time the timer has left: " + left, left > 0 && left <= Duration.ofMillis(3000).toNanos());

        Path dir = Files.createTempDirectory("molt-durable");
        SnapshotStore store = new SnapshotStore(dir);
        assertEquals(2, SnapshotWriter.write(store, image));
        Map<String, Object> read = store.read().orElseThrow();

        b = runtime();
        b.takeOver(read, false);
        assertEquals(ProcessStatus.SUSPENDED, b.info(one).orElseThrow().status()); // waits for its behaviour
        b.send(one, "while-waiting");
        b.register("echo", "1.0.0", new Echo("b"));
        assertEquals(List.of("x1", "while-waiting"), Echo.seen(b, one));
        assertEquals(one, b.whereis("one").orElseThrow());
        assertEquals(1, b.info(one).orElseThrow().restores());
        await("the queued message and the timer", () -> Echo.seen(b, two).containsAll(List.of("released", "queued", "timer")));
        assertEquals(List.of("released", "queued"), Echo.seen(b, two).subList(0, 2));
        java.util.concurrent.CompletableFuture<ExitReason> oneGone = b.watch(one).toCompletableFuture();
        b.send(two, "crash");
        assertEquals(ExitReason.Kind.LINKED, oneGone.get(10, java.util.concurrent.TimeUnit.SECONDS).kind());
    }

    @Test
    public void aPeriodicSnapshotLeavesEveryProcessRunning() throws Exception {
        b = runtime();
        b.register("echo", "1.0.0", new Echo("b"));
        Pid p = b.spawn("echo", null, null);
        b.send(p, "before");
        // Handled before the snapshot is taken: a snapshot takes a process at its next boundary,
        // which can come before a message just sent is handled (it is then in the record's queue).
        assertEquals(List.of("before"), Echo.seen(b, p));
        Map<String, Object> image = b.snapshot("1.3.0", "test", false);
        b.send(p, "after");
        assertEquals(List.of("before", "after"), Echo.seen(b, p));
        @SuppressWarnings("unchecked")
        List<Object[]> records = (List<Object[]>) image.get(dev.molt.runtime.handover.Image.K_PROCESSES);
        assertEquals(1, records.size());
        assertEquals(List.of("before"), records.get(0)[dev.molt.runtime.handover.Image.P_STATE]);
        assertFalse(b.info(p).orElseThrow().status() == ProcessStatus.SUSPENDED);
    }
}
