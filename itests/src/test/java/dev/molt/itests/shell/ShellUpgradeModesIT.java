package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/**
 * The upgrade modes at a real Gogo console, as the README walks through them: a rolling upgrade
 * and a canary with promote and abort, what proc:ps and proc:history show meanwhile, and the
 * one-line errors of the new options.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellUpgradeModesIT extends ShellTestSupport {

    @Configuration
    public Option[] config() {
        return options(shellBundles(true));
    }

    private void threeCounters() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name c1 1");
        shell.ok("proc:spawn counter --name c2 2");
        shell.ok("proc:spawn counter --name c3 3");
    }

    private static void assertMatches(String pattern, String text) {
        assertTrue("expected " + pattern + " in\n" + text, Pattern.compile(pattern, Pattern.MULTILINE).matcher(text).find());
    }

    @Test
    public void aRollingUpgradeAtTheConsole() throws Exception {
        threeCounters();
        Bundle v1 = counterBundle();
        String report = shell.ok("proc:upgrade --rolling counter " + url("dev.molt.counter-v2"));
        assertMatches("^counter 1\\.0\\.0 -> 2\\.0\\.0 \\(rolling\\): 3 migrated, 0 held, 0 failed, total [0-9.]+ ms,"
                + " longest pause [0-9.]+ ms", report);
        assertEquals(Bundle.UNINSTALLED, v1.getState());
        String ps = shell.ok("proc:ps");
        assertMatches("^ *\\d+  c1 +counter +2\\.0\\.0 +RUNNING", ps);
        assertMatches("^counter +2\\.0\\.0 +3 +dev\\.molt\\.examples\\.counter \\[\\d+\\] +serves new processes$", ps);
        assertEquals("1\n", shell.ok("proc:call c1 get"));
        String history = shell.ok("proc:history");
        assertMatches("counter +1\\.0\\.0 +2\\.0\\.0 +rolling +completed +3 +0 +0 ", history);
    }

    @Test
    public void aCanaryThenItsPromotion() throws Exception {
        threeCounters();
        String canary = shell.ok("proc:upgrade --canary 1 counter " + url("dev.molt.counter-v2"));
        assertMatches("^counter 1\\.0\\.0 -> 2\\.0\\.0 \\(canary, waiting to be promoted or aborted\\): 1 migrated", canary);
        String ps = shell.ok("proc:ps");
        assertMatches("^ *\\d+  c1 +counter +2\\.0\\.0 ", ps);
        assertMatches("^ *\\d+  c2 +counter +1\\.0\\.0 ", ps);
        assertMatches("^counter +2\\.0\\.0 +1 ", ps);
        assertMatches("^counter +1\\.0\\.0 +2 +.* serves new processes$", ps);
        String promoted = shell.ok("proc:promote counter");
        assertMatches("^counter 1\\.0\\.0 -> 2\\.0\\.0 \\(canary\\): 3 migrated", promoted);
        assertMatches("^ *\\d+  c3 +counter +2\\.0\\.0 ", shell.ok("proc:ps"));
        assertEquals("3\n", shell.ok("proc:call c3 get"));
    }

    @Test
    public void aCanaryThenItsAbort() throws Exception {
        threeCounters();
        shell.ok("proc:upgrade --canary c2 counter " + url("dev.molt.counter-v2"));
        assertMatches("^ *\\d+  c2 +counter +2\\.0\\.0 ", shell.ok("proc:ps"));
        String aborted = shell.ok("proc:abort counter");
        assertMatches("^counter 1\\.0\\.0 -> 2\\.0\\.0 \\(canary, aborted\\): 1 migrated.*; aborted by an operator$", aborted);
        assertMatches("^ *\\d+  c2 +counter +1\\.0\\.0 ", shell.ok("proc:ps"));
        String history = shell.ok("proc:history");
        assertMatches("canary +aborted ", history);
        assertMatches("^  1\\. counter 1\\.0\\.0 -> 2\\.0\\.0: defaulted State\\.history \\(1\\); aborted by an operator$", history);
        assertMatches("^  2\\. counter 2\\.0\\.0 -> 1\\.0\\.0: dropped State\\.history \\(1\\)$", history);
    }

    @Test
    public void mistakesWithTheModesAreOneLineAndChangeNothing() throws Exception {
        threeCounters();
        String before = shell.ok("proc:ps") + shell.ok("proc:history");
        String jar = url("dev.molt.counter-v2");
        assertOneLine(shell.error("proc:upgrade --rolling --canary 1 counter " + jar), "--rolling and --canary exclude each other");
        assertOneLine(shell.error("proc:upgrade --keep-old counter " + jar), "--keep-old goes with --rolling or --canary");
        assertOneLine(shell.error("proc:upgrade --rolling=yes counter " + jar), "--rolling takes no value");
        assertOneLine(shell.error("proc:upgrade --canary counter " + jar), "missing argument");
        // A share is quoted at the Gogo prompt, where % is an operator.
        assertOneLine(shell.error("proc:upgrade --canary '0%' counter " + jar), "'0%' is not a canary selection");
        assertOneLine(shell.error("proc:upgrade --rolling counter " + url("dev.molt.counter-v1")),
                "counter 1.0.0 is running already; a rolling upgrade needs another version");
        assertOneLine(shell.error("proc:promote counter"), "no canary of counter is waiting to be promoted");
        assertOneLine(shell.error("proc:abort counter"), "no canary of counter is under way to abort");
        assertOneLine(shell.error("proc:promote nosuch"), "unknown behaviour 'nosuch'");
        assertEquals("nothing changed", before, shell.ok("proc:ps") + shell.ok("proc:history"));
    }

    private static void assertOneLine(String line, String expected) {
        assertTrue(line, line.startsWith("error: ") && line.contains(expected) && !line.strip().contains("\n"));
    }
}
