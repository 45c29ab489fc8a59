package dev.molt.features.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;

/**
 * Three Molt nodes, each a Felix distribution in a JVM of its own, on loopback, driven through
 * their consoles. The cases run in name order on one cluster, each leaving it usable for the next;
 * the last two end nodes on purpose (kill -9, a node without the secret).
 *
 * <p>Waits are for what a console shows, each with a deadline; the one fixed window is in the
 * secret test, where what is shown is that something does <em>not</em> happen.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterIT {

    private static final Path DIST = Paths.get(System.getProperty("molt.dist", "target/molt"));
    private static final Path FIXTURES = Paths.get(System.getProperty("molt.fixtures", "target/fixtures"));
    private static final Path WORK = DIST.resolveSibling("cluster-it");
    private static final String SECRET = "cluster-it-secret";
    private static final long VIEW_MS = 30_000;
    private static final Pattern PID = Pattern.compile("^(\\d+(?:@\\w+)?)\\s*$", Pattern.MULTILINE);

    private static NodeJvm n1;
    private static NodeJvm n2;
    private static NodeJvm n3;
    private static Path probe;
    private static List<Integer> ports;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeClass
    public static void threeNodes() throws Exception {
        probe = ProbeBundle.build(DIST, WORK.resolve("probe.jar"));
        ports = List.of(freePort(), freePort(), freePort());
        ExecutorService starter = Executors.newFixedThreadPool(3);
        try {
            List<Future<NodeJvm>> started = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String name = "n" + (i + 1);
                int port = ports.get(i);
                started.add(starter.submit(() -> NodeJvm.start(DIST, WORK.resolve(name), name, port, ports, SECRET, Map.of(),
                        List.of(probe))));
            }
            n1 = started.get(0).get(60, TimeUnit.SECONDS);
            n2 = started.get(1).get(60, TimeUnit.SECONDS);
            n3 = started.get(2).get(60, TimeUnit.SECONDS);
        } finally {
            starter.shutdownNow();
        }
        for (NodeJvm n : List.of(n1, n2, n3)) {
            n.awaitView(List.of("n1", "n2", "n3"), VIEW_MS);
        }
    }

    @AfterClass
    public static void stopNodes() {
        for (NodeJvm n : new NodeJvm[] {n1, n2, n3}) {
            if (n != null) {
                n.close();
            }
        }
        NodeJvm.stopAll();
    }

    /** The pid a spawn printed. */
    private static String pid(String spawnOutput) {
        Matcher m = PID.matcher(spawnOutput);
        assertTrue("a pid, got: " + spawnOutput, m.find());
        return m.group(1);
    }

    private static String spawn(NodeJvm on, String args) throws Exception {
        return pid(on.type("proc:spawn " + args));
    }

    /** Waits until the probe's events (a call) contain {@code line}. */
    private static String awaitEvent(NodeJvm on, String probe, String line) throws Exception {
        return on.until("proc:call " + probe + " events", out -> out.contains(line), 20_000);
    }

    @Test
    public void a_remoteSendCallMonitorAndLink() throws Exception {
        String c3 = spawn(n3, "counter --name c3");
        n1.type("proc:send " + c3 + "@n3 5");
        assertEquals("a call from n1 to a counter on n3 answers", "5", n1.type("proc:call " + c3 + "@n3 get").strip());
        // Spawned on n3 from n2; printed as a pid of n3.
        String remote = spawn(n2, "counter --node n3 --name made-from-n2 7");
        assertTrue(remote, remote.endsWith("@n3"));
        assertEquals("7", n3.type("proc:call made-from-n2 get").strip());
        String ps = n1.type("proc:ps --all");
        assertTrue(ps, ps.matches("(?s).*\\bn3 +" + c3 + " +c3 +counter .*") && ps.contains("made-from-n2"));

        String watcher = spawn(n1, "probe");
        n1.type("proc:send " + watcher + " [monitor, '" + c3 + "@n3']");
        String linked = spawn(n2, "probe");
        n2.type("proc:send " + linked + " [link, '" + c3 + "@n3']");
        // Each probe has handled its request once it answers a call; a call from its node to c3
        // then travels behind the watch it set, on the same ordered channel.
        n1.type("proc:call " + watcher + " events");
        n2.type("proc:call " + linked + " events");
        n1.type("proc:call " + c3 + "@n3 get");
        n2.type("proc:call " + c3 + "@n3 get");
        assertTrue(n3.type("proc:kill c3 'ended by the test'").startsWith("killed"));
        awaitEvent(n1, watcher, "down " + c3 + "@n3 killed");
        awaitEvent(n2, linked, "exit " + c3 + "@n3 killed");
        String error = n1.type("proc:send 99@n9 x");
        assertTrue(error, error.contains("no node 'n9' is in the cluster"));
    }

    @Test
    public void b_fourSendersOnTwoNodesKeepTheirOrderToTheThird() throws Exception {
        int perSender = 3000;
        List<String> counters = List.of(spawn(n3, "counter --name k1"), spawn(n3, "counter --name k2"));
        int s = 0;
        for (NodeJvm from : List.of(n1, n1, n2, n2)) {
            String sender = "s" + (++s);
            String p = spawn(from, "probe");
            for (String k : counters) {
                from.type("proc:send " + p + " [pump, '" + k + "@n3', " + sender + ", " + perSender + ", 100]");
            }
        }
        for (String k : List.of("k1", "k2")) {
            n3.until("proc:call " + k + " get", out -> out.strip().equals(String.valueOf(4 * perSender)), 60_000);
            String info = n3.type("proc:info " + k);
            assertTrue(info, info.contains("outOfOrder=0"));
            for (int i = 1; i <= 4; i++) {
                assertTrue(info, info.contains("s" + i + "=" + perSender));
            }
        }
    }

    @Test
    public void c_aClusterWideUpgradeUnderLoadMovesEveryNodeAndLosesNothing() throws Exception {
        int total = 30_000;
        String u1 = spawn(n1, "counter --name u1");
        String u2 = spawn(n2, "counter --name u2");
        String u3 = spawn(n3, "counter --name u3");
        String p1 = spawn(n1, "probe");
        String p2 = spawn(n2, "probe");
        n1.type("proc:send " + p1 + " [pump, '" + u2 + "@n2', a, " + total + ", 10]");
        n1.type("proc:send " + p1 + " [pump, '" + u3 + "@n3', a, " + total + ", 10]");
        n2.type("proc:send " + p2 + " [pump, '" + u1 + "@n1', b, " + total + ", 10]");
        n2.type("proc:send " + p2 + " [pump, '" + u3 + "@n3', b, " + total + ", 10]");
        String report = n1.type("proc:upgrade --cluster counter " + n1.home.resolve("examples/counter-v2.jar").toUri());
        assertTrue(report, report.contains("n1: upgraded: counter 1.0.0 -> 2.0.0"));
        assertTrue(report, report.contains("n2: upgraded: counter 1.0.0 -> 2.0.0"));
        assertTrue(report, report.contains("n3: upgraded: counter 1.0.0 -> 2.0.0"));
        assertTrue(report, report.contains("cluster upgrade of counter: complete, 3 of 3 nodes upgraded"));
        // Under load: the senders (3,000 turns each, 1 ms apart) were still sending when the last node moved.
        long atReport = Long.parseLong(n3.type("proc:call u3 get").strip());
        assertTrue("u3 had " + atReport + " of " + 2 * total + " when the upgrade ended", atReport < 2L * total);
        n1.until("proc:call u1 get", out -> out.strip().equals(String.valueOf(total)), 60_000);
        n2.until("proc:call u2 get", out -> out.strip().equals(String.valueOf(total)), 60_000);
        n3.until("proc:call u3 get", out -> out.strip().equals(String.valueOf(2 * total)), 60_000);
        for (NodeJvm n : List.of(n1, n2, n3)) {
            String name = "u" + n.name.substring(1);
            assertEquals("2.0.0", n.type("proc:call " + name + " version").strip());
            String info = n.type("proc:info " + name);
            assertTrue(info, info.contains("outOfOrder=0"));
        }
    }

    @Test
    public void d_aNodeThatFailsItsUpgradeStopsTheClusterUpgradeThere() throws Exception {
        // counter 3.0.0 cannot import an odd total: whichever node goes first holds a process there.
        for (NodeJvm n : List.of(n1, n2, n3)) {
            spawn(n, "counter --name odd 1");
        }
        List<String> order = nodesInViewOrder(n2);
        String report = n2.type("proc:upgrade --cluster counter " + FIXTURES.resolve("counter-v3-broken.jar").toUri());
        String first = order.get(0);
        assertTrue(report, report.contains(first + ": failed: counter 2.0.0 -> 3.0.0"));
        assertTrue(report, report.contains("held") && report.contains("(odd)"));
        for (String later : order.subList(1, 3)) {
            assertTrue(report, report.contains(later + ": not started"));
        }
        assertTrue(report, report.contains("cluster upgrade of counter: stopped, 0 of 3 nodes upgraded"));
        for (NodeJvm n : List.of(n1, n2, n3)) {
            if (!n.name.equals(first)) {
                assertEquals(n.name + " runs what it ran", "2.0.0", n.type("proc:call odd version").strip());
            }
        }
        NodeJvm failed = List.of(n1, n2, n3).stream().filter(n -> n.name.equals(first)).findFirst().orElseThrow();
        String back = failed.type("proc:rollback counter");
        assertTrue(back, back.contains("counter 3.0.0 -> 2.0.0"));
        assertEquals("2.0.0", failed.type("proc:call odd version").strip());
    }

    /** The node names of a proc:nodes table, coordinator first. */
    private static List<String> nodesInViewOrder(NodeJvm on) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : on.type("proc:nodes").split("\\r?\\n")) {
            String t = l.strip();
            if (t.matches("^\\S+ +[0-9a-f]+ +(coordinator|member)\\b.*")) {
                out.add(t.split(" +")[0]);
            }
        }
        assertEquals(out.toString(), 3, out.size());
        return out;
    }

    @Test
    public void e_aPartitionSplitsTheViewAndAMergeJoinsItWithOneHolderPerGlobalName() throws Exception {
        String z3 = spawn(n3, "counter --name z3");
        String watcher = spawn(n1, "probe");
        n1.type("proc:send " + watcher + " [monitor, '" + z3 + "@n3']");
        n1.type("proc:call " + watcher + " events");
        n1.type("proc:call " + z3 + "@n3 get");

        String g1;
        String g3;
        try {
            assertTrue(n1.type("cluster:isolate n3").contains("isolated from [n3]"));
            assertTrue(n2.type("cluster:isolate n3").contains("isolated from [n3]"));
            assertTrue(n3.type("cluster:isolate n1 n2").contains("isolated from [n1, n2]"));
            n1.awaitView(List.of("n1", "n2"), VIEW_MS);
            n2.awaitView(List.of("n1", "n2"), VIEW_MS);
            n3.awaitView(List.of("n3"), VIEW_MS);
            awaitEvent(n1, watcher, "down " + z3 + "@n3 noconnection");

            // The same global name on both sides: each side's coordinator says yes.
            g1 = spawn(n1, "probe");
            g3 = spawn(n3, "probe");
            assertEquals("ok", n1.type("proc:call " + g1 + " [global, leader]").strip());
            assertEquals("ok", n3.type("proc:call " + g3 + " [global, leader]").strip());
            assertEquals(g3 + "@n3", n3.type("proc:call " + g3 + " [whereis, leader]").strip());
        } finally {
            for (NodeJvm n : List.of(n1, n2, n3)) {
                assertEquals("healed", n.type("cluster:heal").strip());
            }
        }
        for (NodeJvm n : List.of(n1, n2, n3)) {
            n.awaitView(List.of("n1", "n2", "n3"), VIEW_MS);
        }
        // The rule: the claim from the node whose name sorts first keeps the name, everywhere.
        String holder = g1 + "@n1";
        for (NodeJvm n : List.of(n1, n2, n3)) {
            String probeThere = n == n1 ? g1 : n == n3 ? g3 : spawn(n2, "probe");
            n.until("proc:call " + probeThere + " [whereis, leader]", out -> out.strip().equals(holder), 20_000);
        }
        assertEquals("after the merge, n1 reaches n3 again", "0", n1.type("proc:call " + z3 + "@n3 get").strip());
    }

    @Test
    public void f_kill9OfANodeMeansNoconnectionAtOnceAndNoCallHangs() throws Exception {
        String victim = spawn(n3, "counter --name victim");
        String watcher = spawn(n1, "probe");
        n1.type("proc:send " + watcher + " [monitor, '" + victim + "@n3']");
        n1.type("proc:call " + watcher + " events");
        // A call that would wait a minute: the callee's handler sleeps.
        int pending = n1.typeOnly("proc:call " + victim + "@n3 sleep:60000 --timeout 60000");
        n3.until("proc:ps counter", out -> out.matches("(?s).*\\b" + victim + " +victim +counter +\\S+ +RUNNING +\\d+ +1\\b.*"),
                20_000);
        long killed = System.nanoTime();
        n3.kill9();
        String answer = n1.outputOf(pending);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertTrue(answer, answer.contains("noconnection"));
        assertTrue("the call failed " + waitedMs + " ms after the kill, not at its 60 s timeout", waitedMs < 15_000);
        awaitEvent(n1, watcher, "down " + victim + "@n3 noconnection");
        n1.awaitView(List.of("n1", "n2"), VIEW_MS);
        n2.awaitView(List.of("n1", "n2"), VIEW_MS);
    }

    @Test
    public void g_aNodeWithoutTheSecretCannotJoin() throws Exception {
        int port = freePort();
        try (NodeJvm outsider = NodeJvm.start(DIST, WORK.resolve("n4"), "n4", port, List.of(ports.get(0), ports.get(1), port),
                "not-the-cluster-secret", Map.of(), List.of())) {
            // It gives up joining after its attempts and starts a view of its own.
            outsider.awaitView(List.of("n4"), VIEW_MS);
            // Across several merge rounds (MERGE3 looks every 1-2 s), no side takes the other in.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < until) {
                assertEquals(Set.of("n1", "n2"), NodeJvm.names(n1.type("proc:nodes")));
                assertEquals(Set.of("n4"), NodeJvm.names(outsider.type("proc:nodes")));
            }
        }
    }
}
