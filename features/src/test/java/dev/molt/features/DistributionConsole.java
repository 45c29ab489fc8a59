package dev.molt.features;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code bin/molt} of a copy of the Felix distribution with its console on a pipe, as a user's script
 * would start it: in the C locale (where Java 17 would read and write ASCII unless told otherwise), on
 * the JDK of the build. What it prints is collected as it comes; {@link #type} types a line and
 * returns what the console printed before its next prompt.
 */
public final class DistributionConsole implements AutoCloseable {

    public static final long TIMEOUT_MS = 30_000;
    private static final String PROMPT = "g! ";

    private final Process process;
    private final OutputStream keys;
    private final StringBuilder screen = new StringBuilder();
    /** What the console printed before its first prompt. */
    public String greeting;

    private DistributionConsole(Process process) {
        this.process = process;
        this.keys = process.getOutputStream();
        Thread reader = new Thread(this::read, "molt console reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static DistributionConsole start(Path home, String... args) throws Exception {
        return start(home, Map.of(), args);
    }

    /** With {@code env} added to the environment (JAVA_OPTS, say). */
    public static DistributionConsole start(Path home, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/molt").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("LANG", "C");
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        pb.environment().remove("JAVA_OPTS");
        pb.environment().putAll(env);
        // The JDK this test runs on: the build is tested on 17 and on 25, and so is bin/molt.
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        DistributionConsole console = new DistributionConsole(pb.start());
        try {
            console.greeting = console.awaitPrompt(0);
        } catch (AssertionError | RuntimeException e) {
            console.close();
            throw e;
        }
        return console;
    }

    private void read() {
        try (InputStream in = process.getInputStream()) {
            byte[] buf = new byte[4096];
            List<Byte> pending = new ArrayList<>();
            int n;
            while ((n = in.read(buf)) > 0) {
                byte[] chunk = new byte[pending.size() + n];
                for (int i = 0; i < pending.size(); i++) {
                    chunk[i] = pending.get(i);
                }
                System.arraycopy(buf, 0, chunk, pending.size(), n);
                // Keep a UTF-8 sequence cut at the end of the chunk for the next one.
                int cut = chunk.length;
                int back = 0;
                while (back < 3 && cut - back - 1 >= 0 && (chunk[cut - back - 1] & 0xC0) == 0x80) {
                    back++;
                }
                int lead = cut - back - 1;
                if (lead >= 0 && (chunk[lead] & 0xC0) == 0xC0) {
                    int need = (chunk[lead] & 0xE0) == 0xC0 ? 2 : (chunk[lead] & 0xF0) == 0xE0 ? 3 : 4;
                    if (back + 1 < need) {
                        cut = lead;
                    }
                }
                pending.clear();
                for (int i = cut; i < chunk.length; i++) {
                    pending.add(chunk[i]);
                }
                synchronized (screen) {
                    screen.append(new String(chunk, 0, cut, StandardCharsets.UTF_8));
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

    /** Waits for the prompt that follows position {@code from}; returns what came before it. */
    private String awaitPrompt(int from) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        synchronized (screen) {
            int at;
            while ((at = screen.indexOf(PROMPT, from)) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0 || !process.isAlive()) {
                    fail("no prompt within " + TIMEOUT_MS + " ms" + (process.isAlive() ? "" : " (Molt's JVM ended)")
                            + "; the console showed:\n" + tail());
                }
                screen.wait(Math.min(left, 200));
            }
            return screen.substring(from, at);
        }
    }

    /** Types one line and returns what the console printed before its next prompt. */
    public String type(String line) throws Exception {
        int from;
        synchronized (screen) {
            from = screen.length();
        }
        keys.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        keys.flush();
        return awaitPrompt(from);
    }

    /** Types {@code line} until what it prints satisfies {@code done}. */
    public String until(String line, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        String last;
        do {
            last = type(line);
            if (done.test(last)) {
                return last;
            }
        } while (System.nanoTime() < deadline);
        fail("'" + line + "' did not succeed within " + TIMEOUT_MS + " ms; last output: " + last);
        return null;
    }

    /** {@code stop 0} (a clean framework stop: every bundle stops), and the JVM's end. */
    public void stop() throws Exception {
        keys.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
        keys.flush();
        assertTrue("Molt stopped within " + TIMEOUT_MS + " ms; the console showed:\n" + tail(),
                process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    /**
     * kill -9 of Molt's JVM: no bundle stops, nothing is written. bin/molt {@code exec}s java, so the
     * process started is the JVM itself (checked first: a SIGKILL to a shell wrapper would leave the
     * JVM running). SIGKILL ends a Linux process with status 128 + 9.
     */
    public void kill9() throws Exception {
        String command = process.toHandle().info().command().orElse("(unknown)");
        assertTrue("the process bin/molt started is the JVM, not a shell: " + command,
                Path.of(command).getFileName().toString().equals("java"));
        assertEquals("the JVM has no child processes", 0, process.toHandle().children().count());
        process.destroyForcibly();
        assertTrue("killed", process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertEquals("ended by SIGKILL (128 + 9)", 137, process.exitValue());
    }

    /** The last 4000 characters the console showed. */
    public String tail() {
        synchronized (screen) {
            return screen.substring(Math.max(0, screen.length() - 4000));
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
