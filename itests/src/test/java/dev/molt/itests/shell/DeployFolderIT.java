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

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.ServiceReference;

import dev.molt.api.ProcessRuntime;

/**
 * The distribution's deploy folder: FileInstall installs deploy/counter.jar, and replacing
 * that file with version 2 updates the bundle, which migrates the running counters.
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
                bundle(url("felix.fileinstall")));
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
        // Two upgrades, and the history keeps one: the second.
        String[] history = shell.ok("proc:history").split("\n");
        assertEquals(String.join("\n", history), 2, history.length);
        assertTrue(history[1], history[1].matches("\\S+ \\S+  counter    2\\.0\\.0  1\\.0\\.0         1     0       0 .*"));
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
