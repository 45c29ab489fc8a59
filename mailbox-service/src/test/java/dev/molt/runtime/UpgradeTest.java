package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.api.Behaviour;
import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessStatus;
import dev.molt.api.Struct;
import dev.molt.api.UpgradeReport;

/**
 * Moving processes between versions, without a framework: the runtime's own register and
 * unregister stand in for the service events (the Pax Exam suites do it with real bundles).
 */
public class UpgradeTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    public record Count(long count) {
    }

    public record Total(long total, List<String> notes) {
    }

    /** Blocks on the gate like a Gate, then throws. */
    record CrashAfter(Echo.Gate gate) {
    }

    /** v1: counts numbers; "get" replies; a Gate blocks; "version" replies "v1". */
    static final class V1 implements Behaviour<Count> {
        @Override
        public Count init(ProcessContext c, Object arg) {
            return new Count(0);
        }

        @Override
        public Count handle(ProcessContext c, Count s, Object m) throws Exception {
            if (m instanceof Echo.Gate g) {
                g.entered().countDown();
                g.release().await(30, TimeUnit.SECONDS);
                return s;
            }
            if (m instanceof CrashAfter ca) {
                ca.gate().entered().countDown();
                ca.gate().release().await(30, TimeUnit.SECONDS);
                throw new IllegalStateException("crashed after the gate");
            }
            if ("get".equals(m)) {
                c.reply(s.count());
                return s;
            }
            if ("version".equals(m)) {
                c.reply("v1");
                return s;
            }
            return new Count(s.count() + ((Number) m).longValue());
        }
    }

    /** v2: count became total; a note per migration. Fails to import when told to. */
    static final class V2 implements Behaviour<Total> {
        volatile boolean broken;

        @Override
        public Total init(ProcessContext c, Object arg) {
            return new Total(0, new ArrayList<>());
        }

        @Override
        public Total handle(ProcessContext c, Total s, Object m) {
            if ("get".equals(m)) {
                c.reply(s.total());
                return s;
            }
            if ("version".equals(m)) {
                c.reply("v2");
                return s;
            }
            return new Total(s.total() + ((Number) m).longValue(), s.notes());
        }

        @Override
        public Total importState(ProcessContext c, String from, Object neutral) {
            if (broken) {
                throw new IllegalStateException("broken on purpose");
            }
            Struct s = (Struct) neutral;
            Total t = c.fromNeutral(s.fields().containsKey("count") ? s.rename("count", "total") : s, Total.class);
            List<String> notes = new ArrayList<>(t.notes());
            notes.add("from " + from);
            return new Total(t.total(), notes);
        }
    }

    MoltRuntime rt;

    /** The {@code i}th settled report, waiting (with a deadline) for it to settle. */
    private UpgradeReport awaitReport(int i) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rt.upgradeHistory().size() <= i) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no settled report " + i + " within " + WAIT + ": " + rt.upgradeHistory());
            }
            Thread.sleep(5);
        }
        return rt.upgradeHistory().get(i);
    }

    @Before
    public void start() {
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(2).withUpgradeTimeout(Duration.ofMillis(300)));
    }

    @After
    public void stop() {
        rt.shutdown();
    }

    @Test
    public void stateIsMigratedAndMessagesSentInTheGapAreHandledInOrderByTheNewCode() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid p = rt.spawn("c", null);
        rt.send(p, 5);
        assertEquals(5L, rt.call(p, "get", WAIT));
        rt.unregister(v1);
        assertEquals(ProcessStatus.SUSPENDED, rt.info(p).orElseThrow().status());
        for (int i = 1; i <= 1000; i++) {
            rt.send(p, 1);
        }
        var version = rt.callAsync(p, "version", WAIT).toCompletableFuture();
        assertEquals(1000, rt.info(p).orElseThrow().mailboxDepth() - 1);
        rt.register("c", "2.0.0", new V2());
        // The first message after the switch is handled by the new code.
        assertEquals("v2", version.get(10, TimeUnit.SECONDS));
        assertEquals(1005L, rt.call(p, "get", WAIT));
        Struct state = (Struct) rt.state(p).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("from 1.0.0"), state.get("notes"));
        UpgradeReport r = rt.upgradeHistory().get(0);
        assertEquals("1.0.0", r.fromVersion());
        assertEquals("2.0.0", r.toVersion());
        assertEquals(1, r.migrated());
        assertEquals(List.of(), r.held());
        assertEquals(1, rt.info(p).orElseThrow().upgrades());
    }

    @Test
    public void aFailedImportHoldsTheProcessWithItsStateAndMailboxUntilAFixedVersionComes() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid p = rt.spawn("c", null);
        rt.send(p, 7);
        assertEquals(7L, rt.call(p, "get", WAIT));
        V2 broken = new V2();
        broken.broken = true;
        rt.unregister(v1);
        BehaviourVersion b2 = rt.register("c", "2.0.0", broken);
        UpgradeReport r = rt.upgradeHistory().get(0);
        assertEquals(0, r.migrated());
        assertEquals(1, r.held().size());
        assertTrue(r.held().get(0).reason(), r.held().get(0).reason().contains("broken on purpose"));
        assertEquals(ProcessStatus.HELD, rt.info(p).orElseThrow().status());
        for (int i = 0; i < 100; i++) {
            rt.send(p, 1);
        }
        assertEquals(100, rt.info(p).orElseThrow().mailboxDepth());
        assertEquals(new Struct(Count.class.getName(), java.util.Map.of("count", 7L)),
                rt.state(p).toCompletableFuture().get(10, TimeUnit.SECONDS));
        rt.unregister(b2);
        rt.register("c", "2.0.1", new V2());
        assertEquals(107L, rt.call(p, "get", WAIT));
        assertEquals(ProcessStatus.RUNNING, rt.info(p).orElseThrow().status());
        UpgradeReport retry = rt.upgradeHistory().get(1);
        assertEquals(1, retry.migrated());
        assertEquals(0, retry.held().size());
        // The failed upgrade's report stays as it was: the process never reached 2.0.0.
        assertEquals(rt.upgradeHistory().get(0).toString(), 1, rt.upgradeHistory().get(0).held().size());
    }

    @Test
    public void aHandlerStuckPastTheTimeoutIsHeldThenMigratedWhenItReturns() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid stuck = rt.spawn("c", null);
        Pid idle = rt.spawn("c", null);
        rt.send(stuck, 3);
        Echo.Gate gate = new Echo.Gate();
        rt.send(stuck, gate);
        gate.awaitEntered();
        rt.send(stuck, 4); // queued behind the stuck handler
        rt.unregister(v1); // does not wait for the busy handler: it moves at its own boundary
        rt.register("c", "2.0.0", new V2());
        // The idle process is on the new code at once, while the other is still in its handler.
        assertEquals("v2", rt.call(idle, "version", WAIT));
        assertEquals("still in its handler, on the old code", "1.0.0", rt.info(stuck).orElseThrow().version());
        UpgradeReport r = awaitReport(0); // settles at the 300 ms timeout, listing the busy one held
        assertEquals(1, r.migrated());
        assertEquals(1, r.held().size());
        assertEquals(stuck, r.held().get(0).pid());
        assertTrue(r.held().get(0).reason(), r.held().get(0).reason().contains("handler still running after 300 ms"));
        gate.open();
        // When the handler returns, the process exports with its old code and the new code takes it.
        assertEquals("v2", rt.call(stuck, "version", WAIT));
        assertEquals(7L, rt.call(stuck, "get", WAIT));
        assertEquals(ProcessStatus.RUNNING, rt.info(stuck).orElseThrow().status());
        // The history's report of that upgrade now counts the late one as migrated; the one
        // returned at the time is a snapshot and stays as it was.
        List<UpgradeReport> history = rt.upgradeHistory();
        assertEquals(1, history.size());
        UpgradeReport updated = history.get(0);
        assertEquals(updated.summary(), 2, updated.migrated());
        assertEquals(List.of(), updated.held());
        assertEquals(r.started(), updated.started());
        assertTrue(updated.total() + " after " + r.total(), updated.total().compareTo(r.total()) > 0);
        assertEquals(1, r.held().size());
    }

    @Test
    public void aStuckHandlerThatCrashesInsteadOfReturningCountsAsFailedInItsUpgradesReport() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid stuck = rt.spawn("c", null);
        Pid idle = rt.spawn("c", null);
        Echo.Gate gate = new Echo.Gate();
        rt.send(stuck, new CrashAfter(gate));
        gate.awaitEntered();
        var ended = rt.watch(stuck).toCompletableFuture();
        rt.unregister(v1);
        rt.register("c", "2.0.0", new V2());
        UpgradeReport r = awaitReport(0); // at the 300 ms timeout, the stuck one is reported held
        assertEquals(r.summary(), 1, r.held().size());
        gate.open();
        assertEquals(ExitReason.Kind.ERROR, ended.get(10, TimeUnit.SECONDS).kind());
        UpgradeReport updated = rt.upgradeHistory().get(0);
        assertEquals(updated.summary(), 1, updated.migrated());
        assertEquals(updated.summary(), 1, updated.failed());
        assertEquals(List.of(), updated.held());
        assertEquals("v2", rt.call(idle, "version", WAIT));
    }

    @Test
    public void aProcessHeldByTwoUpgradesInTurnThatEndsCountsAsFailedOnlyInTheLatest() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid p = rt.spawn("c", null);
        assertEquals(0L, rt.call(p, "get", WAIT));
        V2 broken = new V2();
        broken.broken = true;
        rt.unregister(v1);
        BehaviourVersion b2 = rt.register("c", "2.0.0", broken);
        rt.unregister(b2);
        rt.register("c", "2.0.1", broken); // imports the kept state again, and fails again
        List<UpgradeReport> h = rt.upgradeHistory();
        assertEquals(2, h.size());
        assertEquals(1, h.get(0).held().size());
        assertEquals(1, h.get(1).held().size());
        var ended = rt.watch(p).toCompletableFuture();
        assertTrue(rt.kill(p, "given up"));
        ended.get(10, TimeUnit.SECONDS);
        h = rt.upgradeHistory();
        // The first upgrade keeps listing it, as it would had the second moved it; the second,
        // which held it last, counts it failed.
        assertEquals(h.get(0).summary(), 1, h.get(0).held().size());
        assertEquals(h.get(0).summary(), 0, h.get(0).failed());
        assertEquals(h.get(1).summary(), 0, h.get(1).held().size());
        assertEquals(h.get(1).summary(), 1, h.get(1).failed());
    }

    @Test
    public void aHeldProcessThatEndsCountsAsFailedInItsUpgradesReport() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid p = rt.spawn("c", null);
        Pid q = rt.spawn("c", null);
        assertEquals(0L, rt.call(p, "get", WAIT));
        V2 broken = new V2();
        broken.broken = true;
        rt.unregister(v1);
        rt.register("c", "2.0.0", broken);
        UpgradeReport r = rt.upgradeHistory().get(0);
        assertEquals(2, r.held().size());
        var ended = rt.watch(p).toCompletableFuture();
        assertTrue(rt.kill(p, "given up"));
        ended.get(10, TimeUnit.SECONDS);
        UpgradeReport updated = rt.upgradeHistory().get(0);
        assertEquals(updated.summary(), 1, updated.failed());
        assertEquals(1, updated.held().size());
        assertEquals(q, updated.held().get(0).pid());
        assertEquals(0, updated.migrated());
    }

    @Test
    public void aSecondVersionSideBySideTakesTheProcessesWhenTheFirstGoes() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        Pid p = rt.spawn("c", null);
        rt.send(p, 2);
        rt.register("c", "2.0.0", new V2());
        // Until 1.0.0 goes, its processes stay on it; new processes get 2.0.0.
        assertEquals("v1", rt.call(p, "version", WAIT));
        assertEquals("v2", rt.call(rt.spawn("c", null), "version", WAIT));
        rt.unregister(v1);
        assertEquals("v2", rt.call(p, "version", WAIT));
        assertEquals(2L, rt.call(p, "get", WAIT));
    }

    /**
     * Regression: a worker used to run the task it yielded to nested inside a process it still
     * owned, and yields chained; with thousands of processes flooded from outside, the chain
     * overflowed the stack and processes died of a "runtime fault", or stayed owned so long that
     * an upgrade reported them stuck.
     */
    @Test
    public void aFloodFromOutsideDoesNotKeepProcessesFromReachingABoundary() throws Exception {
        rt.shutdown();
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(1).withThroughput(1)
                .withUpgradeTimeout(Duration.ofSeconds(2)));
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            pids.add(rt.spawn("c", null));
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        // Bounded, so that the backlog the calls below wait behind is bounded too: with one
        // worker and a turn of one message, the first call waits for nearly all of it.
        long cap = 3_000_000;
        Thread flood = new Thread(() -> {
            for (int i = 0; !stop.get() && i < cap; i++) {
                rt.send(pids.get(i % pids.size()), 1);
                sent.incrementAndGet();
            }
        });
        flood.start();
        try {
            while (sent.get() < 500_000) {
                Thread.onSpinWait();
            }
            rt.unregister(v1);
            rt.register("c", "2.0.0", new V2());
        } finally {
            stop.set(true);
            flood.join();
        }
        UpgradeReport r = rt.upgradeHistory().get(0);
        assertEquals(r.summary(), 0, r.held().size());
        assertEquals("processes alive", 5_000, rt.processes().size());
        assertEquals(r.summary(), 5_000, r.migrated());
        System.out.println("flood: " + sent.get() + " messages, " + r.summary());
        long total = 0;
        for (Pid p : pids) {
            total += (Long) rt.call(p, "get", Duration.ofMinutes(2));
        }
        assertEquals(sent.get(), total);
    }

    @Test
    public void processesOfOtherBehavioursAreNotTouched() throws Exception {
        BehaviourVersion v1 = rt.register("c", "1.0.0", new V1());
        rt.register("echo", "1.0.0", new Echo("e"));
        Pid e = rt.spawn("echo", null);
        Pid c = rt.spawn("c", null);
        rt.unregister(v1);
        assertEquals(ProcessStatus.SUSPENDED, rt.info(c).orElseThrow().status());
        rt.send(e, "hello");
        assertEquals(List.of("hello"), rt.call(e, "get", WAIT));
        assertEquals(0, rt.info(e).orElseThrow().upgrades());
    }
}
