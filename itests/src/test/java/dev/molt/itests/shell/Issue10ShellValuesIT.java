package dev.molt.itests.shell;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.CommandSession;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;

import dev.molt.api.Behaviour;
import dev.molt.api.ProcessContext;
import dev.molt.api.Struct;

/**
 * Issue 10, items 3 (values and errors typed at the Felix Gogo console): what a process
 * receives is exactly what was typed, and each mistake is one error line that changes nothing.
 *
 * <p>The values are checked at the receiving end: the test registers a behaviour {@code echo}
 * (a real service, tracked by the real runtime) that keeps every message it gets and answers a
 * call with the message itself.
 */
@RunWith(PaxExam.class)
public class Issue10ShellValuesIT extends ShellTestSupport {

    /** What the echo processes received, in order. */
    private static final List<Object> RECEIVED = new ArrayList<>();

    private ServiceRegistration<?> echo;
    private String before;

    @Configuration
    public Option[] config() {
        return options(shellBundles(true));
    }

    @Before
    public void echoAndACounter() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Behaviour.NAME, "echo");
        echo = context.registerService(Behaviour.class, new Echo(), props);
        awaitBehaviour("echo", context.getBundle().getVersion().toString());
        awaitBehaviour("counter", "1.0.0");
        shell.ok("proc:spawn echo --name e");
        shell.ok("proc:spawn counter --name c1 3");
        received();
        before = snapshot();
    }

    @After
    public void noEcho() {
        if (echo != null) {
            echo.unregister();
        }
    }

    /** Answers a call with the message it got, and keeps every message for the test. */
    static final class Echo implements Behaviour<String> {
        @Override
        public String init(ProcessContext context, Object argument) {
            return "echo";
        }

        @Override
        public String handle(ProcessContext context, String state, Object message) {
            synchronized (RECEIVED) {
                RECEIVED.add(message);
            }
            if (context.isCall()) {
                context.reply(message);
            }
            return state;
        }
    }

    /** A behaviour with a record of its own: a struct literal typed for it arrives as that record. */
    static final class Poster implements Behaviour<String> {
        /** A post, as this behaviour's code knows it. */
        public record Post(String from, String text) {
        }

        @Override
        public String init(ProcessContext context, Object argument) {
            return "poster";
        }

        @Override
        public String handle(ProcessContext context, String state, Object message) {
            if (context.isCall()) {
                context.reply(message instanceof Post p ? "a Post from " + p.from() + ": " + p.text()
                        : "not a Post: " + message.getClass().getName());
            }
            return state;
        }
    }

    /** What the echo received since the last look. */
    private static List<Object> received() {
        synchronized (RECEIVED) {
            List<Object> got = List.copyOf(RECEIVED);
            RECEIVED.clear();
            return got;
        }
    }

    /** What an error must not change: the processes, the counter's state, the bundles, what echo got. */
    private String snapshot() throws Exception {
        StringBuilder sb = new StringBuilder(shell.ok("proc:ps"));
        sb.append(shell.ok("proc:info c1"));
        for (Bundle b : context.getBundles()) {
            sb.append(b.getSymbolicName()).append(' ').append(b.getVersion()).append(' ').append(b.getState()).append('\n');
        }
        return sb.append(received()).toString();
    }

    private String assertOneError(String command, String... expected) throws Exception {
        String line = shell.error(command);
        assertTrue(line, line.startsWith("error: "));
        for (String e : expected) {
            assertTrue("'" + command + "' printed: " + line + "\nexpected to contain: " + e, line.contains(e));
        }
        return line;
    }

    private Object echoed(String value) throws Exception {
        shell.ok("proc:call e " + value);
        List<Object> got = received();
        assertEquals(String.valueOf(got), 1, got.size());
        return got.get(0);
    }

    @Test
    public void quotedTextInsideAListIsOneElement() throws Exception {
        assertEquals(List.of("post", "alice", "hello bob"), echoed("[post, alice, 'hello bob']"));
        assertEquals(List.of("a", 1, List.of("b c", 2)), echoed("[a 1 [\"b c\" 2]]"));
        assertEquals(List.of("a", 1), echoed("'[a, 1]'"));
    }

    @Test
    public void integersBeyondALongArriveExactly() throws Exception {
        assertEquals(new BigInteger("99999999999999999999999999"), echoed("99999999999999999999999999"));
        assertEquals(List.of(new BigInteger("-99999999999999999999")), echoed("[-99999999999999999999]"));
        assertEquals(9_000_000_000L, echoed("9000000000"));
        assertEquals(7, echoed("7"));
    }

    @Test
    public void quotedNumbersAndBooleansAreText() throws Exception {
        assertEquals("5", echoed("'5'"));
        assertEquals("true", echoed("\"true\""));
        assertEquals(Boolean.TRUE, echoed("true"));
    }

    @Test
    public void aDecimalBeyondADoubleIsAnError() throws Exception {
        assertOneError("proc:send e 1e400", "'1e400' is beyond the range of a double", "type a whole number");
        assertOneError("proc:call e [1 1e-400]", "'1e-400' is beyond the range of a double");
        assertEquals(before, snapshot());
    }

    @Test
    public void aRecordLiteralArrivesAsAStructOfTheTypedName() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("from", "alice");
        fields.put("text", "hello bob");
        assertEquals(new Struct("Post", fields), echoed("Post{from=alice, text='hello bob'}"));
        assertEquals("Post{from=alice, text=\"hello bob\"}\n", shell.ok("proc:call e Post{from=alice, text='hello bob'}"));
        received();
        assertEquals(new Struct("dev.molt.chat.Post", Map.of("n", 1)), echoed("'dev.molt.chat.Post{n=1}'"));
        String after = snapshot();
        assertOneError("proc:send e 'Post{from=alice'", "malformed value", "records as Type{field=v}");
        assertEquals(after, snapshot());
    }

    /** Issue 10 item 3: the struct's type resolves against the receiving behaviour's records. */
    @Test
    public void aRecordLiteralReachesABehaviourThatHasTheRecordAsThatRecord() throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Behaviour.NAME, "poster");
        ServiceRegistration<?> poster = context.registerService(Behaviour.class, new Poster(), props);
        try {
            awaitBehaviour("poster", context.getBundle().getVersion().toString());
            shell.ok("proc:spawn poster --name p");
            assertEquals("\"a Post from alice: hello bob\"\n", shell.ok("proc:call p Post{from=alice, text='hello bob'}"));
            assertEquals("a qualified name works too", "\"a Post from bob: hi\"\n",
                    shell.ok("proc:call p '" + Poster.Post.class.getName() + "{from=bob, text=hi}'"));
            assertEquals("a struct of a type the behaviour does not have stays a struct",
                    "\"not a Post: " + Struct.class.getName() + "\"\n", shell.ok("proc:call p Note{n=1}"));
        } finally {
            poster.unregister();
        }
    }

    @Test
    public void pidsThatAreNoPidsGetOneMessage() throws Exception {
        for (String pid : List.of("100000000000000000000", "-1", "0", "'<0>'")) {
            String line = assertOneError("proc:send " + pid + " 1", "is not a pid: a pid is a whole number from 1 to "
                    + Long.MAX_VALUE, "type a pid bare (42) or quoted ('<42>')");
            assertFalse(line, line.contains("1.0E20"));
        }
        assertOneError("proc:send 99 1", "no live process has pid 99; list live processes with proc:ps");
        assertEquals(before, snapshot());
        String c1 = shell.ok("proc:spawn counter --name c2").strip();
        assertEquals("0\n", shell.ok("proc:call '<" + c1 + ">' get"));
    }

    @Test
    public void optionMistakesAreNamed() throws Exception {
        assertOneError("proc:spawn counter --name", "--name needs a value: proc:spawn <behaviour> [--name NAME] [--node NODE] [arg]");
        assertOneError("proc:spawn counter --name \"\"", "'' is not a valid process name");
        assertOneError("proc:spawn counter --nmae x", "unknown option --nmae", "the options of proc:spawn are --name NAME");
        assertOneError("proc:call c1 get --timout 5", "unknown option --timout", "--timeout MS");
        assertEquals(before, snapshot());
    }

    @Test
    public void aCrashedCallIsOneLine() throws Exception {
        String line = assertOneError("proc:call c1 crash", "crashed handling the call", "crash requested");
        assertFalse(line, line.contains("\tat "));
        assertFalse("c1 has ended", shell.ok("proc:ps").contains(" c1 "));
    }

    @Test
    public void aNameMayUseAnyLetters() throws Exception {
        String pid = shell.ok("proc:spawn counter --name zoë_Ω1 4").strip();
        assertEquals("4\n", shell.ok("proc:call zoë_Ω1 get"));
        assertTrue(shell.ok("proc:ps"), shell.ok("proc:ps").matches("(?s).*\\b" + pid + "  zoë_Ω1 +counter .*"));
        String after = snapshot();
        assertOneError("proc:spawn counter --name 1zoë", "'1zoë' is not a valid process name");
        assertEquals(after, snapshot());
    }

    @Test
    public void gogoHelpStillDescribesTheCommands() throws Exception {
        // gogo.command's help returns its text, which the console prints.
        Object help;
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), System.out, System.err)) {
            help = session.execute("help proc:spawn");
        }
        assertTrue(String.valueOf(help), String.valueOf(help).contains("start a process of a behaviour and print its pid"));
        assertTrue(String.valueOf(help), String.valueOf(help).contains("<behaviour> [--name NAME] [--node NODE] [arg]"));
    }
}
