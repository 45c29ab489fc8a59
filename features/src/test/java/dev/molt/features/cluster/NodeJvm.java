package dev.molt.features.cluster;

import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One Molt node in a JVM of its own: a copy of the Felix distribution (target/molt) with a cluster
 * configuration in its deploy folder, started with {@code bin/molt} and driven through its Gogo
 * console on a pipe, as a script would.
 *
 * <p>Every node started is remembered until it is stopped: {@link #stopAll} (the tests' after-class
 * step) and a shutdown hook kill what is left, so that no JVM outlives the build, even when a test
 * fails. A node whose console reaches the end of its input (the test JVM died) stops its framework
 * itself, as Gogo does.
 */
final class NodeJvm implements AutoCloseable {

    private static final long TIMEOUT_MS = 30_000;
    private static final String PROMPT = "g! ";
    private static final Set<NodeJvm> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(NodeJvm::stopAll, "stop cluster test nodes"));
    }

    final String name;
    final int port;
    final Path home;
    private final Process process;
    private final OutputStream keys;
    private final StringBuilder screen = new StringBuilder();

    private NodeJvm(String name, int port, Path home, Process process) {
        this.name = name;
        this.port = port;
        this.home = home;
        this.process = process;
        this.keys = process.getOutputStream();
        Thread reader = new Thread(this::read, "console of " + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Copies the distribution to {@code home}, writes the node's configuration and starts it; returns
     * when its console prompts (the cluster then joins in the background).
     */
    static NodeJvm start(Path dist, Path home, String name, int port, List<Integer> peers, String secret,
                         Map<String, String> extra, List<Path> deploy) throws Exception {
        dev.molt.features.DistributionCopy.fresh(dist, home);
        for (Path jar : deploy) {
            Files.copy(jar, home.resolve("deploy").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        StringBuilder cfg = new StringBuilder();
        cfg.append("cluster=molt-it\n").append("node=").append(name).append('\n').append("port=").append(port).append('\n');
        cfg.append("peers=").append(String.join(",", peers.stream().map(p -> "127.0.0.1:" + p).toList())).append('\n');
        cfg.append("secret=").append(secret).append('\n');
        // Failure detection in seconds, for test speed: a node cut off is excluded within ~4 s.
        cfg.append("failureTimeoutMillis=3000\nheartbeatMillis=1000\nverifyTimeoutMillis=1000\n");
        cfg.append("mergeMinMillis=1000\nmergeMaxMillis=2000\nfaultCommands=true\n");
        extra.forEach((k, v) -> cfg.append(k).append('=').append(v).append('\n'));
        Files.writeString(home.resolve("deploy/dev.molt.cluster.cfg"), cfg.toString());
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/molt").toString()).directory(home.toFile())
                .redirectErrorStream(true);
        pb.environment().put("JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        NodeJvm node = new NodeJvm(name, port, home, pb.start());
        RUNNING.add(node);
        node.awaitPrompt(0);
        return node;
    }

    private void read() {
        try (InputStream in = process.getInputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (screen) {
                    // Node output is ASCII here (node names, pids, numbers); a cut character is harmless.
                    screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    screen.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            synchronized (screen) {
                screen.notifyAll();
            }
        }
    }

    private String awaitPrompt(int from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        synchronized (screen) {
            int at;
            while ((at = screen.indexOf(PROMPT, from)) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive()) {
                    fail("node " + name + ": no prompt within " + TIMEOUT_MS + " ms" + (process.isAlive() ? "" : " (it ended)")
                            + "; its console showed:\n" + screen.substring(Math.max(0, screen.length() - 4000)));
                }
                screen.wait(Math.min(left, 200));
            }
            return screen.substring(from, at);
        }
    }

    /** Types one line and returns what the console printed before its next prompt. */
    String type(String line) throws Exception {
        return withoutEcho(line, outputOf(typeOnly(line)));
    }

    private static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d (SEVERE|WARNING|INFO) .*|\\s+at .*|Caused by: .*)$");

    /** The console shows warnings of the log (conf/logging.properties) among command output: not output. */
    static String withoutLog(String out) {
        StringBuilder sb = new StringBuilder();
        for (String l : out.split("(?<=\n)")) {
            if (!LOG_LINE.matcher(l.stripTrailing()).matches()) {
                sb.append(l);
            }
        }
        return sb.toString();
    }

    /** The console echoes a line typed while it is still writing (a dumb terminal): drop the echo. */
    static String withoutEcho(String line, String out) {
        int at = out.indexOf(line);
        return at >= 0 && out.substring(0, at).isBlank() ? out.substring(at + line.length()).replaceFirst("^\r?\n", "") : out;
    }

    /** Types one line without waiting for its output; {@link #outputOf} waits for it. */
    int typeOnly(String line) throws IOException {
        int from;
        synchronized (screen) {
            from = screen.length();
        }
        keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
        return from;
    }

    /** What the console printed from {@code from} (a {@link #typeOnly}) until its next prompt. */
    String outputOf(int from) throws InterruptedException {
        return withoutLog(awaitPrompt(from));
    }

    /** Types {@code line} until its output satisfies {@code done}, for at most {@code ms}; returns that output. */
    String until(String line, Predicate<String> done, long ms) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        String out;
        int tries = 0;
        while (!done.test(out = type(line))) {
            if (System.nanoTime() > deadline) {
                fail("node " + name + ": '" + line + "' did not give what was expected within " + ms + " ms ("
                        + tries + " tries); last output:\n" + out);
            }
            tries++;
            Thread.onSpinWait();
        }
        return out;
    }

    /** Waits until this node's view has exactly these nodes. */
    void awaitView(List<String> nodes, long ms) throws Exception {
        until("proc:nodes", out -> names(out).equals(Set.copyOf(nodes)), ms);
    }

    private static final java.util.regex.Pattern NODE_ROW =
            java.util.regex.Pattern.compile("^(\\S+) +[0-9a-f]+ +(coordinator|member)\\b.*$");

    /** The node names of a proc:nodes table (log lines the console shows between are not rows). */
    static Set<String> names(String nodesTable) {
        Set<String> out = new java.util.HashSet<>();
        for (String l : nodesTable.split("\r?\n")) {
            java.util.regex.Matcher m = NODE_ROW.matcher(l.strip());
            if (m.matches()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no goodbye to the cluster. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        RUNNING.remove(this);
    }

    /** Stops the framework from its console, and kills it if that takes too long. */
    @Override
    public void close() {
        RUNNING.remove(this);
        if (!process.isAlive()) {
            return;
        }
        try {
            keys.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            keys.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    static void stopAll() {
        List<NodeJvm> left = new ArrayList<>(RUNNING);
        for (NodeJvm n : left) {
            n.process.destroyForcibly();
        }
        RUNNING.clear();
    }

    @Override
    public String toString() {
        return name + ":" + port;
    }
}
