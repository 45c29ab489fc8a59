package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.api.ExitReason;
import dev.molt.api.GroupMonitor;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.SpawnException;

/** Process groups and spawn-link in the runtime without a framework (issue 12). */
public class GroupsAndSpawnLinkTest {

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

    private void awaitEnded(Pid p) throws Exception {
        rt.watch(p).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    public void membersJoinInOrderLeaveAndAnExitLeavesEveryGroupBeforeMonitorsAreTold() throws Exception {
        Pid a = rt.spawn("echo", null);
        Pid b = rt.spawn("echo", null);
        Pid watcher = rt.spawn("echo", null);
        GroupMonitor m = rt.monitorGroup("workers", watcher);
        assertEquals(List.of(), m.members());
        rt.join("workers", a);
        rt.join("workers", b);
        rt.join("workers", a); // one membership
        rt.join("others", a);
        assertEquals(List.of(a, b), rt.members("workers"));
        assertEquals(List.of("others", "workers"), rt.groups());
        assertTrue(rt.leave("workers", b));
        assertFalse(rt.leave("workers", b));
        rt.send(watcher, List.of("monitor", a));
        seen(watcher); // monitoring before the crash
        rt.send(a, "crash");
        // The watcher is told a left its groups before it is told a ended.
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> got = seen(watcher);
        while (got.size() < 5 && System.nanoTime() < deadline) {
            got = seen(watcher);
        }
        assertEquals(5, got.size());
        assertEquals(List.of(
                "GroupChange[ref=" + m.ref() + ", group=workers, kind=JOINED, pids=[" + a + "]]",
                "GroupChange[ref=" + m.ref() + ", group=workers, kind=JOINED, pids=[" + b + "]]",
                "GroupChange[ref=" + m.ref() + ", group=workers, kind=LEFT, pids=[" + b + "]]",
                "GroupChange[ref=" + m.ref() + ", group=workers, kind=LEFT, pids=[" + a + "]]"), got.subList(0, 4));
        assertTrue(got.get(4), got.get(4).startsWith("Down["));
        assertEquals(List.of(), rt.members("workers"));
        assertEquals(List.of(), rt.groups());
        assertTrue(rt.demonitorGroup(m.ref()));
        assertFalse(rt.demonitorGroup(m.ref()));
    }

    @Test
    public void badGroupInputChangesNothing() throws Exception {
        Pid a = rt.spawn("echo", null);
        assertThrows(IllegalArgumentException.class, () -> rt.join(" ", a));
        assertThrows(IllegalArgumentException.class, () -> rt.join("a\nb", a));
        rt.stop(a);
        awaitEnded(a);
        NoSuchProcessException e = assertThrows(NoSuchProcessException.class, () -> rt.join("g", a));
        assertTrue(e.getMessage(), e.getMessage().contains("is not alive"));
        assertEquals(List.of(), rt.groups());
    }

    @Test
    public void aWatcherThatEndsLosesItsMonitor() throws Exception {
        Pid w = rt.spawn("echo", null);
        Pid a = rt.spawn("echo", null);
        GroupMonitor m = rt.monitorGroup("g", w);
        rt.stop(w);
        awaitEnded(w);
        rt.join("g", a); // nobody to tell, nothing thrown
        assertFalse(rt.demonitorGroup(m.ref()));
    }

    @Test
    public void aSpawnLinkedProcessThatCrashesTellsItsTrappingParent() throws Exception {
        Pid parent = rt.spawn("echo", null);
        rt.send(parent, "trap");
        seen(parent); // trapping before any child can end
        Pid child = rt.spawnLinked(parent, "echo", null, null);
        rt.send(child, "crash");
        awaitEnded(child);
        // The signal becomes a message at the parent's next boundary, possibly behind our "get".
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> got = seen(parent);
        while (got.isEmpty() && System.nanoTime() < deadline) {
            got = seen(parent);
        }
        assertEquals(1, got.size());
        assertTrue(got.toString(), got.get(0).startsWith("ExitSignal[from=" + child + ", reason=error: handle(crash) threw"));
    }

    @Test
    public void aFailedInitOfASpawnLinkedProcessIsReportedOnceByTheException() throws Exception {
        Pid parent = rt.spawn("echo", null);
        rt.send(parent, "trap");
        seen(parent); // trapping before any child can end
        assertThrows(SpawnException.class, () -> rt.spawnLinked(parent, "echo", null, "fail"));
        rt.send(parent, "after");
        seen(parent); // an exit signal, had one been sent, is queued by the end of this turn
        rt.send(parent, "after2");
        assertEquals(List.of("after", "after2"), seen(parent)); // no exit signal from the failed child
    }

    /** A supervisor restarts a named child under its name: the name must be free once the process ended. */
    @Test
    public void aNameIsFreeAgainOnceItsProcessEnded() throws Exception {
        Pid first = rt.spawn("echo", "again", null);
        rt.stop(first);
        awaitEnded(first);
        Pid second = rt.spawn("echo", "again", null);
        assertEquals(second, rt.whereis("again").orElseThrow());
    }

    @Test
    public void spawnLinkedToADeadProcessSpawnsNothing() throws Exception {
        Pid gone = rt.spawn("echo", null);
        rt.stop(gone);
        awaitEnded(gone);
        int before = rt.processes().size();
        assertThrows(NoSuchProcessException.class, () -> rt.spawnLinked(gone, "echo", "x", null));
        assertEquals(before, rt.processes().size());
        assertTrue(rt.whereis("x").isEmpty());
        assertEquals(ExitReason.Kind.NOPROC, rt.watch(gone).toCompletableFuture().get().kind());
    }

    /**
     * Groups and spawn links hold this node's processes: a pid of another node that has the number of
     * a local process is neither taken for it nor let in, and the local one is untouched.
     */
    @Test
    public void aPidOfAnotherNodeIsNeverTakenForTheLocalProcessWithItsNumber() throws Exception {
        Pid local = rt.spawn("echo", null);
        rt.join("g", local);
        Pid remote = new Pid(local.id(), "n2", 7);
        NoSuchProcessException e = assertThrows(NoSuchProcessException.class, () -> rt.join("g", remote));
        assertTrue(e.getMessage(), e.getMessage().contains(remote.text() + " is on node n2"));
        assertFalse(rt.leave("g", remote));
        assertThrows(NoSuchProcessException.class, () -> rt.monitorGroup("g", remote));
        int before = rt.processes().size();
        assertThrows(NoSuchProcessException.class, () -> rt.spawnLinked(remote, "echo", "y", null));
        assertEquals(before, rt.processes().size());
        assertTrue(rt.whereis("y").isEmpty());
        assertEquals(List.of(local), rt.members("g"));
        assertEquals(List.of(), seen(local));
    }
}
