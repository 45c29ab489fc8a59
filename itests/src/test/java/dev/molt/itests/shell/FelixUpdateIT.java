package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Arrays;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;

/**
 * Plain Felix {@code update <id> <url>} (gogo.command's felix:update, which knows nothing of
 * Molt) migrates the counters just as proc:upgrade does, and the shell shows it.
 */
@RunWith(PaxExam.class)
public class FelixUpdateIT extends ShellTestSupport {

    @Configuration
    public Option[] config() {
        return options(shellBundles(true));
    }

    @Test
    public void updateMigratesTheProcesses() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1 40");
        shell.ok("proc:send c1 2");
        // Queued behind a slow message, so the update happens with messages waiting.
        shell.ok("proc:send c1 sleep:200");
        shell.ok("proc:send c1 inc");

        Bundle counter = Arrays.stream(context.getBundles()).filter(b -> COUNTER.equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        shell.ok("update " + counter.getBundleId() + " " + url("dev.molt.counter-v2"));
        assertEquals("2.0.0", counter.getVersion().toString());

        assertEquals("2.0.0\n", shell.ok("proc:call c1 version"));
        assertEquals("43\n", shell.ok("proc:call c1 get"));
        String info = shell.ok("proc:info c1");
        assertTrue(info, info.contains("version    2.0.0\n"));
        assertTrue(info, info.endsWith("state      State{total=43, lastSeq={}, outOfOrder=0, history=[\"1.0.0 -> 2.0.0\"]}\n"));
        String history = shell.ok("proc:history");
        assertTrue(history, history.contains("counter    1.0.0  2.0.0  atomic  completed         1     0       0"));
    }
}
