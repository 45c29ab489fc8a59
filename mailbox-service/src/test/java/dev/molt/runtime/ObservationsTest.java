package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.admin.BehaviourMetrics;
import dev.molt.api.admin.MigrationStep;
import dev.molt.api.admin.MoltEvents;
import dev.molt.api.admin.ProcessDetails;
import dev.molt.api.admin.UpgradePauses;
import dev.molt.runtime.observe.ObserveSettings;
import dev.molt.runtime.observe.RuntimeEvent;

/**
 * What the runtime tells about itself without a framework: its events in order, its counters,
 * sampled latencies, migration trails and watchers (the OSGi side is in itests' ObservabilityIT).
 */
public class ObservationsTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    MoltRuntime rt;
    final BlockingQueue<RuntimeEvent> events = new LinkedBlockingQueue<>();

    @Before
    public void start() {
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(2),
                ObserveSettings.defaults().withLatencySampling(1).withProcessLatency(true));
        rt.events().subscribe(events::add);
        rt.register("echo", "1.0.0", new Echo("v1"));
    }

    @After
    public void stop() {
        rt.shutdown();
    }

    /** {@code read}'s value once {@code ready} holds for it; fails naming {@code what} after {@link #WAIT}. */
    private static <T> T await(String what, java.util.function.Supplier<T> read, java.util.function.Predicate<T> ready) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            T v = read.get();
            if (ready.test(v)) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.toSeconds() + " s; it is " + v);
            }
            Thread.onSpinWait();
        }
    }

    private RuntimeEvent next(String topic) throws InterruptedException {
        for (;;) {
            RuntimeEvent e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event " + topic + " within " + WAIT);
            }
            if (e.topic().equals(topic)) {
                return e;
            }
            if (!e.topic().equals(MoltEvents.UPGRADE_PROGRESS)) {
                throw new AssertionError("expected " + topic + ", got " + e);
            }
        }
    }

    @Test
    public void aRollingUpgradeTellsItsStepsInOrder() throws Exception {
        assertEquals("1.0.0", next(MoltEvents.BEHAVIOUR_REGISTERED).properties().get(MoltEvents.VERSION));
        for (int i = 0; i < 20; i++) {
            rt.spawn("echo", null);
        }
        rt.register("echo", "2.0.0", new Echo("v2"));
        assertEquals("2.0.0", next(MoltEvents.BEHAVIOUR_REGISTERED).properties().get(MoltEvents.VERSION));
        rt.roll("echo", "1.0.0", "2.0.0", UpgradeOptions.rolling().keepingOld());
        RuntimeEvent started = next(MoltEvents.UPGRADE_STARTED);
        assertEquals("ROLLING", started.properties().get(MoltEvents.MODE));
        assertEquals("1.0.0", started.properties().get(MoltEvents.FROM));
        RuntimeEvent progress = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals("the first move tells its progress", MoltEvents.UPGRADE_PROGRESS, progress.topic());
        RuntimeEvent done = next(MoltEvents.UPGRADE_COMPLETED);
        assertEquals(20, done.properties().get(MoltEvents.MIGRATED));
        assertEquals("2.0.0", done.properties().get(MoltEvents.TO));
        assertEquals("COMPLETED", done.properties().get(MoltEvents.OUTCOME));
        assertTrue((Long) done.properties().get(MoltEvents.LONGEST_PAUSE_NANOS) > 0);

        Pid first = rt.processes().get(0).pid();
        List<MigrationStep> trail = rt.insight().details(first).orElseThrow().migrations();
        assertEquals(1, trail.size());
        assertEquals("1.0.0", trail.get(0).from());
        assertEquals("2.0.0", trail.get(0).to());
        assertEquals(UpgradeMode.ROLLING, trail.get(0).mode());
        assertNull(trail.get(0).held());

        UpgradePauses last = rt.insight().upgrades().get(rt.insight().upgrades().size() - 1);
        assertEquals(20, last.pauses().samples());
        assertEquals("every pause is in one bucket", 20, last.buckets().stream().mapToLong(UpgradePauses.Bucket::count).sum());
        assertTrue(last.pauses().max() <= last.report().longestPause().toNanos() * 101 / 100);
    }

    @Test
    public void processEventsAreOffByDefaultAndSampledByPid() throws Exception {
        next(MoltEvents.BEHAVIOUR_REGISTERED);
        Pid quiet = rt.spawn("echo", null);
        rt.observe(rt.observeSettings().withProcessEvents(1));
        Pid loud = rt.spawn("echo", "loud", null);
        RuntimeEvent spawned = next(MoltEvents.PROCESS_SPAWNED);
        assertEquals("the process spawned while events were off tells nothing", loud.id(), spawned.properties().get(MoltEvents.PID));
        assertEquals("loud", spawned.properties().get(MoltEvents.NAME));
        rt.send(loud, "crash");
        RuntimeEvent exited = next(MoltEvents.PROCESS_EXITED);
        assertEquals("ERROR", exited.properties().get(MoltEvents.EXIT_KIND));
        assertFalse(quiet.equals(loud));
    }

    @Test
    public void countersCrashesRestartsAndLatency() throws Exception {
        Pid a = rt.spawn("echo", "a", null);
        for (int i = 0; i < 100; i++) {
            rt.send(a, "m" + i);
        }
        rt.call(a, "get", WAIT);
        java.util.concurrent.CompletableFuture<?> down = rt.watch(a).toCompletableFuture();
        rt.send(a, "crash");
        down.get(WAIT.toMillis(), TimeUnit.MILLISECONDS); // watchers are told after the exit is counted
        Pid again = rt.spawn("echo", "a", null);
        rt.call(again, "get", WAIT);
        // A handler is timed when it returns, and a call's reply wakes the caller inside the handler:
        // the last call's figure may come a moment after its reply.
        BehaviourMetrics m = await("the last call's handler timed", () -> rt.insight().behaviour("echo").orElseThrow(),
                b -> b.handling().samples() >= 102);
        assertEquals(1, m.processes());
        assertEquals(2, m.spawned());
        assertEquals(1, m.exited());
        assertEquals(1, m.crashes());
        assertEquals("a name respawned after its crash is a restart", 1, m.restarts());
        assertEquals("100 sends, 2 calls, 1 crash", 103, m.handled());
        assertEquals("every handler that returned is timed at sampling 1 (the crash is not)", 102, m.handling().samples());
        assertTrue("every send's wait is timed: " + m.waited(), m.waited().samples() >= 100);
        assertTrue(m.handling().p99() >= m.handling().p50());
        ProcessDetails d = await("its own handler timed", () -> rt.insight().details(again).orElseThrow(),
                p -> p.handling().samples() >= 1);
        assertEquals(1, d.handling().samples());
        assertEquals(1, rt.insight().totals().crashes());
    }

    @Test
    public void detailsShowLinksAndMonitors() throws Exception {
        Pid watched = rt.spawn("echo", null);
        Pid linker = rt.spawn("echo", null);
        Pid monitor = rt.spawn("echo", null);
        rt.send(linker, watched);
        rt.send(monitor, List.of("monitor", watched));
        rt.call(linker, "get", WAIT);
        rt.call(monitor, "get", WAIT);
        ProcessDetails d = rt.insight().details(watched).orElseThrow();
        assertEquals(List.of(linker), d.links());
        assertEquals(List.of(monitor), d.monitoredBy());
        assertEquals(List.of(watched), rt.insight().details(linker).orElseThrow().links());
        rt.watch(watched);
        assertEquals(1, rt.insight().details(watched).orElseThrow().watches());
    }

    @Test
    public void latencyOffTimesNothing() throws Exception {
        rt.observe(rt.observeSettings().withLatencySampling(0));
        Pid a = rt.spawn("echo", null);
        long before = rt.insight().behaviour("echo").orElseThrow().handling().samples();
        for (int i = 0; i < 50; i++) {
            rt.send(a, "m" + i);
        }
        rt.call(a, "get", WAIT);
        BehaviourMetrics m = rt.insight().behaviour("echo").orElseThrow();
        assertEquals(before, m.handling().samples());
        assertEquals(51, m.handled());
    }
}
