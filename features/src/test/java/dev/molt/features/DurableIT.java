package dev.molt.features;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.Before;
import org.junit.Test;

/**
 * Durable processes on the Felix distribution as a user runs it: {@code bin/molt} in a copy of
 * target/molt, configured through {@code deploy/dev.molt.runtime.cfg} (FileInstall hands it to
 * ConfigAdmin, PID {@code dev.molt.runtime}), driven through its console on a pipe, each run a JVM of
 * its own, restarted in the same folder.
 *
 * <p>Timers are not covered here: no shell command sets one (no send-after), and the counter sets
 * none. Links and monitors neither: the shell makes none.
 */
public class DurableIT {

    private static final Path BUILT = Paths.get(System.getProperty("molt.dist", "target/molt"));
    private static final int COUNTERS = 20;
    private static final Pattern WROTE = Pattern.compile(
            "wrote a snapshot of (\\d+) processes \\((\\d+) bytes\\) in ([\\d.]+) ms");
    private static final Pattern RESTORED = Pattern.compile(
            "restored (\\d+) processes from the snapshot written at (\\S+)");
    private static final Pattern RESTORES_1 = Pattern.compile("(?m)^restores +1$");

    private Path home;
    private Path log;

    @Before
    public void copyOfTheDistribution() throws IOException {
        home = BUILT.resolveSibling("molt-durable-it");
        DistributionCopy.fresh(BUILT, home);
        log = home.resolve("molt.log");
    }

    /**
     * {@code durable=true}: a clean framework stop ({@code stop 0}) writes one snapshot of every process
     * (and none before: no interval is set), the next start in the same folder restores them: the same
     * pids, names and behaviours, each counter's own count, a message that was still queued behind a
     * busy handler at the stop, {@code restores 1}; a process spawned afterwards gets a pid of its own.
     */
    @Test
    public void aCleanStopAndStartKeepsEveryProcess() throws Exception {
        Files.writeString(home.resolve("deploy/dev.molt.runtime.cfg"), "durable=true\n");
        Map<String, String> before;
        Instant stopping;
        Instant stopped;
        try (DistributionConsole first = DistributionConsole.start(home)) {
            spawnCounters(first);
            // c20 sleeps in its handler while 100 waits in its mailbox, and the stop comes meanwhile:
            // the snapshot is taken at c20's next message boundary, with the 100 still queued (or
            // handled just before, by a runtime that lets user messages go first: the same count).
            first.type("proc:send c20 sleep:1500");
            first.type("proc:send c20 100");
            before = table(first.type("proc:ps"));
            assertEquals(before.toString(), COUNTERS, before.size());
            stopping = Instant.now();
            first.stop();
            stopped = Instant.now();
        }
        List<MatchResult> wrote = lines(log, WROTE);
        assertEquals("one snapshot in the first run, at its stop (no interval set); its log:\n" + read(log),
                1, wrote.size());
        assertEquals(wrote.get(0).group(), COUNTERS, Integer.parseInt(wrote.get(0).group(1)));
        Path snapshot = theSnapshot();
        assertEquals("the snapshot file " + snapshot + " is the one the log reports: " + wrote.get(0).group(),
                Long.parseLong(wrote.get(0).group(2)), Files.size(snapshot));

        try (DistributionConsole second = DistributionConsole.start(home)) {
            MatchResult restored = awaitLines(log, RESTORED, 1, "the restore").get(0);
            assertEquals(restored.group(), COUNTERS, Integer.parseInt(restored.group(1)));
            Instant written = instant(restored.group(2));
            assertFalse(restored.group() + ": written before the stop began at " + stopping,
                    written.isBefore(stopping.truncatedTo(ChronoUnit.SECONDS)));
            assertFalse(restored.group() + ": written after the JVM ended at " + stopped, written.isAfter(stopped));

            second.until("proc:ps", out -> table(out).equals(before));
            // The first call also waits for the counter behaviour to register (restored processes wait
            // for it, their mailboxes accepting).
            second.until("proc:call c7 get", out -> out.equals("7\n"));
            for (int i = 1; i <= COUNTERS; i++) {
                assertEquals("c" + i, (i == COUNTERS ? i + 100 : i) + "\n", second.type("proc:call c" + i + " get"));
            }
            String info = second.type("proc:info c7");
            assertTrue(info, RESTORES_1.matcher(info).find());
            assertTrue(info, info.contains("\nhandovers  "));
            String queued = second.type("proc:info c20");
            assertTrue(queued, RESTORES_1.matcher(queued).find());
            assertANewProcessGetsANewPid(second, before);
            second.stop();
        }
    }

    /**
     * {@code durable=true, snapshotIntervalSeconds=1}, and kill -9: the next start brings every process
     * back as of the last snapshot written. The counts set before the two snapshots the test waits for
     * are all there; an increment handled after them is lost, unless a newer snapshot reached the disk
     * before the kill.
     *
     * <p>Deterministic either way: the test hashes the snapshot file just before it sends the last
     * increment, and again after the kill. If the file is still the same bytes, the snapshot the
     * runtime restores from was written before the increment was sent, so the increment must be lost
     * (c1 back to 1: what was handled since the last snapshot is lost). If the file changed, a snapshot
     * written meanwhile may hold it or not, and either count is right. The test sends the increment
     * right after a snapshot's log line, a second before the next one is due, so nearly every run is
     * of the first kind; it prints which.
     */
    @Test
    public void aKilledJvmComesBackFromTheLastPeriodicSnapshot() throws Exception {
        Files.writeString(home.resolve("deploy/dev.molt.runtime.cfg"), "durable=true\nsnapshotIntervalSeconds=1\n");
        Map<String, String> before;
        Instant changed;
        String hashBefore;
        Instant sent;
        try (DistributionConsole first = DistributionConsole.start(home)) {
            spawnCounters(first);
            for (int i = 1; i <= COUNTERS; i++) { // every increment handled
                assertEquals("c" + i, i + "\n", first.type("proc:call c" + i + " get"));
            }
            before = table(first.type("proc:ps"));
            assertEquals(before.toString(), COUNTERS, before.size());
            changed = Instant.now();
            // Two more snapshot lines: the second snapshot began after the first ended, so after every
            // count above was set (snapshots do not overlap).
            int seen = lines(log, WROTE).size();
            List<MatchResult> wrote = awaitLines(log, WROTE, seen + 2, "two snapshots after the last change");
            MatchResult last = wrote.get(wrote.size() - 1);
            assertEquals(last.group(), COUNTERS, Integer.parseInt(last.group(1)));

            hashBefore = hash(theSnapshot());
            sent = Instant.now();
            first.type("proc:send c1 1000");
            assertEquals("1001\n", first.type("proc:call c1 get"));
            first.kill9();
        }
        String hashAfter = hash(theSnapshot());
        boolean sameSnapshot = hashAfter.equals(hashBefore);

        try (DistributionConsole second = DistributionConsole.start(home)) {
            MatchResult restored = awaitLines(log, RESTORED, 1, "the restore").get(0);
            assertEquals(restored.group(), COUNTERS, Integer.parseInt(restored.group(1)));
            Instant written = instant(restored.group(2));
            assertFalse(restored.group() + ": a snapshot older than the last change at " + changed,
                    written.isBefore(changed.truncatedTo(ChronoUnit.SECONDS)));

            second.until("proc:ps", out -> table(out).equals(before));
            second.until("proc:call c2 get", out -> out.equals("2\n"));
            for (int i = 2; i <= COUNTERS; i++) {
                assertEquals("c" + i, i + "\n", second.type("proc:call c" + i + " get"));
            }
            String c1 = second.type("proc:call c1 get");
            if (sameSnapshot) {
                assertEquals("c1: the snapshot on disk was written before the increment of " + sent
                        + " was sent, so that increment is lost", "1\n", c1);
                System.out.println("DurableIT: no snapshot between the last increment and the kill; c1 lost it");
            } else {
                assertTrue("c1: " + c1, c1.equals("1\n") || c1.equals("1001\n"));
                System.out.println("DurableIT: a snapshot was written between the last increment and the kill; c1 = "
                        + c1.strip());
            }
            String info = second.type("proc:info c1");
            assertTrue(info, RESTORES_1.matcher(info).find());
            assertANewProcessGetsANewPid(second, before);
            second.stop();
        }
    }

    /** Spawns c1..c20 and sends c<i> i increments. */
    /** A process spawned after the restore gets a pid none of the restored processes ({@code before}, by pid) had. */
    private static void assertANewProcessGetsANewPid(DistributionConsole console, Map<String, String> before) throws Exception {
        String fresh = console.type("proc:spawn counter --name fresh").strip();
        assertTrue(fresh, fresh.matches("\\d+"));
        assertFalse("a new process's pid " + fresh + " is none of the restored ones: " + before.keySet(),
                before.containsKey(fresh));
    }

    private static void spawnCounters(DistributionConsole console) throws Exception {
        // The first spawn also waits for FileInstall to start the counter bundle.
        console.until("proc:spawn counter --name c1", out -> out.strip().matches("\\d+"));
        for (int i = 2; i <= COUNTERS; i++) {
            String pid = console.type("proc:spawn counter --name c" + i).strip();
            assertTrue(pid, pid.matches("\\d+"));
        }
        for (int i = 1; i <= COUNTERS; i++) {
            for (int n = 0; n < i; n++) {
                assertEquals("", console.type("proc:send c" + i + " inc").strip());
            }
        }
    }

    /** proc:ps's process table as pid -> "name behaviour" (not the columns that change: mailbox, handled). */
    private static Map<String, String> table(String ps) {
        Map<String, String> rows = new TreeMap<>();
        String[] lines = ps.split("\n\n")[0].strip().split("\n");
        if (lines.length == 0 || !lines[0].strip().startsWith("ID")) {
            return rows;
        }
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].strip().split("\\s+");
            if (cells.length >= 3) {
                rows.put(cells[0], cells[1] + " " + cells[2]);
            }
        }
        return rows;
    }

    /** The one snapshot file in the distribution's folder, wherever the runtime keeps it. */
    private Path theSnapshot() throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.walk(home)) {
            found = files.filter(p -> p.getFileName().toString().equals("snapshot.cbor")).toList();
        }
        assertEquals("one snapshot.cbor in " + home + " (the runtime's data area)", 1, found.size());
        assertTrue(found.get(0) + " is not empty", Files.size(found.get(0)) > 0);
        return found.get(0);
    }

    private static String hash(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static List<MatchResult> lines(Path log, Pattern pattern) throws IOException {
        List<MatchResult> found = new ArrayList<>();
        Matcher m = pattern.matcher(read(log));
        while (m.find()) {
            found.add(m.toMatchResult());
        }
        return found;
    }

    /**
     * Waits until {@code log} holds {@code count} lines matching {@code pattern} (JUL's FileHandler
     * flushes every record); fails after {@link DistributionConsole#TIMEOUT_MS}.
     */
    private static List<MatchResult> awaitLines(Path log, Pattern pattern, int count, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DistributionConsole.TIMEOUT_MS);
        for (;;) {
            List<MatchResult> found = lines(log, pattern);
            if (found.size() >= count) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": " + count + " lines like '" + pattern + "' in " + log + " within "
                        + DistributionConsole.TIMEOUT_MS + " ms, found " + found.size() + "; the log:\n" + read(log));
            }
            Thread.sleep(20); // a poll with a deadline: the log is a file
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The instant of a log line: ISO-8601 (an instant, or a date-time with an offset). */
    private static Instant instant(String text) {
        String t = text.replaceAll("[^0-9A-Za-z]+$", "");
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException notAnInstant) {
            return OffsetDateTime.parse(t).toInstant();
        }
    }
}
