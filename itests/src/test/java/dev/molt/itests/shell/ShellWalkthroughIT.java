package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;

/**
 * The README walk-through, command by command, through a real Gogo session: spawn counters,
 * send, call, list, look inside, upgrade to 2.0.0 with proc:upgrade, see the migrated state,
 * read the history, roll back, kill.
 */
@RunWith(PaxExam.class)
public class ShellWalkthroughIT extends ShellTestSupport {

    @Configuration
    public Option[] config() {
        return options(shellBundles(true));
    }

    @Test
    public void theReadmeWalkthrough() throws Exception {
        awaitBehaviour("counter", "1.0.0");

        String c1 = shell.ok("proc:spawn counter --name c1").strip();
        String c2 = shell.ok("proc:spawn counter --name c2 10").strip();
        String anonymous = shell.ok("proc:spawn counter").strip();
        assertTrue(c1, c1.matches("\\d+"));
        assertEquals(Long.parseLong(c1) + 1, Long.parseLong(c2));
        assertEquals(Long.parseLong(c1) + 2, Long.parseLong(anonymous));

        assertEquals("", shell.ok("proc:send c1 5"));
        assertEquals("", shell.ok("proc:send c1 inc"));
        assertEquals("", shell.ok("proc:send " + anonymous + " 2"));
        // A sequenced message [sender, seq], typed as Gogo reads a list without quotes.
        assertEquals("", shell.ok("proc:send c2 [a, 1]"));
        assertEquals("6\n", shell.ok("proc:call c1 get"));
        assertEquals("11\n", shell.ok("proc:call c2 get"));
        assertEquals("2\n", shell.ok("proc:call " + anonymous + " get"));
        assertEquals("1.0.0\n", shell.ok("proc:call c1 version"));

        String ps = shell.ok("proc:ps");
        assertTrue(ps, ps.startsWith("ID  NAME  BEHAVIOUR  VERSION  STATUS   MAILBOX  HANDLED\n"));
        assertRow(ps, c1, "c1", "1.0.0", 2 + 2);
        assertRow(ps, c2, "c2", "1.0.0", 1 + 1);
        assertRow(ps, anonymous, "-", "1.0.0", 1 + 1);
        assertEquals(ps, shell.ok("proc:ps counter"));

        String info = shell.ok("proc:info c2");
        assertTrue(info, info.contains("pid        " + c2 + "\nname       c2\nbehaviour  counter\nversion    1.0.0\n"
                + "status     RUNNING\n"));
        assertTrue(info, info.contains("upgrades   0\n"));
        assertTrue(info, info.endsWith("state      State{count=11, lastSeq={a=1}, outOfOrder=0}\n"));

        String report = shell.ok("proc:upgrade counter " + url("dev.molt.counter-v2"));
        assertTrue(report, Pattern.compile("^counter 1\\.0\\.0 -> 2\\.0\\.0: 3 migrated, 0 held, 0 failed, total [0-9.]+ ms, "
                + "longest pause [0-9.]+ ms; defaulted State\\.history \\(3 processes\\)\n$").matcher(report).matches());

        ps = shell.ok("proc:ps");
        assertRow(ps, c1, "c1", "2.0.0", 4);
        assertRow(ps, c2, "c2", "2.0.0", 2);
        info = shell.ok("proc:info c2");
        assertTrue(info, info.contains("version    2.0.0\n"));
        assertTrue(info, info.contains("upgrades   1\n"));
        assertTrue(info, info.endsWith("state      State{total=11, lastSeq={a=1}, outOfOrder=0, history=[\"1.0.0 -> 2.0.0\"]}\n"));
        assertEquals("2.0.0\n", shell.ok("proc:call c1 version"));
        assertEquals("[\"1.0.0 -> 2.0.0\"]\n", shell.ok("proc:call c1 history"));
        assertEquals("6\n", shell.ok("proc:call c1 get"));

        String history = shell.ok("proc:history");
        assertTrue(history, history.startsWith("STARTED              BEHAVIOUR  FROM   TO     MODE    OUTCOME    MIGRATED  HELD  FAILED  TOTAL_MS  PAUSE_MS\n"));
        assertTrue(history, Pattern.compile("(?m)^\\S+ \\S+  counter    1\\.0\\.0  2\\.0\\.0  atomic  completed         3     0       0 .*$")
                .matcher(history).find());
        assertTrue(history, history.endsWith("\n  1. counter 1.0.0 -> 2.0.0: defaulted State.history (3)\n"));

        report = shell.ok("proc:rollback counter");
        assertTrue(report, report.startsWith("counter 2.0.0 -> 1.0.0: 3 migrated, 0 held, 0 failed"));
        assertEquals("1.0.0\n", shell.ok("proc:call c1 version"));
        assertEquals("6\n", shell.ok("proc:call c1 get"));
        assertTrue(shell.ok("proc:info c2"), shell.ok("proc:info c2").endsWith("state      State{count=11, lastSeq={a=1}, outOfOrder=0}\n"));
        history = shell.ok("proc:history");
        assertEquals(history, 2, Pattern.compile("(?m)^\\d{4}-\\d\\d-\\d\\d ").matcher(history).results().count());
        assertTrue(history, history.endsWith("\n  2. counter 2.0.0 -> 1.0.0: dropped State.history (3)\n"));

        // proc:kill returns when the process has ended, so the next proc:ps no longer lists it.
        assertEquals("killed " + c2 + ": killed from the shell\n", shell.ok("proc:kill c2"));
        ps = shell.ok("proc:ps");
        assertFalse(ps, ps.contains(" c2 "));
        assertRow(ps, c1, "c1", "1.0.0", 9);
    }

    @Test
    public void valuesTypedInTheShellArePlainValues() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn counter --name v 2147483648");
        shell.ok("proc:send v -8");
        shell.ok("proc:send v 3L");
        // Quoted, the list is read by Molt's parser rather than Gogo's.
        shell.ok("proc:send v '[b, 1]'");
        shell.ok("proc:send v '[b 2]'");
        shell.ok("proc:send v [b 4]");
        assertEquals("2147483646\n", shell.ok("proc:call v get"));
        String info = shell.ok("proc:info v");
        assertTrue(info, info.endsWith("state      State{count=2147483646, lastSeq={b=4}, outOfOrder=1}\n"));
        // The counter answers a call it does not understand with a failure: one line.
        assertTrue(shell.error("proc:call v '{k=v}'").startsWith("error: "));
        assertEquals("2147483646\n", shell.ok("proc:call v get"));
    }

    @Test
    public void killWaitsForTheEndAndSaysSoWhenAHandlerIsStillRunning() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        String busy = shell.ok("proc:spawn counter --name busy").strip();
        Pid pid = runtime.resolve(busy);
        CompletableFuture<ExitReason> ended = runtime.watch(pid).toCompletableFuture();
        shell.ok("proc:send busy sleep:2000");
        shell.ok("proc:send busy 1");
        // The sleep has been taken from the mailbox (only "1" is left): its handler is running.
        await("the sleep handler to start", () -> runtime.info(pid).map(i -> i.mailboxDepth() == 1).orElse(false));
        assertEquals("killing " + busy + ": at once; its handler is still running after 100 ms, and the process ends when it returns\n",
                shell.ok("proc:kill busy at once --timeout 100"));
        assertFalse(ended.isDone());
        // The kill is queued before the "1": when the handler returns, the process ends.
        assertEquals(new ExitReason(ExitReason.Kind.KILLED, "at once"), ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        assertTrue("the killed process is deregistered", runtime.info(pid).isEmpty());
        assertFalse(shell.ok("proc:ps").contains(" busy "));
        assertTrue(shell.error("proc:kill busy").startsWith("error: "));
    }

    private static void assertRow(String table, String pid, String name, String version, long handled) {
        Pattern row = Pattern.compile("(?m)^ *" + pid + "  " + Pattern.quote(name) + " +counter +" + Pattern.quote(version)
                + " +RUNNING +0 +" + handled + "$");
        assertTrue("no row " + row + " in\n" + table, row.matcher(table).find());
    }
}
