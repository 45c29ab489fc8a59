package dev.molt.cluster;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.api.Behaviour;
import dev.molt.api.Down;
import dev.molt.api.DuplicateNameException;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessExitedException;
import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.RuntimeSettings;

/**
 * Two runtimes, each with a node, in one JVM on loopback: the routing logic without a framework.
 * The multi-JVM tests (features) show the same in real Felix nodes.
 */
public class TwoNodesTest {

    /** Keeps what it is told: Downs, exit signals; answers "events" and echoes calls. */
    static final class Probe implements Behaviour<List<String>> {
        @Override
        public List<String> init(ProcessContext context, Object argument) {
            context.trapExits(true);
            return new ArrayList<>();
        }

        @Override
        public List<String> handle(ProcessContext context, List<String> events, Object message) {
            if (message instanceof Down d) {
                events.add("down " + d.pid().text() + " " + d.reason().kind());
            } else if (message instanceof ExitSignal e) {
                events.add("exit " + e.from().text() + " " + e.reason().kind());
            } else if (message instanceof List<?> l && l.get(0).equals("monitor")) {
                context.monitor((Pid) l.get(1));
            } else if (message instanceof List<?> l && l.get(0).equals("link")) {
                context.link((Pid) l.get(1));
            } else if ("events".equals(message)) {
                context.reply(List.copyOf(events));
            } else if (context.isCall()) {
                context.reply(List.of("echo", message, context.self()));
            }
            return events;
        }
    }

    private MoltRuntime ra;
    private MoltRuntime rb;
    private ClusterNode a;
    private ClusterNode b;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static ClusterSettings settings(String node, int port, List<Integer> peers, String secret) {
        List<InetSocketAddress> p = peers.stream().map(n -> new InetSocketAddress("127.0.0.1", n)).toList();
        return new ClusterSettings("test", node, "127.0.0.1", port, p, secret, Duration.ofMillis(2000),
                Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(1000), Duration.ofMillis(2000),
                Duration.ofMillis(1000), 2, 1 << 16, 1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(30), false);
    }

    @Before
    public void twoNodes() throws Exception {
        ra = new MoltRuntime(RuntimeSettings.defaults());
        rb = new MoltRuntime(RuntimeSettings.defaults());
        ra.register("probe", "1.0.0", new Probe());
        rb.register("probe", "1.0.0", new Probe());
        int pa = freePort();
        int pb = freePort();
        a = ClusterNode.join(settings("a", pa, List.of(pa, pb), "a-good-secret"), ra);
        ra.attachRouter(a);
        b = ClusterNode.join(settings("b", pb, List.of(pa, pb), "a-good-secret"), rb);
        rb.attachRouter(b);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (a.nodes().size() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals("a sees b", 2, a.nodes().size());
    }

    @After
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {a, b}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing
            }
        }
        ra.shutdown();
        rb.shutdown();
    }

    @SuppressWarnings("unchecked")
    private static List<String> events(MoltRuntime r, Pid p) {
        return (List<String>) r.call(p, "events", Duration.ofSeconds(5));
    }

    private static void until(String what, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    public void spawnSendCallMonitorAcrossNodes() {
        Pid onB = a.spawn("b", "probe", "pb", null);
        assertFalse(onB.isLocal());
        assertEquals("b", onB.node());
        Pid watcher = ra.spawn("probe", null, null);
        @SuppressWarnings("unchecked")
        List<Object> echo = (List<Object>) ra.call(onB, "hello", Duration.ofSeconds(5));
        assertEquals(List.of("echo", "hello", onB), echo);
        ra.send(watcher, List.of("monitor", onB));
        ra.send(watcher, List.of("link", onB));
        // The probe on a has handled both (so its WATCH frames went out), and a call from a to b comes
        // after them on the same ordered channel: b has set both watches when it answers.
        events(ra, watcher);
        ra.call(onB, "ping", Duration.ofSeconds(5));
        // kill on b: the monitor and the link on a say so
        assertTrue(rb.kill(new Pid(onB.id()), "test"));
        until("a's probe got a down and an exit signal", () -> events(ra, watcher).size() == 2);
        assertEquals(List.of("down " + onB.text() + " KILLED", "exit " + onB.text() + " KILLED"),
                events(ra, watcher));
    }

    @Test
    public void aNodeThatGoesMeansNoconnectionAtOnceForMonitorsAndCalls() throws Exception {
        Pid onB = b.spawn("b", "probe", null, null);
        Pid remote = new Pid(onB.id(), "b", a.members().find("b", 0).incarnation());
        Pid watcher = ra.spawn("probe", null, null);
        ra.send(watcher, List.of("monitor", remote));
        var call = ra.callAsync(remote, "never answered: b closes", Duration.ofSeconds(60)).toCompletableFuture();
        // the probe answers the call at once, so ask something it holds: monitor first, then close b
        call.join();
        events(ra, watcher); // the monitor request has been handled
        b.close();
        until("a's probe got noconnection", () -> events(ra, watcher).size() == 1);
        assertEquals(List.of("down " + remote.text() + " NOCONNECTION"), events(ra, watcher));
        ProcessExitedException e = assertThrows(ProcessExitedException.class,
                () -> ra.call(remote, "x", Duration.ofSeconds(60)));
        assertEquals(ExitReason.Kind.NOCONNECTION, e.reason().kind());
    }

    @Test
    public void globalNamesAreOneForTheCluster() {
        Pid onA = ra.spawn("probe", null, null);
        a.registerGlobal("svc", onA);
        until("b sees the name", () -> b.whereisGlobal("svc").isPresent());
        assertEquals("a", b.whereisGlobal("svc").get().node());
        Pid onB = rb.spawn("probe", null, null);
        assertThrows(DuplicateNameException.class, () -> b.registerGlobal("svc", onB));
        assertEquals(onA, ra.resolve("svc"));
        ra.kill(onA, "gone");
        until("the name goes with its process", () -> b.whereisGlobal("svc").isEmpty());
        b.registerGlobal("svc", onB);
        until("a sees the new holder", () -> a.whereisGlobal("svc").isPresent());
    }
}
