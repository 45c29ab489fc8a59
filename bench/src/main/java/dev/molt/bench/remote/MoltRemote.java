package dev.molt.bench.remote;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.cluster.ClusterNode;
import dev.molt.cluster.ClusterSettings;
import dev.molt.runtime.MoltRuntime;

/**
 * Molt's side of {@link RemoteMessages}: a runtime (the harness's settings: two workers) and a
 * cluster node on loopback, with the defaults a user gets (SYM_ENCRYPT and AUTH on, UNICAST3), the
 * peer's processes found by global name.
 */
final class MoltRemote implements RemoteMessages.Side {

    /** The peer's: answers a ping {@code [from, n]} with {@code [self, n]}. */
    static final class Pong implements Behaviour<Object> {
        @Override
        public Object init(ProcessContext context, Object argument) {
            return "pong";
        }

        @Override
        public Object handle(ProcessContext context, Object state, Object message) {
            List<?> ping = (List<?>) message;
            context.runtime().send((Pid) ping.get(0), List.of(context.self(), ping.get(1)));
            return state;
        }
    }

    /** The peer's: counts; {@code [expect, N, notify]} starts a round that ends with "done" to notify. */
    static final class Sink implements Behaviour<long[]> {
        private Pid notify;

        @Override
        public long[] init(ProcessContext context, Object argument) {
            return new long[2]; // count, expected
        }

        @Override
        public long[] handle(ProcessContext context, long[] s, Object message) {
            if (message instanceof List<?> l) {
                s[0] = 0;
                s[1] = ((Number) l.get(1)).longValue();
                notify = (Pid) l.get(2);
            } else {
                s[0]++;
            }
            if (s[1] > 0 && s[0] == s[1]) {
                s[1] = 0;
                context.runtime().send(notify, "done");
            }
            return s;
        }
    }

    /** The driver's: bounces with the pong until the round's trips are done. */
    static final class Ping implements Behaviour<Object> {
        /** Set by the driver's thread before a round's first send (volatile: the worker reads it). */
        volatile CountDownLatch done;

        @Override
        public Object init(ProcessContext context, Object argument) {
            return "ping";
        }

        @Override
        public Object handle(ProcessContext context, Object state, Object message) {
            List<?> l = (List<?>) message;
            if (l.get(0).equals("start")) {
                context.runtime().send((Pid) l.get(1), List.of(context.self(), l.get(2)));
                return state;
            }
            int n = ((Number) l.get(1)).intValue();
            if (n <= 1) {
                done.countDown();
            } else {
                context.runtime().send((Pid) l.get(0), List.of(context.self(), n - 1));
            }
            return state;
        }
    }

    /** The driver's: counts a round's "done" down. */
    static final class Notify implements Behaviour<Object> {
        /** As Ping's. */
        volatile CountDownLatch done;

        @Override
        public Object init(ProcessContext context, Object argument) {
            return "notify";
        }

        @Override
        public Object handle(ProcessContext context, Object state, Object message) {
            done.countDown();
            return state;
        }
    }

    private final MoltRuntime runtime;
    private final ClusterNode node;
    private final Ping ping = new Ping();
    private final Notify notify = new Notify();
    private Pid pingPid;
    private Pid notifyPid;
    private Pid pong;
    private Pid sink;

    private MoltRemote(String name, int port, int driverPort, int peerPort) throws Exception {
        runtime = (MoltRuntime) MoltSupport.start();
        ClusterSettings s = new ClusterSettings("bench", name, "127.0.0.1", port,
                List.of(new InetSocketAddress("127.0.0.1", driverPort), new InetSocketAddress("127.0.0.1", peerPort)),
                RemoteMessages.SECRET, Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofMillis(1500),
                Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(1), 3, 1 << 20, 1 << 20,
                Duration.ofSeconds(10), Duration.ofSeconds(60), false);
        node = ClusterNode.join(s, runtime);
        runtime.attachRouter(node);
    }

    static MoltRemote peer(int driverPort, int peerPort) throws Exception {
        MoltRemote m = new MoltRemote("peer", peerPort, driverPort, peerPort);
        m.runtime.register("pong", "1.0.0", new Pong());
        m.runtime.register("sink", "1.0.0", new Sink());
        m.node.registerGlobal("pong", m.runtime.spawn("pong", null, null));
        m.node.registerGlobal("sink", m.runtime.spawn("sink", null, null));
        return m;
    }

    static MoltRemote driver(int driverPort, int peerPort) throws Exception {
        MoltRemote m = new MoltRemote("driver", driverPort, driverPort, peerPort);
        m.runtime.register("ping", "1.0.0", m.ping);
        m.runtime.register("notify", "1.0.0", m.notify);
        m.pingPid = m.runtime.spawn("ping", null, null);
        m.notifyPid = m.runtime.spawn("notify", null, null);
        return m;
    }

    @Override
    public void connect() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (node.whereisGlobal("pong").isEmpty() || node.whereisGlobal("sink").isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the peer's processes were not found within 60 s; view " + node.nodes());
            }
            Thread.sleep(10); // set-up, not timed
        }
        pong = node.whereisGlobal("pong").get();
        sink = node.whereisGlobal("sink").get();
    }

    @Override
    public long round(String workload) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        if (workload.equals("pingpong")) {
            ping.done = done;
            runtime.send(pingPid, List.of("start", pong, RemoteMessages.ROUND_TRIPS));
            await(done);
            return 2L * RemoteMessages.ROUND_TRIPS;
        }
        notify.done = done;
        long total = (long) RemoteMessages.SENDERS * RemoteMessages.PER_SENDER;
        runtime.send(sink, List.of("expect", total, notifyPid));
        Thread[] senders = new Thread[RemoteMessages.SENDERS];
        Integer one = 1;
        for (int i = 0; i < senders.length; i++) {
            senders[i] = new Thread(() -> {
                for (int k = 0; k < RemoteMessages.PER_SENDER; k++) {
                    runtime.send(sink, one);
                }
            });
            senders[i].start();
        }
        for (Thread t : senders) {
            t.join();
        }
        await(done);
        return total;
    }

    static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a round did not finish within 120 s");
        }
    }

    @Override
    public void close() {
        node.close();
        runtime.shutdown();
    }
}
