package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;

/**
 * Bad input through a real Gogo session: each mistake prints exactly one line on the error
 * stream, saying what is wrong and what to do, nothing on the output stream, and leaves the
 * processes, their states and the installed bundles as they were.
 */
@RunWith(PaxExam.class)
public class ShellErrorsIT extends ShellTestSupport {

    private String before;

    @Configuration
    public Option[] config() {
        return options(shellBundles(true));
    }

    @Before
    public void twoCounters() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1 3");
        shell.ok("proc:spawn counter --name c2");
        before = snapshot();
    }

    /** Everything an error must not change, as the shell shows it. */
    private String snapshot() throws Exception {
        StringBuilder sb = new StringBuilder(shell.ok("proc:ps"));
        sb.append(shell.ok("proc:history"));
        for (String p : new String[] {"c1", "c2"}) {
            String info = shell.ok("proc:info " + p);
            // proc:info reads state at a message boundary; the counters are idle, so it is stable.
            sb.append(info);
        }
        for (Bundle b : context.getBundles()) {
            sb.append(b.getSymbolicName()).append(' ').append(b.getVersion()).append(' ').append(b.getState()).append('\n');
        }
        return sb.toString();
    }

    private void assertError(String command, String... expected) throws Exception {
        String line = shell.error(command);
        assertTrue(line, line.startsWith("error: "));
        for (String e : expected) {
            assertTrue("'" + command + "' printed: " + line + "\nexpected to contain: " + e, line.contains(e));
        }
    }

    @Test
    public void unknownBehaviourOrProcess() throws Exception {
        assertError("proc:spawn nosuch", "nosuch");
        assertError("proc:send nobody 1", "nobody");
        assertError("proc:send 99 1", "99");
        assertError("proc:call nobody get", "nobody");
        assertError("proc:info nobody", "nobody");
        assertError("proc:kill nobody", "nobody");
        assertError("proc:ps nosuch", "no behaviour 'nosuch' is known", "known are counter", "proc:ps without an argument");
        assertError("proc:upgrade nosuch file:/nowhere.jar", "nosuch");
        assertError("proc:rollback nosuch", "nosuch");
        assertEquals(before, snapshot());
    }

    @Test
    public void missingOrExtraArguments() throws Exception {
        assertError("proc:spawn", "missing argument: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]");
        assertError("proc:spawn --name x", "missing argument");
        assertError("proc:spawn counter 1 2", "too many arguments", "quote a value with blanks: 'a b'");
        assertError("proc:send c1", "missing argument: proc:send <pid|name> <message>");
        assertError("proc:send c1 hello world", "too many arguments");
        assertError("proc:call c1", "missing argument: proc:call <pid|name> <message> [--timeout MS]");
        assertError("proc:info", "missing argument: proc:info <pid|name>");
        assertError("proc:kill", "missing argument: proc:kill <pid|name> [reason]");
        assertError("proc:upgrade counter", "missing argument: proc:upgrade [--rolling | --canary SELECTION] [--keep-old] [--cluster] <bundle-id|behaviour> <jar-url>");
        assertError("proc:rollback", "missing argument: proc:rollback <behaviour>");
        assertError("proc:ps counter more", "too many arguments");
        assertError("proc:history now", "too many arguments");
        assertEquals(before, snapshot());
    }

    @Test
    public void malformedValues() throws Exception {
        assertError("proc:send c1 '[a, 1'", "malformed value '[a, 1' at position 1", "write lists as [a, 1]");
        assertError("proc:send c1 '{k=v'", "malformed value", "no closing '}'");
        assertError("proc:send c1 '{k}'", "a map entry needs '='");
        assertError("proc:call c1 '[a,,1]'", "a value is missing");
        assertError("proc:spawn counter --name c3 '[1'", "malformed value");
        assertError("proc:call c1 get --timeout soon", "--timeout takes a positive number of milliseconds, got 'soon'");
        assertError("proc:call c1 get --timeout 0", "--timeout takes a positive number");
        assertError("proc:kill c1 --timeout soon", "--timeout takes a positive number of milliseconds, got 'soon'");
        assertEquals(before, snapshot());
    }

    @Test
    public void aDuplicateNameIsRefused() throws Exception {
        assertError("proc:spawn counter --name c1", "c1");
        assertEquals(before, snapshot());
    }

    @Test
    public void aUrlThatIsNotABundleChangesNothing() throws Exception {
        Path notABundle = Files.createTempFile("not-a-bundle", ".jar");
        try {
            Files.writeString(notABundle, "this is not a jar");
            assertError("proc:upgrade counter " + notABundle.toUri());
        } finally {
            Files.delete(notABundle);
        }
        assertError("proc:upgrade counter file:/no/such/file.jar");
        assertError("proc:upgrade counter " + url("dev.molt.process-api"));
        assertEquals(before, snapshot());
        assertEquals("3\n", shell.ok("proc:call c1 get"));
        assertEquals("1.0.0\n", shell.ok("proc:call c1 version"));
    }

    @Test
    public void rollbackWithNothingToGoBackTo() throws Exception {
        assertError("proc:rollback counter", "counter");
        assertEquals(before, snapshot());
    }

    @Test
    public void aCallThatTimesOutSaysSo() throws Exception {
        // Not bad input, but the same contract: one line, and the shell stays usable.
        assertError("proc:call c2 sleep:1000 --timeout 100", "100");
        assertEquals("3\n", shell.ok("proc:call c1 get --timeout 10000"));
    }
}
