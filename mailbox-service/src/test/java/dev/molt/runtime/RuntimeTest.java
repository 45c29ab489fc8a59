package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.api.CallTimeoutException;
import dev.molt.api.Down;
import dev.molt.api.DuplicateNameException;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.InvalidNameException;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.ProcessStatus;
import dev.molt.api.SpawnException;
import dev.molt.api.UnknownBehaviourException;

/** The process semantics of the runtime, one facet per test, as gen_server_SUITE does. */
public class RuntimeTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    MoltRuntime rt;

    @Before
    public void start() {
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(2));
        rt.register("echo", "1.0.0", new Echo("v1"));
    }

    @After
    public void stop() {
        rt.shutdown();
    }

    @SuppressWarnings("unchecked")
    private List<String> seen(Pid p) {
        return (List<String>) rt.call(p, "get", WAIT);
    }

    @Test
    public void sendThenCallSeesMessagesInOrder() {
        Pid p = rt.spawn("echo", "e1", null);
        for (int i = 0; i < 100; i++) {
            rt.send(p, "m" + i);
        }
        List<String> got = seen(p);
        assertEquals(100, got.size());
        assertEquals("m0", got.get(0));
        assertEquals("m99", got.get(99));
        assertEquals(p, rt.whereis("e1").orElseThrow());
        assertEquals(p, rt.resolve("e1"));
        assertEquals(p, rt.resolve(p.toString()));
    }

    @Test
    public void callTimesOutAndTheLateReplyIsDropped() throws Exception {
        Pid p = rt.spawn("echo", null);
        Echo.Gate hold = new Echo.Gate();
        rt.send(p, hold);
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> rt.call(p, "get", Duration.ofMillis(100)));
        assertTrue(e.getMessage(), e.getMessage().contains("no reply from process " + p.id()));
        hold.open();
        // The timed-out "get" is still handled (it was accepted); its reply goes nowhere, and the
        // next call gets its own answer, not the stale one.
        rt.send(p, "after");
        assertEquals(List.of("released", "after"), seen(p));
    }

    @Test
    public void callAsyncTimesOutWithTheSameError() throws Exception {
        Pid p = rt.spawn("echo", null);
        Echo.Gate hold = new Echo.Gate();
        rt.send(p, hold);
        CompletableFuture<Object> f = rt.callAsync(p, "get", Duration.ofMillis(50)).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof CallTimeoutException);
        hold.open();
    }

    @Test
    public void aCallThatIsNotAnsweredFailsAtOnce() {
        Pid p = rt.spawn("echo", null);
        ProcessExitedException e = assertThrows(ProcessExitedException.class, () -> rt.call(p, "noreply", WAIT));
        assertTrue(e.getMessage(), e.getMessage().contains("without replying"));
        assertEquals("later:0", rt.call(p, "later", WAIT));
    }

    @Test
    public void aCrashEndsOnlyThatProcessAndMonitorsSeeTheReason() throws Exception {
        Pid a = rt.spawn("echo", null);
        Pid b = rt.spawn("echo", null);
        Pid watcher = rt.spawn("echo", null);
        rt.send(watcher, List.of("monitor", a));
        seen(watcher); // the monitor is set once the watcher handled it
        CompletableFuture<ExitReason> external = rt.watch(a).toCompletableFuture();
        rt.send(a, "crash");
        ExitReason r = external.get(10, TimeUnit.SECONDS);
        assertEquals(ExitReason.Kind.ERROR, r.kind());
        assertTrue(r.detail(), r.detail().contains("boom"));
        rt.send(b, "still");
        assertEquals(List.of("still"), seen(b));
        // The watcher got a Down, recorded as its string form.
        List<String> w = awaitSeen(watcher, 1);
        assertTrue(w.get(0), w.get(0).startsWith("Down[") && w.get(0).contains("boom"));
        assertFalse(rt.info(a).isPresent());
    }

    @Test
    public void aCallToACrashingProcessFailsWithTheReason() {
        Pid p = rt.spawn("echo", null);
        ProcessExitedException e = assertThrows(ProcessExitedException.class, () -> rt.call(p, "crash", WAIT));
        assertTrue(e.getMessage(), e.getMessage().contains("boom"));
        assertThrows(NoSuchProcessException.class, () -> rt.call(p, "get", WAIT));
    }

    @Test
    public void linksPropagateAbnormalExitsAndTrappersGetSignals() throws Exception {
        Pid a = rt.spawn("echo", null);
        Pid b = rt.spawn("echo", null);
        Pid trapper = rt.spawn("echo", null);
        rt.send(b, a);
        rt.send(trapper, "trap");
        rt.send(trapper, a);
        seen(b);
        seen(trapper);
        CompletableFuture<ExitReason> bExit = rt.watch(b).toCompletableFuture();
        rt.send(a, "crash");
        ExitReason rb = bExit.get(10, TimeUnit.SECONDS);
        assertEquals(ExitReason.Kind.LINKED, rb.kind());
        assertTrue(rb.detail(), rb.detail().contains("linked process " + a.id() + " ended"));
        List<String> t = awaitSeen(trapper, 1);
        assertTrue(t.get(0), t.get(0).startsWith(ExitSignal.class.getSimpleName() + "["));
        assertTrue(rt.info(trapper).isPresent());
    }

    @Test
    public void aNormalStopDoesNotTakeLinkedProcessesDown() throws Exception {
        Pid a = rt.spawn("echo", null);
        Pid b = rt.spawn("echo", null);
        rt.send(b, a);
        seen(b);
        CompletableFuture<ExitReason> aExit = rt.watch(a).toCompletableFuture();
        rt.send(a, "stop");
        assertEquals(ExitReason.Kind.NORMAL, aExit.get(10, TimeUnit.SECONDS).kind());
        rt.send(b, "alive");
        assertEquals(List.of("alive"), seen(b));
    }

    @Test
    public void killWithQueuedMessagesDropsThemAndFailsQueuedCalls() throws Exception {
        Pid p = rt.spawn("echo", null);
        Echo.Gate hold = new Echo.Gate();
        rt.send(p, hold);
        for (int i = 0; i < 1000; i++) {
            rt.send(p, "queued" + i);
        }
        CompletableFuture<Object> pending = rt.callAsync(p, "get", WAIT).toCompletableFuture();
        CompletableFuture<ExitReason> exit = rt.watch(p).toCompletableFuture();
        hold.awaitEntered();
        assertTrue(rt.kill(p, "operator"));
        hold.open();
        ExitReason r = exit.get(10, TimeUnit.SECONDS);
        assertEquals(ExitReason.Kind.KILLED, r.kind());
        assertEquals("operator", r.detail());
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ProcessExitedException);
        // A send to a dead process is dropped, as in Erlang; a call fails at once.
        rt.send(p, "dropped");
        assertThrows(NoSuchProcessException.class, () -> rt.call(p, "get", WAIT));
        assertFalse(rt.kill(p, "again"));
    }

    @Test
    public void systemMessagesComeBeforeQueuedUserMessages() throws Exception {
        Pid p = rt.spawn("echo", null);
        Echo.Gate hold = new Echo.Gate();
        rt.send(p, hold);
        for (int i = 0; i < 100; i++) {
            rt.send(p, "m" + i);
        }
        hold.awaitEntered();
        CompletableFuture<Object> state = rt.state(p).toCompletableFuture();
        hold.open();
        // The state is read at the first boundary: after "released", before any queued m*.
        assertEquals(List.of("released"), state.get(10, TimeUnit.SECONDS));
    }

    @Test
    public void oneBusyProcessDoesNotStarveAnother() throws Exception {
        rt.shutdown();
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(1).withThroughput(10));
        rt.register("echo", "1.0.0", new Echo("v1"));
        Pid busy = rt.spawn("echo", null);
        Pid other = rt.spawn("echo", null);
        Echo.Gate hold = new Echo.Gate();
        rt.send(busy, hold);
        for (int i = 0; i < 20_000; i++) {
            rt.send(busy, "m");
        }
        // The other process measures the busy one's mailbox while it runs: with one worker the
        // busy process is not running then, so the figure is exact.
        CompletableFuture<Object> depth = rt.callAsync(other, List.of("depth", busy), WAIT).toCompletableFuture();
        hold.open();
        long left = (Long) depth.get(10, TimeUnit.SECONDS);
        assertTrue("busy process's mailbox when the other answered: " + left, left > 10_000);
    }

    @Test
    public void badInputGetsClearErrorsAndChangesNothing() throws Exception {
        UnknownBehaviourException u = assertThrows(UnknownBehaviourException.class, () -> rt.spawn("nope", null));
        assertTrue(u.getMessage(), u.getMessage().contains("unknown behaviour 'nope'") && u.getMessage().contains("[echo]"));
        Pid p = rt.spawn("echo", "taken", null);
        DuplicateNameException d = assertThrows(DuplicateNameException.class, () -> rt.spawn("echo", "taken", null));
        assertTrue(d.getMessage(), d.getMessage().contains("process " + p.id()));
        assertThrows(NoSuchProcessException.class, () -> rt.send("nobody", "x"));
        assertThrows(NoSuchProcessException.class, () -> rt.send(new Pid(999_999), "x"));
        assertThrows(NoSuchProcessException.class, () -> rt.resolve("<abc>"));
        InvalidNameException n = assertThrows(InvalidNameException.class, () -> rt.spawn("echo", "no spaces", null));
        assertTrue(n.getMessage(), n.getMessage().startsWith("'no spaces' is not a valid process name"));
        Pid unicode = rt.spawn("echo", "zähler", null);
        assertEquals("a process name may use letters of any script", "zähler", rt.info(unicode).orElseThrow().name());
        CompletableFuture<ExitReason> gone = rt.watch(unicode).toCompletableFuture();
        rt.kill(unicode, "done");
        assertEquals(ExitReason.Kind.KILLED, gone.get(10, TimeUnit.SECONDS).kind());
        SpawnException s = assertThrows(SpawnException.class, () -> rt.spawn("echo", "failing", "fail"));
        assertTrue(s.getMessage(), s.getMessage().contains("init refused"));
        assertFalse(rt.whereis("failing").isPresent());
        assertEquals(1, rt.processes().size());
        assertEquals(ProcessStatus.RUNNING, rt.info(p).orElseThrow().status());
    }

    @Test
    public void timersDeliverLater() throws Exception {
        Pid p = rt.spawn("echo", null);
        rt.sendAfter(p, "tick", Duration.ofMillis(20));
        assertFalse(rt.sendAfter(p, "cancelled", Duration.ofSeconds(30)).cancel() == false);
        assertEquals(List.of("tick"), awaitSeen(p, 1));
    }

    /** Polls the process's record until it has {@code n} entries, with a deadline. */
    private List<String> awaitSeen(Pid p, int n) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> got = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            got = seen(p);
            if (got.size() >= n) {
                return got;
            }
            Thread.onSpinWait();
        }
        fail("process " + p + " recorded " + got + ", wanted " + n + " entries");
        return got;
    }
}
