package dev.molt.health;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessStatus;
import dev.molt.api.admin.BehaviourMetrics;
import dev.molt.api.admin.Latency;

/** Each verdict at, below and above its thresholds, with the one-line reason. */
public class ChecksTest {

    private static ProcessInfo proc(long id, ProcessStatus status, String reason) {
        return new ProcessInfo(new Pid(id), id == 1 ? "c1" : null, "counter", "1.0.0", status, 0, 0, 0, reason);
    }

    private static BehaviourMetrics metrics(String name, long maxDepth, long recentCrashes) {
        return new BehaviourMetrics(name, "1.0.0", 1, Map.of("1.0.0", 1), 0, maxDepth, maxDepth, maxDepth > 0 ? new Pid(7) : null,
                0, 1, 0, recentCrashes, recentCrashes, 2, Latency.NONE, Latency.NONE);
    }

    @Test
    public void heldProcessesWarnAndNameTheReason() {
        assertEquals(Finding.Level.OK, Checks.held(List.of(proc(1, ProcessStatus.RUNNING, null))).level());
        Finding f = Checks.held(List.of(proc(1, ProcessStatus.HELD, "import by 3.0.0 failed: odd"),
                proc(2, ProcessStatus.RUNNING, null)));
        assertEquals(Finding.Level.WARN, f.level());
        assertTrue(f.reason(), f.reason().startsWith("1 process is held by an upgrade: process 1 (c1) of counter: import by 3.0.0 failed: odd."));
        assertFalse(f.reason().contains("\n"));
    }

    @Test
    public void heldNamesThreeAndCountsTheRest() {
        List<ProcessInfo> five = List.of(proc(1, ProcessStatus.HELD, "r"), proc(2, ProcessStatus.HELD, "r"),
                proc(3, ProcessStatus.HELD, "r"), proc(4, ProcessStatus.HELD, "r"), proc(5, ProcessStatus.HELD, "r"));
        String r = Checks.held(five).reason();
        assertTrue(r, r.startsWith("5 processes are held") && r.contains("and 2 more") && !r.contains("process 4 "));
    }

    @Test
    public void aBehaviourWithProcessesButNoVersionIsCritical() {
        BehaviourInfo running = new BehaviourInfo("counter", "1.0.0", List.of("1.0.0"), 5, 3);
        BehaviourInfo stopped = new BehaviourInfo("chat", null, List.of(), -1, 2);
        BehaviourInfo empty = new BehaviourInfo("idle", null, List.of(), -1, 0);
        assertEquals(Finding.Level.OK, Checks.withoutCode(List.of(running, empty)).level());
        Finding f = Checks.withoutCode(List.of(running, stopped, empty));
        assertEquals(Finding.Level.CRITICAL, f.level());
        assertTrue(f.reason(), f.reason().startsWith("no version registered for chat (2 processes)"));
    }

    @Test
    public void crashLoopsWarnThenTurnCritical() {
        assertEquals(Finding.Level.OK, Checks.crashLoop(List.of(metrics("counter", 0, 2)), 3, 10).level());
        assertEquals(Finding.Level.WARN, Checks.crashLoop(List.of(metrics("counter", 0, 3)), 3, 10).level());
        Finding f = Checks.crashLoop(List.of(metrics("a", 0, 4), metrics("b", 0, 12)), 3, 10);
        assertEquals(Finding.Level.CRITICAL, f.level());
        assertTrue(f.reason(), f.reason().startsWith("b crashed 12 times in the last minute"));
    }

    @Test
    public void deepMailboxesWarnThenTurnCritical() {
        assertEquals(Finding.Level.OK, Checks.mailboxDepth(List.of(metrics("counter", 9_999, 0)), 10_000, 100_000).level());
        Finding w = Checks.mailboxDepth(List.of(metrics("counter", 10_000, 0)), 10_000, 100_000);
        assertEquals(Finding.Level.WARN, w.level());
        assertTrue(w.reason(), w.reason().startsWith("process 7 of counter has 10000 messages waiting"));
        assertEquals(Finding.Level.CRITICAL, Checks.mailboxDepth(List.of(metrics("counter", 100_000, 0)), 10_000, 100_000).level());
    }
}
