package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.Struct;
import dev.molt.api.UpgradeReport;

/**
 * Real bundle updates of the counter: each test gets a fresh framework, because each replaces
 * the counter's code. Invariants 1-6 of DESIGN.md, one facet per test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UpgradeIT extends MoltTestSupport {

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    /** Invariant 1: stopped code, live mailboxes. */
    @Test
    public void aStoppedBehaviourKeepsItsProcessesAndTheirMailboxesThenHandlesEverythingInOrder() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", "gap", null);
        runtime.send(p, List.of("a", 1));
        assertEquals(1L, call(p, "get"));
        Bundle counter = counterBundle();
        counter.stop();
        assertEquals(ProcessStatus.SUSPENDED, runtime.info(p).orElseThrow().status());
        for (int seq = 2; seq <= 10_001; seq++) {
            runtime.send("gap", List.of("a", seq));
        }
        assertEquals(10_000, runtime.info(p).orElseThrow().mailboxDepth());
        assertEquals(p, runtime.whereis("gap").orElseThrow());
        counter.start();
        assertEquals(10_001L, call(p, "get"));
        Struct s = state(p);
        assertEquals(0L, s.get("outOfOrder"));
        assertEquals(Map.of("a", 10_001L), s.get("lastSeq"));
        UpgradeReport r = reports("counter").get(0);
        assertEquals("1.0.0", r.fromVersion());
        assertEquals("1.0.0", r.toVersion());
        assertEquals(1, r.migrated());
    }

    /** Invariants 2 and 4: the message after the switch runs new code, on the migrated state. */
    @Test
    public void theFirstMessageAfterAnUpdateIsHandledByTheNewVersionOnTheMigratedState() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", null);
        runtime.send(p, 41);
        runtime.send(p, "inc");
        Bundle counter = counterBundle();
        counter.stop();
        // Queued while no code is there: the first message the next code sees.
        CompletableFuture<Object> first = runtime.callAsync(p, "version", WAIT).toCompletableFuture();
        update(counter, "dev.molt.counter-v2");
        counter.start();
        assertEquals("2.0.0", first.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(42L, call(p, "get"));
        Struct s = state(p);
        assertEquals("dev.molt.examples.counter.Counter$State", s.type());
        assertEquals(42L, s.get("total"));
        assertEquals(List.of("1.0.0 -> 2.0.0"), s.get("history"));
        assertEquals(1, runtime.info(p).orElseThrow().upgrades());
    }

    /**
     * Invariant 5 for queued messages: a message of the old version's classes, queued when the
     * update comes, reaches the new code as an object of the new classes, and the old class
     * loader is collected.
     */
    @Test
    public void aQueuedMessageOfOldClassesIsConvertedAndDoesNotPinTheOldCode() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", null);
        Bundle counter = counterBundle();
        WeakReference<ClassLoader> v1 = loaderOf(counter);
        // The sleep keeps the call queued until the update has begun (a second is far more
        // than the update takes to unregister the old service).
        runtime.send(p, "sleep:1000");
        CompletableFuture<Object> call = sendOldState(counter, p);
        update(counter, "dev.molt.counter-v2");
        ExecutionException e = assertThrows(ExecutionException.class, () -> call.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        // Counter 2.0.0 does not understand a State message, and says so naming what it got: a
        // 2.0.0 State (total, history), not the 1.0.0 one (count) that was sent.
        assertEquals(ProcessException.class, e.getCause().getClass());
        assertTrue(e.getCause().getMessage(), e.getCause().getMessage().startsWith(
                "counter does not understand State[total=0, lastSeq={x=1}, outOfOrder=0, history=[]]"));
        assertEquals(1L, reports("counter").get(0).messagesConverted());
        awaitCollected(v1, "counter 1.0.0's class loader");
    }

    /** Sends a 1.0.0 {@code Counter.State} as a call; keeps no reference to it here. */
    private CompletableFuture<Object> sendOldState(Bundle counter, Pid p) throws Exception {
        Class<?> type = counter.loadClass("dev.molt.examples.counter.Counter$State");
        Constructor<?> ctor = type.getDeclaredConstructor(long.class, Map.class, long.class);
        Object oldState = ctor.newInstance(5L, new HashMap<>(Map.of("x", 1L)), 0L);
        return runtime.callAsync(p, oldState, WAIT).toCompletableFuture();
    }

    /** Invariant 6: a failing migration holds what it cannot move; a fixed version resumes it. */
    @Test
    public void aFailingMigrationHoldsItsProcessesUntilAFixedVersionResumesThemWithNothingLost() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawnCounters(10);
        runtime.upgrade("counter", url("dev.molt.counter-v2"));
        UpgradeReport toV3 = runtime.upgrade("counter", url("dev.molt.counter-v3-broken"));
        assertEquals("2.0.0", toV3.fromVersion());
        assertEquals("3.0.0", toV3.toVersion());
        assertEquals(5, toV3.migrated());
        assertEquals(5, toV3.held().size());
        for (UpgradeReport.Held h : toV3.held()) {
            assertEquals("odd totals are held: " + h, 1, h.pid().id() % 2 == pids.get(0).id() % 2 ? 0 : 1);
            assertTrue(h.reason(), h.reason().contains("cannot import an odd total"));
        }
        for (int i = 0; i < 10; i++) {
            Pid p = pids.get(i);
            assertEquals(i % 2 == 1 ? ProcessStatus.HELD : ProcessStatus.RUNNING, runtime.info(p).orElseThrow().status());
            for (int k = 0; k < 100; k++) {
                runtime.send(p, "inc");
            }
        }
        // The held ones kept their exported state and queued their messages.
        Pid held = pids.get(3);
        assertEquals(100, runtime.info(held).orElseThrow().mailboxDepth());
        assertEquals(3L, state(held).get("total"));
        assertEquals("3.0.0", call(pids.get(2), "version"));

        UpgradeReport fixed = runtime.upgrade("counter", url("dev.molt.counter-v2"));
        assertEquals(10, fixed.migrated());
        assertEquals(List.of(), fixed.held());
        for (int i = 0; i < 10; i++) {
            assertEquals(i + 100L, call(pids.get(i), "get"));
            assertEquals("2.0.0", call(pids.get(i), "version"));
        }
    }

    /** Invariant 6: roll back to the version before the failed one, from the kept copy. */
    @Test
    public void rollbackAfterAFailedUpgradeResumesEveryProcessOnThePreviousVersion() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawnCounters(4);
        runtime.upgrade("counter", url("dev.molt.counter-v2"));
        assertEquals(2, runtime.upgrade("counter", url("dev.molt.counter-v3-broken")).held().size());
        UpgradeReport back = runtime.rollback("counter");
        assertEquals("3.0.0", back.fromVersion());
        assertEquals("2.0.0", back.toVersion());
        assertEquals(4, back.migrated());
        assertEquals(List.of(), back.held());
        assertEquals("2.0.0", counterBundle().getVersion().toString());
        for (int i = 0; i < 4; i++) {
            runtime.send(pids.get(i), "inc");
            assertEquals(i + 1L, call(pids.get(i), "get"));
        }
        // And back once more: 3.0.0 was the version before 2.0.0 now; the odd totals are held again.
        assertEquals("3.0.0", runtime.rollback("counter").toVersion());
    }

    /** Invariant 6, the stuck handler: held and reported, then migrated when it returns, nothing lost. */
    @Test
    public void aHandlerStuckPastTheUpgradeTimeoutIsHeldAndReportedThenMigratedWhenItReturns() throws Exception {
        ConfigurationAdmin cm = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("upgradeTimeoutMillis", 300L);
        cm.getConfiguration("dev.molt.runtime", "?").update(props);
        await("the runtime to take the 300 ms upgrade timeout", () -> {
            ServiceReference<ProcessRuntime> ref = context.getServiceReference(ProcessRuntime.class);
            return ref != null && Long.valueOf(300).equals(ref.getProperty("upgradeTimeoutMillis"));
        });
        awaitBehaviour("counter", "1.0.0");
        Pid stuck = runtime.spawn("counter", "stuck", 10);
        Pid free = runtime.spawn("counter", "free", 20);
        assertEquals(10L, call(stuck, "get"));
        runtime.send(stuck, "sleep:2000");
        for (int i = 0; i < 5; i++) {
            runtime.send(stuck, "inc");
        }
        // The sleep has left the mailbox only when its handler runs: then the upgrade finds it busy.
        await("the sleeping handler to start", () -> runtime.info(stuck).orElseThrow().mailboxDepth() == 5);
        WeakReference<ClassLoader> v1 = loaderOf(counterBundle());
        UpgradeReport r = runtime.upgrade("counter", url("dev.molt.counter-v2"));
        assertEquals(r.summary(), 1, r.migrated());
        assertEquals(r.summary(), 1, r.held().size());
        assertEquals(stuck, r.held().get(0).pid());
        assertEquals("stuck", r.held().get(0).name());
        assertTrue(r.held().get(0).reason(), r.held().get(0).reason().startsWith("handler still running after 300 ms"));
        assertEquals(ProcessStatus.HELD, runtime.info(stuck).orElseThrow().status());
        assertEquals("2.0.0", call(free, "version"));
        // The call queues behind the stuck handler; it is answered by the new code once the
        // handler returned and the process moved.
        assertEquals("2.0.0", call(stuck, "version"));
        assertEquals(15L, call(stuck, "get"));
        assertEquals(ProcessStatus.RUNNING, runtime.info(stuck).orElseThrow().status());
        // The history's report of the upgrade now counts it as migrated, late.
        UpgradeReport updated = reports("counter").get(0);
        assertEquals(updated.summary(), 2, updated.migrated());
        assertEquals(List.of(), updated.held());
        awaitCollected(v1, "counter 1.0.0's class loader after the stuck handler returned");
    }

    /** Invariant 8: a wrong jar changes nothing. */
    @Test
    public void anUpgradeFromSomethingThatIsNotTheBehavioursBundleIsRefusedAndChangesNothing() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", null);
        runtime.send(p, 3);
        ProcessException other = assertThrows(ProcessException.class,
                () -> runtime.upgrade("counter", url("dev.molt.process-api")));
        assertEquals(url("dev.molt.process-api") + " is bundle dev.molt.process-api, not " + COUNTER
                + " which provides counter; give a jar of the same bundle", other.getMessage());
        File notAJar = File.createTempFile("not-a-jar", ".txt");
        ProcessException junk;
        try {
            java.nio.file.Files.writeString(notAJar.toPath(), "hello");
            junk = assertThrows(ProcessException.class, () -> runtime.upgrade("counter", notAJar.getPath()));
        } finally {
            java.nio.file.Files.delete(notAJar.toPath());
        }
        assertTrue(junk.getMessage(), junk.getMessage().contains("is not an OSGi bundle"));
        ProcessException missing = assertThrows(ProcessException.class,
                () -> runtime.upgrade("counter", "/no/such/file.jar"));
        assertTrue(missing.getMessage(), missing.getMessage().startsWith("cannot read /no/such/file.jar"));
        assertThrows(dev.molt.api.UnknownBehaviourException.class, () -> runtime.upgrade("nope", url("dev.molt.counter-v2")));
        assertEquals("1.0.0", counterBundle().getVersion().toString());
        assertEquals(List.of(), reports("counter"));
        assertEquals(3L, call(p, "get"));
    }

    /** Regression: with no process to move, the update's report came only after a 20 s wait. */
    @Test
    public void anUpgradeOfABehaviourWithNoProcessesReportsAtOnce() {
        awaitBehaviour("counter", "1.0.0");
        UpgradeReport r = runtime.upgrade("counter", url("dev.molt.counter-v2"));
        assertEquals("1.0.0", r.fromVersion());
        assertEquals("2.0.0", r.toVersion());
        assertEquals(0, r.migrated());
        assertTrue(r.summary(), r.total().toMillis() < WAIT.toMillis());
        assertEquals("1.0.0", runtime.rollback("counter").toVersion());
    }

    private List<Pid> spawnCounters(int n) {
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pids.add(runtime.spawn("counter", i));
        }
        return pids;
    }
}
