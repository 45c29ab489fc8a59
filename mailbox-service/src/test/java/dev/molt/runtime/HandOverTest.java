package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;

/**
 * A runtime hands its table to another in the same JVM (what a runtime bundle update does, without the
 * framework): processes, states, mailboxes, names, timers, links, monitors and watches go on there;
 * what reaches the old one afterwards is passed on in order; a process still in a handler follows late.
 */
public class HandOverTest {

    private static final Duration T = Duration.ofSeconds(10);
    private MoltRuntime a;
    private MoltRuntime b;

    private MoltRuntime c;

    @After
    public void tearDown() {
        if (b != null) {
            b.shutdown();
        }
        if (c != null) {
            c.shutdown();
        }
    }

    private static MoltRuntime runtime() {
        return new MoltRuntime(RuntimeSettings.defaults().withWorkers(2));
    }

    /** A runtime serving {@code code} as echo 1.0.0. */
    private static MoltRuntime echoRuntime(Echo code) {
        MoltRuntime rt = runtime();
        rt.register("echo", "1.0.0", code);
        return rt;
    }

    /** What echo {@code p} of {@code rt} has recorded, once it has recorded anything (a timer's message, say). */
    private static List<String> firstSeen(MoltRuntime rt, Pid p) {
        long deadline = System.nanoTime() + T.toNanos();
        List<String> seen = Echo.seen(rt, p);
        while (seen.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            seen = Echo.seen(rt, p);
        }
        return seen;
    }

    @Test
    public void aHandOverKeepsProcessesStatesMailboxesNamesTimersAndWatchers() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid one = a.spawn("echo", "one", null);
        Pid two = a.spawn("echo", null, null);
        Pid three = a.spawn("echo", null, null);
        a.send(one, "x1");
        a.send(one, "x2");
        a.send(one, two); // one links to two
        a.send(two, List.of("monitor", three));
        assertEquals(List.of("x1", "x2"), Echo.seen(a, one));
        Echo.seen(a, two); // the monitor is set
        a.sendAfter(one, "timer", Duration.ofMillis(400));
        CompletableFuture<ExitReason> watch = a.watch(three).toCompletableFuture();

        Map<String, Object> image = a.handOver("1.2.0", "test", TimeUnit.SECONDS.toNanos(5));
        a.send(one, "after"); // to the old facade: passed on

        b = echoRuntime(code);
        b.takeOver(image, true);
        assertEquals(List.of("x1", "x2", "after"), Echo.seen(b, one));
        assertEquals(one, b.whereis("one").orElseThrow());
        assertEquals(List.of("x1", "x2", "after"), Echo.seen(a, one)); // a call through the old facade, answered here
        ProcessInfo info = b.info(one).orElseThrow();
        assertEquals(1, b.processes().stream().filter(p -> p.pid().equals(one)).count());
        assertTrue("counted as handled: " + info, info.handled() >= 5);

        long deadline = System.nanoTime() + T.toNanos();
        while (!Echo.seen(b, one).contains("timer") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue("the timer fired in the new runtime", Echo.seen(b, one).contains("timer"));

        assertTrue(b.kill(three, "gone"));
        assertEquals(ExitReason.Kind.KILLED, watch.get(10, TimeUnit.SECONDS).kind());
        deadline = System.nanoTime() + T.toNanos();
        while (Echo.seen(b, two).stream().noneMatch(s -> s.startsWith("Down")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertTrue("two's monitor of three fired: " + Echo.seen(b, two), Echo.seen(b, two).stream().anyMatch(s -> s.startsWith("Down")));

        CompletableFuture<ExitReason> oneGone = b.watch(one).toCompletableFuture();
        b.send(two, "crash"); // linked: one goes too
        assertEquals(ExitReason.Kind.LINKED, oneGone.get(10, TimeUnit.SECONDS).kind());
        assertFalse(b.whereis("one").isPresent());
    }

    /**
     * A caller still holding the old facade is served by the new revision for everything, not only
     * sends and calls: a spawn made between the two revisions waits for the new one and is answered
     * there; names, info, the process list, watches, stops and groups are the new revision's.
     */
    @Test
    public void theOldFacadeServesEveryMethodThroughTheNewRevision() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid one = a.spawn("echo", "one", null);
        a.send(one, "x1");
        Map<String, Object> image = a.handOver("1.2.0", "test", TimeUnit.SECONDS.toNanos(5));

        // Between the revisions: the spawn waits until one takes the processes.
        CompletableFuture<Pid> spawnedBetween = CompletableFuture.supplyAsync(() -> a.spawn("echo", "between", null));
        b = echoRuntime(code);
        assertFalse("the spawn was answered before any revision had the processes", spawnedBetween.isDone());
        b.takeOver(image, true);
        Pid between = spawnedBetween.get(10, TimeUnit.SECONDS);

        assertEquals(between, b.whereis("between").orElseThrow());
        assertEquals(one, a.whereis("one").orElseThrow());
        assertEquals(one, a.resolve("one"));
        assertEquals(1, a.info(one).orElseThrow().handOvers());
        assertEquals(List.of(one, between), a.processes().stream().map(ProcessInfo::pid).toList());
        assertEquals(List.of("echo"), a.behaviours().stream().map(dev.molt.api.BehaviourInfo::name).toList());
        a.join("g", one);
        assertEquals(List.of(one), b.members("g"));
        CompletableFuture<ExitReason> watch = a.watch(between).toCompletableFuture();
        assertTrue(a.stop(between));
        assertEquals(ExitReason.SHUTDOWN, watch.get(10, TimeUnit.SECONDS));
        assertTrue(b.whereis("between").isEmpty());
        assertEquals(List.of("x1"), Echo.seen(a, one));
    }

    /**
     * After two hand-overs the first facade still serves its caller, through the revisions between:
     * a process spawned through it lives in the third revision, and sends and calls through the
     * first facade reach it there.
     */
    @Test
    public void afterTwoHandOversTheFirstFacadeReachesProcessesOfTheThird() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid old = a.spawn("echo", null, null);
        Map<String, Object> first = a.handOver("1.2.0", "test", TimeUnit.SECONDS.toNanos(5));
        MoltRuntime middle = echoRuntime(code);
        middle.takeOver(first, true);
        Map<String, Object> second = middle.handOver("1.2.0", "test", TimeUnit.SECONDS.toNanos(5));
        c = echoRuntime(code);
        c.takeOver(second, true);

        Pid fresh = a.spawn("echo", null, null);
        assertTrue("spawned in the third revision", c.info(fresh).isPresent());
        a.send(fresh, "to-fresh");
        a.send(old, "to-old");
        assertEquals(List.of("to-fresh"), Echo.seen(a, fresh));
        assertEquals(List.of("to-old"), Echo.seen(c, old));
        assertEquals(2, c.info(old).orElseThrow().handOvers());
    }

    /**
     * A process still in its handler at the hand-over takes off a monitor and a link of processes that
     * have gone to the new revision: both are taken off there too, so neither a Down nor a linked exit
     * reaches it when those processes end.
     */
    @Test
    public void aDemonitorAndAnUnlinkFromAStragglerReachTheNewRevision() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid watcher = a.spawn("echo", "watcher", null);
        Pid target = a.spawn("echo", "target", null);
        Pid linked = a.spawn("echo", "linked", null);
        java.util.concurrent.atomic.AtomicReference<dev.molt.api.MonitorRef> ref = new java.util.concurrent.atomic.AtomicReference<>();
        a.send(watcher, new Echo.Act(null, ctx -> {
            ref.set(ctx.monitor(target));
            ctx.link(linked);
        }));
        assertEquals(List.of("acted"), Echo.seen(a, watcher));
        Echo.Gate gate = new Echo.Gate();
        a.send(watcher, new Echo.Act(gate, ctx -> {
            ctx.demonitor(ref.get());
            ctx.unlink(linked);
        }));
        gate.awaitEntered();

        Map<String, Object> image = a.handOver("1.2.0", "test", TimeUnit.MILLISECONDS.toNanos(50));
        b = echoRuntime(code);
        b.takeOver(image, true);
        gate.open(); // the straggler takes both off in the old revision, then follows
        // Answered once the straggler has arrived, which is after its handler took both off.
        assertEquals(List.of("acted", "acted"), Echo.seen(b, watcher));

        // Watched after the watcher's monitor and link were restored: each ends its list of watchers.
        CompletableFuture<ExitReason> targetGone = b.watch(target).toCompletableFuture();
        CompletableFuture<ExitReason> linkedGone = b.watch(linked).toCompletableFuture();
        assertTrue(b.kill(target, "gone"));
        b.send(linked, "crash");
        targetGone.get(10, TimeUnit.SECONDS);
        assertEquals(ExitReason.Kind.ERROR, linkedGone.get(10, TimeUnit.SECONDS).kind());
        assertEquals("no Down after the demonitor, and alive after the unlink", List.of("acted", "acted"),
                Echo.seen(b, watcher));
    }

    /**
     * A {@code TimerRef} kept across a hand-over still cancels its timer: between the two revisions
     * (the new one then never arms it) and in the new revision; each cancel counts once. A timer due
     * later is the marker: timers fire in the order they are due.
     */
    @Test
    public void aTimerRefKeptAcrossAHandOverStillCancelsItsTimer() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid p = a.spawn("echo", null, null);
        // Due well after the cancels below, even on a slow machine; the marker after them.
        dev.molt.api.TimerRef cancelledBetween = a.sendAfter(p, "cancelled-between", Duration.ofMillis(2000));
        dev.molt.api.TimerRef cancelledAfter = a.sendAfter(p, "cancelled-after", Duration.ofMillis(2000));
        a.sendAfter(p, "fired", Duration.ofMillis(2500));
        Map<String, Object> image = a.handOver("1.2.0", "test", TimeUnit.SECONDS.toNanos(5));
        assertTrue(cancelledBetween.cancel());

        b = echoRuntime(code);
        b.takeOver(image, true);
        assertTrue(cancelledAfter.cancel());
        assertFalse("a second cancel", cancelledAfter.cancel());
        assertFalse("a second cancel", cancelledBetween.cancel());
        assertEquals(List.of("fired"), firstSeen(b, p));
    }

    /** Across a process-api refresh a timer goes on, but its ref can no longer cancel it: it says false. */
    @Test
    public void acrossAnApiRefreshATimerRefSaysItCannotCancel() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid p = a.spawn("echo", null, null);
        dev.molt.api.TimerRef ref = a.sendAfter(p, "fired", Duration.ofMillis(300));
        Map<String, Object> portable = a.handOverAcrossApi("1.3.0", "test", TimeUnit.SECONDS.toNanos(5));
        assertFalse(ref.cancel());
        b = echoRuntime(code);
        b.takeOver(dev.molt.runtime.handover.AcrossApi.read(portable), true);
        assertEquals(List.of("fired"), firstSeen(b, p));
    }

    @Test
    public void aProcessInAHandlerFollowsLateWithItsMessagesFirst() throws Exception {
        Echo code = new Echo("e");
        a = echoRuntime(code);
        Pid p = a.spawn("echo", "busy", null);
        Echo.Gate gate = new Echo.Gate(new CountDownLatch(1), new CountDownLatch(1));
        a.send(p, gate);
        assertTrue(gate.entered().await(10, TimeUnit.SECONDS));
        a.send(p, "m1"); // queued behind the running handler, in the old runtime

        Map<String, Object> image = a.handOver("1.2.0", "test", TimeUnit.MILLISECONDS.toNanos(50));
        b = echoRuntime(code);
        b.takeOver(image, true);
        b.send(p, "m2"); // to the new runtime, while the process is still in its handler in the old one
        a.send(p, "m3"); // and one more through the old facade
        gate.release().countDown();
        long deadline = System.nanoTime() + T.toNanos();
        List<String> s;
        while ((s = seenOrEmpty(b, p)).size() < 4 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(List.of("released", "m1", "m2", "m3"), seenOrEmpty(b, p));
        assertEquals(1, b.info(p).orElseThrow().handOvers());
    }

    private static List<String> seenOrEmpty(MoltRuntime rt, Pid p) {
        try {
            return Echo.seen(rt, p);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Counts the messages it handled; a null state (a handler run after its process exported) would throw. */
    static final class Counter implements dev.molt.api.Behaviour<long[]> {
        @Override
        public long[] init(dev.molt.api.ProcessContext context, Object argument) {
            return new long[1];
        }

        @Override
        public long[] handle(dev.molt.api.ProcessContext context, long[] state, Object message) {
            if ("count".equals(message)) {
                context.reply(state[0]);
                return state;
            }
            state[0]++;
            return state;
        }
    }

    @Test
    public void aSenderRunningThroughTheHandOverLosesNothingAndNoProcessRunsAfterItsExport() throws Exception {
        Counter code = new Counter();
        int n = 2_000;
        a = runtime();
        a.register("counter", "1.0.0", code);
        Pid[] pids = new Pid[n];
        for (int i = 0; i < n; i++) {
            pids[i] = a.spawn("counter", null, null);
        }
        MoltRuntime from = a;
        long sentBefore = 0; // the counts go on from one hand-over to the next
        for (int round = 0; round < 5; round++) {
            java.util.concurrent.atomic.AtomicReference<MoltRuntime> target = new java.util.concurrent.atomic.AtomicReference<>(from);
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            long[] sent = new long[1];
            Thread sender = new Thread(() -> {
                int next = 0;
                while (running.get()) {
                    target.get().send(pids[next], 1);
                    sent[0]++;
                    next = (next + 1) % n;
                }
            });
            sender.start();
            Thread.sleep(50);
            Map<String, Object> image = from.handOver("1.3.0", "test", TimeUnit.SECONDS.toNanos(5));
            MoltRuntime to = runtime();
            to.register("counter", "1.0.0", code);
            to.takeOver(image, true);
            target.set(to);
            Thread.sleep(20);
            running.set(false);
            sender.join();
            b = to;
            long total = 0;
            for (int i = 0; i < n; i++) {
                total += (Long) to.call(pids[i], "count", T); // behind every message sent to it: they are handled
            }
            List<ProcessInfo> infos = to.processes();
            assertEquals("round " + round + ": every process is in the new runtime", n, infos.size());
            assertEquals("round " + round + ": every message sent was handled once", sentBefore + sent[0], total);
            sentBefore += sent[0];
            from = to;
        }
    }
}
