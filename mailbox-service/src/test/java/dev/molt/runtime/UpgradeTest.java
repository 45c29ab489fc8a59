package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.upgrade.CodeHost;
import dev.molt.api.ProcessException;
import dev.molt.api.UpgradeOptions;
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
        assertTrue("the first says where the process went: " + h.get(0).held(),
                h.get(0).held().get(0).reason().contains("retried into 2.0.1 by a later upgrade"));
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

    /** Stands in for the OSGi layer: a "jar" is just a version of {@code code}; update swaps versions in place. */
    private static final class VersionsHost implements CodeHost {
        final MoltRuntime rt;
        final Behaviour<?> code;
        final java.util.concurrent.atomic.AtomicInteger installed = new java.util.concurrent.atomic.AtomicInteger();

        VersionsHost(MoltRuntime rt, Behaviour<?> code) {
            this.rt = rt;
            this.code = code;
        }

        @Override
        public Jar read(String location) {
            return new Jar(null, location, "c-bundle", location, List.of());
        }

        @Override
        public void discard(Jar jar) {
        }

        @Override
        public String symbolicName(BehaviourVersion v) {
            return "c-bundle";
        }

        @Override
        public void update(BehaviourVersion v, Jar jar) {
            rt.unregister(v);
            rt.register(v.name(), jar.version(), code);
        }

        @Override
        public void installBeside(BehaviourVersion v, Jar jar) {
            installed.incrementAndGet();
            rt.register(v.name(), jar.version(), code);
        }

        @Override
        public void retire(BehaviourVersion v) {
            rt.unregister(v);
        }

        @Override
        public void rollback(BehaviourVersion current, String version) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    public void anUpdateOfAVersionNoProcessRunsWhileAnotherServesReportsAtOnceThatNothingMoved() throws Exception {
        rt.register("c", "1.0.0", new V1());
        Pid p = rt.spawn("c", null);
        rt.register("c", "2.0.0", new V2()); // serves new processes; p stays on 1.0.0
        rt.host(new VersionsHost(rt, new V2()));
        UpgradeReport r = rt.upgrade("c", "3.0.0"); // 2.0.0 had no process: no withdrawal record comes
        assertEquals(r.summary(), "2.0.0", r.fromVersion());
        assertEquals(r.summary(), "3.0.0", r.toVersion());
        assertEquals(r.summary(), 0, r.migrated());
        assertEquals(UpgradeReport.Outcome.COMPLETED, r.outcome());
        assertEquals("v1", rt.call(p, "version", WAIT));
        assertEquals("3.0.0", rt.info(rt.spawn("c", null)).orElseThrow().version());
    }

    @Test
    public void aRollingUpgradeWhileAnotherIsUnderWayIsRefusedBeforeAnythingIsInstalled() throws Exception {
        rt.register("c", "1.0.0", new V1());
        rt.spawn("c", null);
        rt.spawn("c", null);
        rt.register("c", "2.0.0", new V2());
        rt.roll("c", "1.0.0", "2.0.0", UpgradeOptions.canary("1"));
        VersionsHost host = new VersionsHost(rt, new V2());
        rt.host(host);
        try {
            rt.upgrade("c", "3.0.0", UpgradeOptions.rolling());
            fail("a second rolling upgrade began while a canary was under way");
        } catch (ProcessException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is under way"));
        }
        assertEquals("nothing was installed", 0, host.installed.get());
        assertTrue(rt.inProgress("c").isPresent());
    }

    @Test
    public void anInterruptedRollingUpgradeStopsHalfwayAndLeavesTheBehaviourFreeForTheNext() throws Exception {
        rt.shutdown();
        // A long timeout: the roll is still waiting for the busy process when it is interrupted.
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(2).withUpgradeTimeout(Duration.ofSeconds(30)));
        rt.register("c", "1.0.0", new V1());
        Pid busy = rt.spawn("c", null);
        Echo.Gate gate = new Echo.Gate();
        rt.send(busy, gate);
        gate.awaitEntered();
        rt.register("c", "2.0.0", new V2());
        rt.register("c", "1.0.1", new V1()); // no process runs it: the next roll's source
        java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
        Thread roller = new Thread(() -> {
            try {
                rt.roll("c", "1.0.0", "2.0.0", UpgradeOptions.rolling());
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        roller.start();
        awaitWaitingForAMove(roller);
        roller.interrupt();
        Throwable t = thrown.get(10, TimeUnit.SECONDS);
        assertTrue(String.valueOf(t), t instanceof ProcessException && t.getMessage().contains("interrupted"));
        assertTrue("no longer under way", rt.inProgress("c").isEmpty());
        UpgradeReport r = rt.upgradeHistory().get(rt.upgradeHistory().size() - 1);
        assertEquals(r.summary(), UpgradeReport.Outcome.ABORTED, r.outcome());
        assertTrue(r.summary(), r.summary().contains("stopped halfway"));
        gate.open();
        assertEquals("its move still happens at its boundary", "v2", rt.call(busy, "version", WAIT));
        UpgradeReport next = rt.roll("c", "1.0.1", "2.0.0", UpgradeOptions.rolling());
        assertEquals(next.summary(), UpgradeReport.Outcome.COMPLETED, next.outcome());
    }

    /**
     * Waits until {@code roller} has posted the busy process's move and waits for it to settle (the
     * coordinator's timed wait for a slot), so that an interrupt lands after the move was asked.
     */
    private void awaitWaitingForAMove(Thread roller) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rt.inProgress("c").isEmpty() || roller.getState() != Thread.State.TIMED_WAITING) {
            assertTrue("the upgrade never came to wait for its first move: " + roller.getState(), System.nanoTime() < deadline);
            Thread.sleep(1); // polls a thread's state, which has no event to wait on
        }
    }

    @Test
    public void anInterruptedCanaryStaysAtItsStageAndCanStillBeAborted() throws Exception {
        rt.shutdown();
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(2).withUpgradeTimeout(Duration.ofSeconds(30)));
        rt.register("c", "1.0.0", new V1());
        Pid busy = rt.spawn("c", null); // the lowest pid: the canary's "1" takes it
        Pid other = rt.spawn("c", null);
        Echo.Gate gate = new Echo.Gate();
        rt.send(busy, gate);
        gate.awaitEntered();
        rt.register("c", "2.0.0", new V2());
        java.util.concurrent.CompletableFuture<Throwable> thrown = new java.util.concurrent.CompletableFuture<>();
        Thread roller = new Thread(() -> {
            try {
                rt.roll("c", "1.0.0", "2.0.0", UpgradeOptions.canary("1"));
                thrown.complete(null);
            } catch (Throwable t) {
                thrown.complete(t);
            }
        });
        roller.start();
        awaitWaitingForAMove(roller);
        roller.interrupt();
        Throwable t = thrown.get(10, TimeUnit.SECONDS);
        assertTrue(String.valueOf(t), t instanceof ProcessException && t.getMessage().contains("interrupted"));
        assertTrue("the canary is still under way", rt.inProgress("c").isPresent());
        assertEquals("the old version stays pinned for new processes", "1.0.0",
                rt.info(rt.spawn("c", null)).orElseThrow().version());
        gate.open();
        assertEquals("its move still happens at its boundary", "v2", rt.call(busy, "version", WAIT));
        UpgradeReport aborted = rt.abort("c");
        assertEquals(aborted.summary(), UpgradeReport.Outcome.ABORTED, aborted.outcome());
        assertTrue("over", rt.inProgress("c").isEmpty());
        assertEquals("moved back", "v1", rt.call(busy, "version", WAIT));
        assertEquals("never moved", "v1", rt.call(other, "version", WAIT));
    }

    @Test
    public void anOverdueMoveThatAnotherUpgradeOvertookListsNoHeldProcess() throws Exception {
        rt.register("c", "1.0.0", new V1());
        Pid busy = rt.spawn("c", null);
        Echo.Gate gate = new Echo.Gate();
        rt.send(busy, gate);
        gate.awaitEntered();
        rt.register("c", "2.0.0", new V2());
        // Rolling: the busy process's move goes overdue at 300 ms; then 1.0.0 is retired, and its
        // withdrawal posts an atomic move, which goes overdue too.
        UpgradeReport rolling = rt.roll("c", "1.0.0", "2.0.0", UpgradeOptions.rolling());
        assertEquals(rolling.summary(), 1, rolling.held().size());
        UpgradeReport atomic = awaitReport(1);
        assertEquals(atomic.summary(), UpgradeReport.Outcome.COMPLETED, awaitOutcome(1));
        gate.open();
        assertEquals("the rolling move took it", "v2", rt.call(busy, "version", WAIT));
        List<UpgradeReport> h = rt.upgradeHistory();
        assertEquals(h.get(0).summary(), 1, h.get(0).migrated());
        assertEquals(h.get(0).summary(), List.of(), h.get(0).held());
        assertEquals("the overtaken atomic move lists nobody held: " + h.get(1).summary(), List.of(), h.get(1).held());
        assertEquals(ProcessStatus.RUNNING, rt.info(busy).orElseThrow().status());
    }

    private UpgradeReport.Outcome awaitOutcome(int i) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (rt.upgradeHistory().get(i).outcome() == UpgradeReport.Outcome.IN_PROGRESS) {
            assertTrue("report " + i + " never settled", System.nanoTime() < deadline);
            Thread.sleep(5);
        }
        return rt.upgradeHistory().get(i).outcome();
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
