package dev.molt.itests.supervision;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.molt.api.ChildInfo;
import dev.molt.api.ChildSpec;
import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.Shutdown;
import dev.molt.api.SpawnException;
import dev.molt.api.SupervisorSpec;

/**
 * Supervisors in a real Felix (issue 12): each strategy with crashes, asserting exactly which
 * children restarted and in what order (from the journal the workers write in init and terminate);
 * the restart intensity escalating to the parent; transient and temporary children; the requests
 * and their errors.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SupervisionIT extends SupervisionTestSupport {

    @Configuration
    public Option[] config() {
        return options(supervisionBundles());
    }

    private static ChildSpec w(String id) {
        return ChildSpec.worker(id, "sup.worker", id).withShutdown(Shutdown.after(Duration.ofSeconds(5)));
    }

    private Pid start(SupervisorSpec spec) {
        return supervisors.start(null, spec.withIntensity(10, Duration.ofSeconds(10)));
    }

    @Test
    public void oneForOneRestartsOnlyTheChildThatCrashed() {
        Pid sup = start(SupervisorSpec.oneForOne(w("a"), w("b"), w("c")));
        assertEquals(List.of("start:a", "start:b", "start:c"), journalWords(3));
        Map<String, Pid> before = pids(sup);
        expectCrashLogs();
        runtime.send(before.get("b"), "crash");
        Pid b2 = awaitRestarted(sup, "b", before.get("b"));
        // b's terminate runs on its crash, then the new b starts: nobody else stops or starts.
        assertEquals(List.of("stop:b", "start:b"), journalWords(2));
        Map<String, Pid> after = pids(sup);
        assertEquals(before.get("a"), after.get("a"));
        assertEquals(before.get("c"), after.get("c"));
        assertEquals(b2, after.get("b"));
        assertEquals(1, child(sup, "b").restarts());
        assertEquals(0, child(sup, "a").restarts());
        assertEquals(List.of(), journal());
    }

    @Test
    public void oneForAllStopsTheOthersLastFirstThenStartsAllInOrder() {
        Pid sup = start(SupervisorSpec.oneForAll(w("a"), w("b"), w("c")));
        journalWords(3);
        Map<String, Pid> before = pids(sup);
        expectCrashLogs();
        runtime.send(before.get("b"), "crash");
        awaitRestarted(sup, "a", before.get("a"));
        assertEquals(List.of("stop:b", "stop:c", "stop:a", "start:a", "start:b", "start:c"), journalWords(6));
        Map<String, Pid> after = pids(sup);
        for (String id : List.of("a", "b", "c")) {
            assertNotEquals(id, before.get(id), after.get(id));
            assertEquals(1, child(sup, id).restarts());
        }
    }

    @Test
    public void restForOneRestartsTheCrashedChildAndTheOnesStartedAfterIt() {
        Pid sup = start(SupervisorSpec.restForOne(w("a"), w("b"), w("c"), w("d")));
        journalWords(4);
        Map<String, Pid> before = pids(sup);
        expectCrashLogs();
        runtime.send(before.get("b"), "crash");
        awaitRestarted(sup, "d", before.get("d"));
        assertEquals(List.of("stop:b", "stop:d", "stop:c", "start:b", "start:c", "start:d"), journalWords(6));
        Map<String, Pid> after = pids(sup);
        assertEquals(before.get("a"), after.get("a"));
        for (String id : List.of("b", "c", "d")) {
            assertNotEquals(before.get(id), after.get(id));
        }
    }

    @Test
    public void pastItsIntensityASupervisorStopsItsChildrenAndEndsAndItsParentRestartsIt() throws Exception {
        SupervisorSpec inner = SupervisorSpec.oneForOne(w("x"), w("y")).withIntensity(1, Duration.ofSeconds(30));
        Pid root = supervisors.start("root-intensity", SupervisorSpec.oneForOne(ChildSpec.supervisor("inner", inner))
                .withIntensity(5, Duration.ofSeconds(30)));
        journalWords(2);
        Pid sup = pids(root).get("inner");
        var innerEnded = runtime.watch(sup).toCompletableFuture();
        expectCrashLogs();
        log.expect("dev.molt.supervision: supervisor <?\\d+>? reached its restart intensity");
        Pid x1 = pids(sup).get("x");
        runtime.send(x1, "crash"); // restart 1: allowed
        Pid x2 = awaitRestarted(sup, "x", x1);
        assertEquals(List.of("stop:x", "start:x"), journalWords(2));
        runtime.send(x2, "crash"); // restart 2 within the window: too many
        ExitReason why = innerEnded.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertEquals(ExitReason.Kind.ERROR, why.kind());
        assertTrue(why.detail(), why.detail().startsWith("reached its restart intensity: more than 1 restarts within 30000 ms"));
        Pid sup2 = awaitRestarted(root, "inner", sup);
        // x crashed; inner stopped y (its only running child) and ended; root started inner again,
        // which started x and y in order.
        assertEquals(List.of("stop:x", "stop:y", "start:x", "start:y"), journalWords(4));
        assertEquals(1, child(root, "inner").restarts());
        assertEquals(2, pids(sup2).size());
    }

    @Test
    public void transientRestartsOnlyAfterACrashAndTemporaryNever() {
        Pid sup = start(SupervisorSpec.oneForOne(w("t").withRestart(ChildSpec.Restart.TRANSIENT),
                w("tmp").withRestart(ChildSpec.Restart.TEMPORARY), w("keep")));
        journalWords(3);
        expectCrashLogs();
        Pid t1 = pids(sup).get("t");
        runtime.send(t1, "crash");
        Pid t2 = awaitRestarted(sup, "t", t1);
        runtime.send(t2, "stop"); // a normal exit: not restarted, still listed
        await("t to end normally and stay down", () -> {
            ChildInfo c = child(sup, "t");
            return c != null && c.pid() == null;
        });
        runtime.send(pids(sup).get("tmp"), "crash"); // temporary: removed
        await("tmp to be removed", () -> child(sup, "tmp") == null);
        assertEquals(List.of("stop:t", "start:t", "stop:t", "stop:tmp"), journalWords(4));
        assertEquals(List.of("t", "keep"), supervisors.whichChildren(sup.toString()).stream().map(ChildInfo::id).toList());
        // An operator may start the transient child again.
        Pid t3 = supervisors.restartChild(sup.toString(), "t");
        assertEquals(t3, pids(sup).get("t"));
    }

    @Test
    public void requestsStartTerminateRestartAndDeleteChildren() {
        Pid sup = start(SupervisorSpec.oneForOne(w("a")));
        journalWords(1);
        Pid b = supervisors.startChild(sup.toString(), w("b"));
        assertEquals(List.of("a", "b"), supervisors.whichChildren(sup.toString()).stream().map(ChildInfo::id).toList());
        supervisors.terminateChild(sup.toString(), "b");
        assertFalse(runtime.info(b).isPresent());
        assertNull(child(sup, "b").pid());
        assertEquals(List.of("start:b", "stop:b"), journalWords(2));
        Pid b2 = supervisors.restartChild(sup.toString(), "b");
        assertNotEquals(b, b2);
        supervisors.terminateChild(sup.toString(), b2.toString()); // by pid too
        supervisors.deleteChild(sup.toString(), "b");
        assertNull(child(sup, "b"));
    }

    @Test
    public void badRequestsAreOneLineErrorsThatChangeNothing() {
        Pid sup = start(SupervisorSpec.oneForOne(w("a")));
        journalWords(1);
        Pid a = pids(sup).get("a");
        String s = sup.toString();
        assertError("has a child 'a' already", () -> supervisors.startChild(s, w("a")));
        assertError("has no child 'zz'; its children: a", () -> supervisors.terminateChild(s, "zz"));
        assertError("is running as process " + a.id() + "; terminate-child it first", () -> supervisors.restartChild(s, "a"));
        assertError("is running as process", () -> supervisors.deleteChild(s, "a"));
        assertError("only a simple_one_for_one supervisor adds children by argument", () -> supervisors.startChild(s, (Object) "x"));
        assertError("is not a supervisor (it runs sup.worker)", () -> supervisors.whichChildren(a.toString()));
        assertError("no live process is named 'nobody'", () -> supervisors.whichChildren("nobody"));
        // A child that cannot start is refused, and not added.
        assertThrows(ProcessException.class, () -> supervisors.startChild(s, w("fail1")));
        assertEquals(List.of("a"), supervisors.whichChildren(s).stream().map(ChildInfo::id).toList());
        assertEquals(a, pids(sup).get("a"));
        // A tree whose child cannot start does not start; the children started are stopped again.
        SpawnException e = assertThrows(SpawnException.class,
                () -> supervisors.start("broken", SupervisorSpec.oneForOne(w("ok"), w("fail2"))));
        assertTrue(e.getMessage(), e.getMessage().contains("could not start child fail2"));
        assertEquals(List.of("start:ok", "stop:ok"), journalWords(2));
        assertTrue(runtime.whereis("broken").isEmpty());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> SupervisorSpec.oneForOne(w("a"), w("a")));
        assertEquals("two children have the id 'a'; give each child its own id", dup.getMessage());
    }

    private static void assertError(String part, org.junit.function.ThrowingRunnable r) {
        ProcessException e = assertThrows(ProcessException.class, r);
        assertTrue(e.getMessage(), e.getMessage().contains(part));
        assertFalse(e.getMessage(), e.getMessage().contains("\n"));
    }

    @Test
    public void aSupervisorCanBeNamedMonitoredAndLinked() throws Exception {
        Pid sup = supervisors.start("named-sup", SupervisorSpec.oneForOne(w("a")));
        journalWords(1);
        assertEquals(sup, runtime.whereis("named-sup").orElseThrow());
        var ended = runtime.watch(sup).toCompletableFuture();
        runtime.stop(sup);
        assertEquals(ExitReason.Kind.SHUTDOWN, ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).kind());
        assertEquals(List.of("stop:a"), journalWords(1)); // its terminate stopped its child
    }
}
