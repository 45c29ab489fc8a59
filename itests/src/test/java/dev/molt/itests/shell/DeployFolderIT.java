package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeReport;
import dev.molt.itests.CounterJars;
import dev.molt.testkit.MoltOptions;

/**
 * The distribution's deploy folder: FileInstall installs deploy/counter.jar, and replacing
 * that file with version 2 upgrades the behaviour, atomically by default, or rolling when the
 * runtime's deployUpgrade setting says so; a jar with no migration path is refused with a line in
 * the log; removing the jar removes the behaviour.
 */
@RunWith(PaxExam.class)
public class DeployFolderIT extends ShellTestSupport {

    private static final Path DEPLOY = Paths.get(System.getProperty("molt.target", "target"), "deploy-it");

    @Configuration
    public Option[] config() throws Exception {
        Files.createDirectories(DEPLOY);
        try (var old = Files.list(DEPLOY)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        put(url("dev.molt.counter-v1"));
        return options(shellBundles(false),
                frameworkProperty("felix.fileinstall.dir").value(DEPLOY.toAbsolutePath().toString()),
                frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                frameworkProperty("felix.fileinstall.poll").value("100"),
                // FileInstall writes a configuration back to its file when ConfigurationAdmin
                // reports the update, reading the configuration as it is when the event arrives
                // (asynchronously) and overlaying it on the file as it is then. A second edit of
                // the file written before that event arrives is overwritten with the first edit's
                // values, and FileInstall's checksum marks the file as seen: the second edit is
                // lost. These tests edit the file twice in a row, so the write-back is off.
                frameworkProperty("felix.fileinstall.enableConfigSave").value("false"),
                // The deploy bundle starts first, so that FileInstall's first scan finds its installer.
                MoltOptions.fromClasspath("dev.molt.deploy"),
                bundle(url("felix.fileinstall")));
    }

    /**
     * Puts the folder back as {@link #config} made it: the framework of the next test starts from
     * it (Pax Exam reads the configuration once per class and starts a framework per test).
     */
    @After
    public void restoreFolder() throws Exception {
        Files.deleteIfExists(DEPLOY.resolve("dev.molt.runtime.cfg"));
        put(url("dev.molt.counter-v1"));
    }

    /** Replaces deploy/counter.jar in one step, so FileInstall never sees half a jar. */
    private static void put(String jarUrl) throws Exception {
        put("counter.jar", Files.readAllBytes(new File(URI.create(jarUrl)).toPath()));
    }

    /** Writes deploy/{@code name} in one step: staged beside the folder, then moved in. */
    private static void put(String name, byte[] content) throws Exception {
        Path staged = Files.createTempFile(DEPLOY.getParent(), "staged", ".tmp");
        Files.write(staged, content);
        Files.move(staged, DEPLOY.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes deploy/dev.molt.runtime.cfg and waits until the runtime's service shows every setting. */
    private void configure(String... keyValues) throws Exception {
        StringBuilder cfg = new StringBuilder();
        for (int i = 0; i < keyValues.length; i += 2) {
            cfg.append(keyValues[i]).append('=').append(keyValues[i + 1]).append('\n');
        }
        put("dev.molt.runtime.cfg", cfg.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await("the runtime to take " + cfg, () -> {
            ServiceReference<ProcessRuntime> ref = context.getServiceReference(ProcessRuntime.class);
            for (int i = 0; ref != null && i < keyValues.length; i += 2) {
                if (!keyValues[i + 1].equals(String.valueOf(ref.getProperty(keyValues[i])))) {
                    return false;
                }
            }
            return ref != null;
        });
    }

    private List<Bundle> counterBundles() {
        return Arrays.stream(context.getBundles()).filter(b -> "dev.molt.examples.counter".equals(b.getSymbolicName()))
                .collect(Collectors.toList());
    }

    @Test
    public void withDeployUpgradeRollingReplacingTheJarMovesTheProcessesOneBatchAtATime() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        configure("deployUpgrade", "rolling", "rollingBatch", "2");
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Pid p = runtime.spawn("counter", "r" + i, i);
            runtime.send(p, 100);
            pids.add(p);
        }
        Bundle v1 = counterBundles().get(0);

        put(url("dev.molt.counter-v2"));
        UpgradeReport r = awaitReport("counter", "the rolling upgrade from the deploy folder",
                x -> x.toVersion().equals("2.0.0") && x.outcome() == UpgradeReport.Outcome.COMPLETED);
        assertEquals(UpgradeMode.ROLLING, r.mode());
        assertEquals(20, r.migrated());
        for (int i = 0; i < 20; i++) {
            assertEquals("2.0.0", call(pids.get(i), "version"));
            assertEquals(100L + i, call(pids.get(i), "get"));
        }
        await("the old bundle to be uninstalled", () -> v1.getState() == Bundle.UNINSTALLED);
        assertEquals(List.of("2.0.0"), counterBundles().stream().map(b -> b.getVersion().toString()).collect(Collectors.toList()));

        // The jar replaced again: the deploy folder follows the bundle the rolling upgrade left.
        put(url("dev.molt.counter-v1"));
        awaitReport("counter", "the rolling upgrade back", x -> x.toVersion().equals("1.0.0")
                && x.outcome() == UpgradeReport.Outcome.COMPLETED);
        assertEquals(119L, call(pids.get(19), "get"));

        // Removing the jar removes the behaviour, as it would any bundle.
        Files.delete(DEPLOY.resolve("counter.jar"));
        await("the counter bundles to be uninstalled", () -> counterBundles().isEmpty());
    }

    @Test
    public void aJarWithNoMigrationPathIsRefusedWithALineAndTheRunningVersionStays() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        configure("historySize", "7", "deployUpgrade", "atomic");
        put("dev.molt.runtime.cfg", "historySize=8\ndeployUpgrade=sideways\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await("the warning on the bad setting", () -> log.entries().stream().anyMatch(e -> e.message().equals(
                "deployUpgrade = 'sideways' is not a mode for the deploy folder; use atomic or rolling. The deploy folder stays atomic")));
        log.expect("deployUpgrade = 'sideways'");
        ServiceReference<ProcessRuntime> ref = context.getServiceReference(ProcessRuntime.class);
        await("the other setting to apply", () -> "8".equals(String.valueOf(ref.getProperty("historySize"))));
        assertEquals("the mode in force is published, not the bad value", "atomic", ref.getProperty("deployUpgrade"));
        Pid p = runtime.spawn("counter", "c1", 3);
        Bundle v1 = counterBundles().get(0);

        put("counter.jar", Files.readAllBytes(CounterJars.withImportsFrom("dev.molt.counter-v2", "2.5.0", "[2.0,3.0)")));
        String expected = "deploy folder: counter.jar was not applied: cannot upgrade counter to 2.5.0: it imports from [2.0,3.0),"
                + " but processes run 1.0.0 (1 process); upgrade them to a version in that range first, or deploy one that"
                + " imports from them. Nothing was changed; the running version stays. Put a fixed jar in its place";
        await("the refusal in the log", () -> log.entries().stream().anyMatch(e -> e.message().equals(expected)));
        log.expect("deploy folder: counter.jar was not applied");
        assertEquals(List.of(v1), counterBundles());
        assertEquals("1.0.0", v1.getVersion().toString());
        assertEquals(Bundle.ACTIVE, v1.getState());
        assertEquals(3L, call(p, "get"));
        assertEquals(List.of(), reports("counter"));

        // A fixed jar in its place is applied, atomically: the bad setting changed nothing.
        put(url("dev.molt.counter-v2"));
        UpgradeReport r = awaitReport("counter", "the upgrade to the fixed jar", x -> x.toVersion().equals("2.0.0"));
        assertEquals(UpgradeMode.ATOMIC, r.mode());
        assertEquals(3L, call(p, "get"));
        log.assertNothingUnexpected();
    }

    /** The deploy bundle stays while the runtime is away: a replaced jar is then a plain bundle update. */
    @Test
    public void withoutTheRuntimeAReplacedJarIsAPlainBundleUpdate() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Bundle runtimeBundle = Arrays.stream(context.getBundles())
                .filter(b -> "dev.molt.mailbox-service".equals(b.getSymbolicName())).findFirst().orElseThrow();
        Bundle counter = counterBundles().get(0);
        runtimeBundle.stop();
        try {
            put(url("dev.molt.counter-v2"));
            await("the counter bundle to be updated in place", () -> "2.0.0".equals(counter.getVersion().toString())
                    && counter.getState() == Bundle.ACTIVE);
            assertEquals(List.of(counter), counterBundles());
        } finally {
            runtimeBundle.start();
        }
        await("the runtime to be back", () -> context.getServiceReference(ProcessRuntime.class) != null);
        runtime = context.getService(context.getServiceReference(ProcessRuntime.class)); // the injected one ended with its bundle
        awaitBehaviour("counter", "2.0.0");
        // And with the runtime back, the folder goes through it again.
        put(url("dev.molt.counter-v1"));
        UpgradeReport r = awaitReport("counter", "the upgrade through the runtime", x -> x.toVersion().equals("1.0.0"));
        assertEquals(UpgradeMode.ATOMIC, r.mode());
    }

    /** The README's way to set the runtime in the distribution: a .cfg file in deploy/. */
    @Test
    public void aCfgFileInDeploySetsTheRuntime() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        put("dev.molt.runtime.cfg", "# kept: the last upgrade report only\nhistorySize=1\nupgradeTimeoutMillis=4321\n"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        await("the runtime to take the settings of deploy/dev.molt.runtime.cfg", () -> {
            ServiceReference<ProcessRuntime> ref = context.getServiceReference(ProcessRuntime.class);
            return ref != null && "4321".equals(String.valueOf(ref.getProperty("upgradeTimeoutMillis")))
                    && "1".equals(String.valueOf(ref.getProperty("historySize")));
        });
        shell.ok("proc:spawn counter --name c1 5");

        put(url("dev.molt.counter-v2"));
        awaitBehaviour("counter", "2.0.0");
        put(url("dev.molt.counter-v1"));
        awaitBehaviour("counter", "1.0.0");
        assertEquals("5\n", shell.ok("proc:call c1 get"));
        // Two upgrades, and the history keeps one: the second, with its note (1.0.0 has no history field).
        String[] history = shell.ok("proc:history").split("\n");
        assertEquals(String.join("\n", history), 3, history.length);
        assertTrue(history[1], history[1].matches("\\S+ \\S+  counter    2\\.0\\.0  1\\.0\\.0  atomic  completed         1     0       0 .*"));
        assertEquals("  1. counter 2.0.0 -> 1.0.0: dropped State.history (1)", history[2]);
    }

    @Test
    public void replacingTheJarInDeployMigratesTheCounters() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1");
        shell.ok("proc:send c1 7");
        assertEquals("7\n", shell.ok("proc:call c1 get"));

        put(url("dev.molt.counter-v2"));
        awaitBehaviour("counter", "2.0.0");
        // Processes move at their next message boundary; the call below is such a boundary.
        assertEquals("2.0.0\n", shell.ok("proc:call c1 version"));
        assertEquals("7\n", shell.ok("proc:call c1 get"));
        String info = shell.ok("proc:info c1");
        assertTrue(info, info.endsWith("state      State{total=7, lastSeq={}, outOfOrder=0, history=[\"1.0.0 -> 2.0.0\"]}\n"));
        String ps = shell.ok("proc:ps counter");
        assertTrue(ps, ps.matches("(?s).*\\bc1\\s+counter\\s+2\\.0\\.0\\s+RUNNING\\b.*"));
    }
}
