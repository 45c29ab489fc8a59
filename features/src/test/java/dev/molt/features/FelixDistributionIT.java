package dev.molt.features;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Test;

/**
 * The Felix distribution as a user starts it: {@code bin/molt} in a copy of target/molt, its
 * console typed into through stdin (a pipe, as a script would), in the C locale, where Java 17
 * would read and write ASCII unless told otherwise.
 */
public class FelixDistributionIT {

    private static final long TIMEOUT_MS = 30_000;
    private static final Path BUILT = Paths.get(System.getProperty("molt.dist", "target/molt"));

    private Path home;

    @Before
    public void copyOfTheDistribution() throws IOException {
        home = BUILT.resolveSibling("molt-it");
        DistributionCopy.fresh(BUILT, home);
    }

    @Test
    public void aNonAsciiNameTypedAtTheConsoleArrivesAsTyped() throws Exception {
        try (DistributionConsole console = DistributionConsole.start(home)) {
            assertEquals("zoë_Ω\n", console.type("echo zoë_Ω"));
            String pid = console.until("proc:spawn counter --name zoë_Ω 4", out -> out.strip().matches("\\d+")).strip();
            assertEquals("4\n", console.type("proc:call zoë_Ω get"));
            String ps = console.type("proc:ps");
            assertTrue(ps, ps.matches("(?s).*\\b" + pid + "  zoë_Ω +counter .*"));
            console.stop();
        }
    }

    /** On Java 25 the JVM warns about Felix's sun.misc.Unsafe use unless bin/molt allows it (from Java 23). */
    @Test
    public void startsWithoutWarningsOnThisJdk() throws Exception {
        try (DistributionConsole console = DistributionConsole.start(home)) {
            assertFalse("bin/molt on Java " + Runtime.version().feature() + " printed:\n" + console.greeting,
                    console.greeting.contains("WARNING"));
            console.stop();
        }
    }

    @Test
    public void everyStartIsACleanStart() throws Exception {
        try (DistributionConsole first = DistributionConsole.start(home)) {
            first.until("proc:spawn counter --name c1", out -> out.strip().matches("\\d+"));
            // The walk-through's second way to upgrade: a new jar in deploy/.
            Path staged = Files.createTempFile(home, "counter", ".tmp");
            Files.copy(home.resolve("examples/counter-v2.jar"), staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, home.resolve("deploy/counter.jar"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            first.until("proc:call c1 version", out -> out.equals("2.0.0\n"));
            first.stop();
        }
        assertTrue("the first run's log", Files.readString(home.resolve("molt.log")).contains("1.0.0 -> 2.0.0"));

        try (DistributionConsole second = DistributionConsole.start(home)) {
            second.until("proc:spawn counter --name c1", out -> out.strip().matches("\\d+"));
            assertEquals("1.0.0\n", second.type("proc:call c1 version"));
            String processes = second.type("proc:ps").split("\n\n")[0]; // the process table, before the versions
            assertEquals(processes, 1, processes.strip().split("\n").length - 1);
            second.stop();
        }
        // JUL opens molt.log at the first record of the run; this run logged nothing from INFO up.
        Path log = home.resolve("molt.log");
        assertFalse("molt.log holds this run only", Files.exists(log) && Files.readString(log).contains("1.0.0 -> 2.0.0"));
        assertTrue("molt.log.1 the run before", Files.readString(home.resolve("molt.log.1")).contains("1.0.0 -> 2.0.0"));

        Files.copy(home.resolve("examples/counter-v2.jar"), home.resolve("deploy/counter.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        try (DistributionConsole kept = DistributionConsole.start(home, "--keep-deploy")) {
            kept.until("proc:spawn counter --name c1", out -> out.strip().matches("\\d+"));
            assertEquals("2.0.0\n", kept.type("proc:call c1 version"));
            kept.stop();
        }
    }

    /**
     * The web console set the distribution ships in webconsole/ starts when copied to deploy/, as
     * the README says: the Molt page and its JSON API answer with the Web Console's default login,
     * and the API lists a process spawned at the console.
     */
    @Test
    public void theWebConsoleCopiedToDeployServesTheMoltPage() throws Exception {
        try (java.nio.file.DirectoryStream<Path> jars = Files.newDirectoryStream(home.resolve("webconsole"), "*.jar")) {
            for (Path jar : jars) {
                Files.copy(jar, home.resolve("deploy").resolve(jar.getFileName()));
            }
        }
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String opts = "-Dorg.osgi.service.http.port=" + port + " -Dorg.apache.felix.http.host=127.0.0.1";
        try (DistributionConsole console = DistributionConsole.start(home, java.util.Map.of("JAVA_OPTS", opts))) {
            console.until("proc:spawn counter --name web1 7", out -> out.strip().matches("\\d+"));
            String base = "http://127.0.0.1:" + port + "/system/console/molt";
            String page = awaitOk(base, "the Molt page of the web console");
            assertTrue(page, page.contains("Molt"));
            String processes = awaitOk(base + "/api/processes", "the web console's process list");
            assertTrue(processes, processes.contains("\"web1\""));
            console.stop();
        }
    }

    /** GETs {@code url} with the Web Console's default login until it answers 200; its body. */
    private static String awaitOk(String url, String what) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(5)).build();
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                .header("Authorization", basic).timeout(java.time.Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        String last = "no answer";
        long pause = 10;
        while (System.nanoTime() < deadline) {
            try {
                java.net.http.HttpResponse<String> r = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                last = "HTTP " + r.statusCode() + ": " + r.body();
            } catch (java.io.IOException notYet) {
                last = notYet.toString(); // Jetty not listening yet, or the plugin not registered yet
            }
            Thread.sleep(pause); // a poll with a deadline: the web console says nothing when it is up
            pause = Math.min(200, pause * 2);
        }
        fail(what + " did not answer within " + TIMEOUT_MS + " ms at " + url + "; last: " + last);
        return null;
    }
}
