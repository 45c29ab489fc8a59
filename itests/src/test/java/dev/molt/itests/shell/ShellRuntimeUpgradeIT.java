package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import dev.molt.itests.RebuiltJars;

/**
 * {@code proc:upgrade-runtime} at a real Gogo console: the runtime updated from a jar with every
 * process kept and a report printed; an incompatible process-api refused in one line before anything
 * changed.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellRuntimeUpgradeIT extends ShellTestSupport {

    @Configuration
    public Option[] config() {
        return options(shellBundles(true));
    }

    private static Path written(byte[] jar, String name) throws Exception {
        Path p = Files.createTempFile(Path.of(System.getProperty("molt.target", "target")), name, ".jar");
        Files.write(p, jar);
        p.toFile().deleteOnExit();
        return p;
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    @Test
    public void theRuntimeIsUpgradedAtTheConsoleAndEveryProcessGoesOn() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1 1");
        shell.ok("proc:spawn counter --name c2 2");
        shell.ok("proc:send c1 inc");
        Path jar = written(RebuiltJars.runtime("0.1.1.test"), "runtime");
        String report = shell.ok("proc:upgrade-runtime " + jar);
        assertTrue(report, Pattern.compile("^runtime 0\\.1\\.0\\.SNAPSHOT -> 0\\.1\\.1\\.test: [0-9]+ processes handed over,"
                + " longest pause [0-9.]+ ms$", Pattern.MULTILINE).matcher(report).find());
        assertEquals("2\n", shell.ok("proc:call c1 get"));
        assertEquals("2\n", shell.ok("proc:call c2 get"));
        String info = shell.ok("proc:info c1");
        assertTrue(info, info.contains("handovers  1\n"));
        assertTrue(info, info.contains("restores   0\n"));
    }

    @Test
    public void anIncompatibleApiIsRefusedInOneLineAndNothingChanges() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1 1");
        Bundle api = bundle("dev.molt.process-api");
        String before = api.getVersion().toString();
        Path jar = written(RebuiltJars.api("2.0.0", "2.0.0"), "api");
        String error = shell.error("proc:upgrade-runtime " + jar);
        assertTrue(error, error.contains("exports dev.molt.api 2.0.0, which is not compatible with 1.3.0"));
        assertTrue(error, error.endsWith("nothing changed"));
        assertEquals(before, api.getVersion().toString());
        assertEquals("1\n", shell.ok("proc:call c1 get"));
        assertTrue(shell.error("proc:upgrade-runtime").contains("usage: proc:upgrade-runtime <jar-url>"));
    }

    /**
     * A runtime jar that does not resolve: one line says so and that the processes wait; the next
     * proc:upgrade-runtime, with a jar that resolves, starts the runtime and they go on.
     */
    @Test
    public void aRuntimeJarThatDoesNotResolveIsOneLineAndTheNextUpgradeTakesTheProcesses() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1 4");
        String error = shell.error("proc:upgrade-runtime " + written(RebuiltJars.unresolvableRuntime("0.1.1.unresolvable"), "bad"));
        assertTrue(error, error.startsWith("error: the new runtime 0.1.1.unresolvable did not start: "));
        assertTrue(error, error.contains("dev.molt.nowhere"));
        assertTrue(error, error.endsWith("Every process waits, its messages kept: upgrade the runtime again with a jar"
                + " that resolves (or the one it ran before)"));
        assertEquals(error, 1, error.strip().lines().count());
        log.expect("stopped to be replaced and no revision has started since");

        String report = shell.ok("proc:upgrade-runtime " + written(RebuiltJars.runtime("0.1.1.test"), "runtime"));
        assertTrue(report, Pattern.compile("^runtime 0\\.1\\.1\\.unresolvable -> 0\\.1\\.1\\.test: 1 processes handed over,"
                + " longest pause [0-9.]+ ms$", Pattern.MULTILINE).matcher(report).find());
        assertEquals("4\n", shell.ok("proc:call c1 get"));
        assertTrue(shell.ok("proc:info c1").contains("handovers  1\n"));
    }
}
