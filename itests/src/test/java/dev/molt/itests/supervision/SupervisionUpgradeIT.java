package dev.molt.itests.supervision;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.FileInputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.molt.api.ChildInfo;
import dev.molt.api.ChildSpec;
import dev.molt.api.GroupChange;
import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.Shutdown;
import dev.molt.api.SupervisionNode;
import dev.molt.api.SupervisorSpec;
import dev.molt.api.Supervisors;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;

/**
 * Supervision at scale and across upgrades (issue 12): 10,000 dynamic children with a batch of
 * crashes; a tree of 1,000 processes through 20 upgrades of its behaviours (the workers' bundle and
 * the supervision bundle itself) under load, with zero restarts and nothing lost; a child whose new
 * code crashes restarted into the newest version; during a canary, supervised crashes still abort it
 * and a restarted child gets the old version; process groups through exits and upgrades.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SupervisionUpgradeIT extends SupervisionTestSupport {

    @Configuration
    public Option[] config() {
        return options(supervisionBundles());
    }

    @Test
    public void tenThousandDynamicChildrenTakeABatchOfCrashes() {
        int n = 10_000;
        int crashes = 1_000;
        ChildSpec template = ChildSpec.worker("w", "sup.worker", "w").withShutdown(Shutdown.brutalKill());
        Pid sup = supervisors.start("dyn", SupervisorSpec.simpleOneForOne(template).withIntensity(n, Duration.ofSeconds(60)));
        List<Pid> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(supervisors.startChild("dyn", "w" + i));
        }
        journalWords(n);
        List<ChildInfo> kids = supervisors.whichChildren("dyn");
        assertEquals(n, kids.size());
        expectCrashLogs();
        Set<Pid> crashed = new HashSet<>();
        for (int i = 0; i < n; i += n / crashes) {
            runtime.send(started.get(i), "crash");
            crashed.add(started.get(i));
        }
        await(crashes + " dynamic children to be restarted", () -> {
            List<ChildInfo> now = supervisors.whichChildren("dyn");
            return now.size() == n && now.stream().filter(c -> c.restarts() == 1 && c.pid() != null).count() == crashes;
        });
        List<ChildInfo> after = supervisors.whichChildren("dyn");
        Set<Pid> alive = new HashSet<>();
        for (ChildInfo c : after) {
            alive.add(c.pid());
            assertEquals(c.id(), crashed.contains(started.get(Integer.parseInt(c.id().substring(2)) - 1)), c.restarts() == 1);
        }
        assertEquals(n, alive.size());
        for (Pid p : crashed) {
            assertFalse(alive.contains(p));
        }
        assertEquals(n + 1, runtime.processes().stream().filter(p -> !p.behaviour().equals("sup.journal")).count());
    }

    /** 1 root, 9 supervisors of 110 workers: 1,000 processes; 20 upgrades alternating the two bundles. */
    @Test
    public void aTreeOfAThousandProcessesSurvivesTwentyUpgradesUnderLoadWithZeroRestarts() throws Exception {
        List<ChildSpec> branches = new ArrayList<>();
        for (int b = 0; b < 9; b++) {
            List<ChildSpec> leaves = new ArrayList<>();
            for (int w = 0; w < 110; w++) {
                leaves.add(ChildSpec.worker("w" + b + "-" + w, "sup.worker", "w" + b + "-" + w));
            }
            branches.add(ChildSpec.supervisor("b" + b, new SupervisorSpec(SupervisorSpec.Strategy.ONE_FOR_ONE, 1,
                    Duration.ofSeconds(5), leaves)));
        }
        Pid root = supervisors.start("big", new SupervisorSpec(SupervisorSpec.Strategy.ONE_FOR_ALL, 1, Duration.ofSeconds(5), branches));
        journalWords(990);
        List<ProcessInfo> tree = runtime.processes().stream().filter(p -> !p.behaviour().equals("sup.journal")).toList();
        assertEquals(1000, tree.size());
        List<Pid> workers = tree.stream().filter(p -> p.behaviour().equals("sup.worker")).map(ProcessInfo::pid).toList();
        runtime.join("big-workers", workers.get(0));
        runtime.join("big-workers", workers.get(1));

        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        long[] sent = new long[workers.size()];
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    int k = i % workers.size();
                    runtime.send(workers.get(k), List.of("seq", ++sent[k]));
                    if (i % 50 == 49) {
                        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                    }
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        sender.start();
        Bundle supervision = installedBundle("dev.molt.supervision");
        byte[] supervisionJar = readAll(System.getProperty("dev.molt.supervision"));
        try {
            for (int u = 1; u <= 20; u++) {
                if (u % 2 == 1) {
                    updateFixture("1.0." + u);
                } else {
                    String v = "0.2." + u;
                    supervision.update(new java.io.ByteArrayInputStream(withVersion(supervisionJar, v)));
                    awaitBehaviour(Supervisors.BEHAVIOUR, v);
                    UpgradeReport r = awaitReport(Supervisors.BEHAVIOUR, "to " + v, x -> x.toVersion().equals(v));
                    assertEquals(r.summary(), 10, r.migrated());
                }
            }
        } finally {
            stop.set(true);
            sender.join();
        }
        assertTrue(failures.toString(), failures.isEmpty());
        // The same thousand processes, every one on the newest code, none restarted.
        List<ProcessInfo> now = runtime.processes().stream().filter(p -> !p.behaviour().equals("sup.journal")).toList();
        assertEquals(tree.stream().map(ProcessInfo::pid).toList(), now.stream().map(ProcessInfo::pid).toList());
        for (ProcessInfo p : now) {
            assertEquals(p.toString(), p.behaviour().equals("sup.worker") ? "1.0.19" : "0.2.20", p.version());
        }
        assertEquals(0, restarts(supervisors.trees()));
        assertEquals(List.of(), journal()); // no start, no stop
        // Nothing lost, nothing doubled, nothing reordered.
        for (int k = 0; k < workers.size(); k++) {
            assertEquals("worker " + workers.get(k), List.of(sent[k], false), call(workers.get(k), "get"));
        }
        assertEquals(List.of(workers.get(0), workers.get(1)), runtime.members("big-workers"));
        assertEquals(1, supervisors.trees().stream().filter(t -> t.pid().equals(root)).count());
    }

    private static int restarts(List<SupervisionNode> nodes) {
        int n = 0;
        for (SupervisionNode node : nodes) {
            n += node.restarts() + restarts(node.children());
        }
        return n;
    }

    @Test
    public void aChildWhoseNewCodeCrashesIsRestartedIntoTheNewestVersion() throws Exception {
        Pid sup = supervisors.start("newcode", SupervisorSpec.oneForOne(ChildSpec.worker("a", "sup.worker", "a"))
                .withIntensity(5, Duration.ofSeconds(10)));
        journalWords(1);
        Pid a1 = pids(sup).get("a");
        updateFixture("2.0.0");
        assertEquals("2.0.0", call(a1, "version")); // moved, not restarted
        assertEquals(a1, pids(sup).get("a"));
        expectCrashLogs();
        runtime.send(a1, "crash-new");
        Pid a2 = awaitRestarted(sup, "a", a1);
        assertEquals("2.0.0", call(a2, "version"));
        assertEquals(List.of(List.of("stop", "a", "ERROR"), List.of("start", "a", "2.0.0")), journal());
    }

    @Test
    public void duringACanarySupervisedCrashesStillAbortItAndARestartedChildGetsTheOldVersion() throws Exception {
        List<ChildSpec> kids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            kids.add(ChildSpec.worker("c" + i, "sup.worker", "c" + i));
        }
        Pid sup = supervisors.start("canary", new SupervisorSpec(SupervisorSpec.Strategy.ONE_FOR_ONE, 20, Duration.ofSeconds(30), kids));
        journalWords(6);
        UpgradeReport stage = runtime.upgrade("sup.worker", fixtureJar("2.0.0").toString(), UpgradeOptions.canary("3"));
        assertTrue(stage.summary(), runtime.inProgress("sup.worker").isPresent());
        Map<Pid, String> versions = new HashMap<>();
        pids(sup).values().forEach(p -> versions.put(p, (String) call(p, "version")));
        List<Pid> onCanary = versions.entrySet().stream().filter(e -> e.getValue().equals("2.0.0")).map(Map.Entry::getKey).toList();
        assertEquals(3, onCanary.size());
        expectCrashLogs();
        log.expect("dev.molt.runtime: canary of sup.worker 2.0.0 aborted automatically");
        for (Pid p : onCanary) {
            runtime.send(p, "crash-new");
        }
        await("the canary to abort", () -> runtime.inProgress("sup.worker").isEmpty());
        await("every child to run again", () -> pids(sup).size() == 6);
        for (Pid p : pids(sup).values()) {
            assertEquals("a restarted child gets the pinned old version", "1.0.0", call(p, "version"));
        }
        UpgradeReport canary = reports("sup.worker").stream().filter(r -> "2.0.0".equals(r.toVersion())).findFirst().orElseThrow();
        assertTrue(canary.summary(), canary.summary().contains("abort"));
    }

    @Test
    public void groupsKeepTheirMembersThroughUpgradesAndLoseThemOnExit() throws Exception {
        Pid sup = supervisors.start("grouped", SupervisorSpec.oneForOne(ChildSpec.worker("a", "sup.worker", "a"),
                ChildSpec.worker("b", "sup.worker", "b")).withIntensity(5, Duration.ofSeconds(10)));
        journalWords(2);
        Map<String, Pid> p = pids(sup);
        Pid watcher = runtime.spawn("sup.journal", null);
        var monitor = runtime.monitorGroup("room", watcher);
        assertEquals(List.of(), monitor.members());
        runtime.send(p.get("a"), List.of("join", "room"));
        call(p.get("a"), "version"); // a's mailbox is in order: its join is done before it answers, so a joins before b
        runtime.send(p.get("b"), List.of("join", "room"));
        await("both to join", () -> runtime.members("room").size() == 2);
        assertEquals(List.of(p.get("a"), p.get("b")), runtime.members("room"));
        updateFixture("3.0.0");
        runtime.upgrade(Supervisors.BEHAVIOUR, withVersionFile("0.3.0"));
        assertEquals(List.of(p.get("a"), p.get("b")), runtime.members("room"));
        expectCrashLogs();
        runtime.send(p.get("a"), "crash");
        Pid a2 = awaitRestarted(sup, "a", p.get("a"));
        assertEquals(List.of(p.get("b")), runtime.members("room")); // the restarted child is a new process
        assertEquals(List.of("room"), runtime.groups());
        @SuppressWarnings("unchecked")
        List<Object> changes = (List<Object>) call(watcher, "take");
        assertEquals(List.of(new GroupChange(monitor.ref(), "room", GroupChange.Kind.JOINED, List.of(p.get("a"))),
                new GroupChange(monitor.ref(), "room", GroupChange.Kind.JOINED, List.of(p.get("b"))),
                new GroupChange(monitor.ref(), "room", GroupChange.Kind.LEFT, List.of(p.get("a")))), changes);
        assertFalse(runtime.members("room").contains(a2));
    }

    // ---- the supervision bundle at another version --------------------------------------------

    private static byte[] readAll(String path) throws Exception {
        try (InputStream in = new FileInputStream(path)) {
            return in.readAllBytes();
        }
    }

    /** The supervision jar with another Bundle-Version: a real update of the same code. */
    static byte[] withVersion(byte[] jar, String version) throws Exception {
        return dev.molt.itests.RebuiltJars.copy(jar, a -> a.putValue("Bundle-Version", version));
    }

    private static String withVersionFile(String version) throws Exception {
        java.nio.file.Path p = java.nio.file.Files.createTempFile("supervision-" + version + "-", ".jar");
        java.nio.file.Files.write(p, withVersion(readAll(System.getProperty("dev.molt.supervision")), version));
        return p.toString();
    }
}
