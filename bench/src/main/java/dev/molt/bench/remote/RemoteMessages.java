package dev.molt.bench.remote;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Messages between two JVMs on this machine: remote ping-pong and remote fan-in, for Molt's cluster
 * (JGroups, TCP, encrypted) and for Pekko remoting (Artery, TCP), the same work in the same run.
 *
 * <p>This JVM is the driver: it starts the peer JVM (the same class path and flags), sets its own
 * side up, and times each round from the first send until the last message was handled (the
 * driver's side learns it from a "done" message of the peer, or from the last pong). The JVM's
 * figure is the median rate of its timed rounds, written to the properties file with the rounds.
 * <ul>
 * <li>ping-pong: one process on each side bounce a message {@link #ROUND_TRIPS} times: the latency
 * of a remote hop, one message in flight.</li>
 * <li>fan-in: {@link #SENDERS} threads of the driver send {@link #PER_SENDER} messages each to one
 * process on the peer: throughput of one node to another.</li>
 * </ul>
 *
 * <p>Usage: {@code RemoteMessages molt|pekko pingpong|fanin WARMUPS ROUNDS OUTPUT.properties KEY};
 * the peer is {@code RemoteMessages peer molt|pekko DRIVER_PORT PEER_PORT}.
 */
public final class RemoteMessages {

    static final int ROUND_TRIPS = 20_000;
    static final int SENDERS = 4;
    static final int PER_SENDER = 100_000;
    static final String SECRET = "bench-cluster-secret";

    /** One side of a system: the driver's or the peer's. */
    interface Side extends AutoCloseable {
        /** Runs one round and returns the messages it carried (driver side only). */
        long round(String workload) throws Exception;

        /** Whether both sides see each other (peer found, names resolved). */
        void connect() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("peer")) {
            peer(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        String system = args[0];
        String workload = args[1];
        int warmups = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        String key = args[5];
        int driverPort = freePort();
        int peerPort = freePort();
        Process peer = startPeer(system, driverPort, peerPort);
        try (Side side = system.equals("molt") ? MoltRemote.driver(driverPort, peerPort)
                : PekkoRemote.driver(driverPort, peerPort)) {
            side.connect();
            double[] rates = new double[rounds];
            for (int r = -warmups; r < rounds; r++) {
                long t0 = System.nanoTime();
                long messages = side.round(workload);
                long t1 = System.nanoTime();
                if (r >= 0) {
                    rates[r] = messages / ((t1 - t0) / 1e9);
                }
            }
            double[] sorted = rates.clone();
            Arrays.sort(sorted);
            double median = sorted[sorted.length / 2];
            StringBuilder sb = new StringBuilder();
            sb.append(key).append(".rate=").append(String.format(Locale.ROOT, "%.0f", median)).append('\n');
            sb.append(key).append(".rounds=").append(String.join(",", Arrays.stream(rates)
                    .mapToObj(x -> String.format(Locale.ROOT, "%.0f", x)).toList())).append('\n');
            Files.writeString(out, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.printf(Locale.ROOT, "%s %s remote %s: median %.0f msgs/s over %d rounds %s%n", key, system, workload,
                    median, rounds, Arrays.toString(Arrays.stream(rates).mapToLong(Math::round).toArray()));
        } finally {
            peer.getOutputStream().close(); // the peer ends when its input does
            if (!peer.waitFor(20, TimeUnit.SECONDS)) {
                peer.destroyForcibly();
            }
        }
    }

    private static void peer(String system, int driverPort, int peerPort) throws Exception {
        try (Side side = system.equals("molt") ? MoltRemote.peer(driverPort, peerPort)
                : PekkoRemote.peer(driverPort, peerPort)) {
            System.out.println("ready");
            System.out.flush();
            // Serve until the driver closes our input (or dies: the pipe closes then too).
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // nothing is said on it
            }
        }
        System.exit(0);
    }

    private static Process startPeer(String system, int driverPort, int peerPort) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ProcessHandleArgs.jvmFlags());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(RemoteMessages.class.getName());
        cmd.addAll(List.of("peer", system, String.valueOf(driverPort), String.valueOf(peerPort)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null && !line.equals("ready")) {
            System.err.println("peer: " + line); // a warning of its set-up
        }
        if (line == null) {
            p.destroyForcibly();
            throw new IllegalStateException("the peer JVM did not start");
        }
        return p;
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The flags this JVM was started with (heap, GC), for the peer. */
    static final class ProcessHandleArgs {
        private ProcessHandleArgs() {
        }

        static List<String> jvmFlags() {
            List<String> out = new ArrayList<>();
            for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (a.startsWith("-X") || a.startsWith("--sun-misc")) {
                    out.add(a);
                }
            }
            return out;
        }
    }
}
