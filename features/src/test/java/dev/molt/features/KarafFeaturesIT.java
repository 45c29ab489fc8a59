package dev.molt.features;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Command;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.apache.karaf.shell.support.parsing.DefaultParser;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Installs the Molt features repository of this build into a real Apache Karaf and drives it
 * through Karaf's own shell, as an operator would: {@code feature:repo-add}, {@code
 * feature:install molt-examples}, the {@code proc:} commands, and {@code bundle:update} of the
 * counter to version 2, after which the counters run 2.0.0 with their state migrated.
 *
 * <p>The test knows Molt only through the shell's output: its probe bundle is installed before
 * the features, so it must not link to Molt's classes.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class) // one Karaf for all the tests: each starts from what it needs
public class KarafFeaturesIT {

    /** Read in the test JVM by {@link #config()}, and in Karaf's JVM, which gets it from there. */
    private static final String VERSION = System.getProperty("molt.version");
    private static final long TIMEOUT_MS = 30_000;

    private static final Subject OPERATOR = new Subject(true,
            Set.of(new UserPrincipal("karaf"), new RolePrincipal("admin"), new RolePrincipal("manager"),
                    new RolePrincipal("viewer"), new RolePrincipal("systembundles")),
            Set.of(), Set.of());

    @Inject
    private BundleContext context;

    @Inject
    private SessionFactory sessions;

    /** Every command and what it printed: kept in target/, shown only when a test fails. */
    @Rule
    public final KarafTranscript transcript = new KarafTranscript(System.getProperty("molt.karaf.transcript"));

    @Configuration
    public Option[] config() {
        String karaf = System.getProperty("karaf.version");
        String repo = System.getProperty("molt.karaf.repo");
        return options(
                systemProperty("molt.version").value(VERSION),
                systemProperty("molt.karaf.transcript").value(System.getProperty("molt.karaf.transcript")),
                karafDistributionConfiguration()
                        .frameworkUrl(maven("org.apache.karaf", "apache-karaf").type("tar.gz").version(karaf))
                        .karafVersion(karaf)
                        .name("Apache Karaf")
                        .unpackDirectory(new File("target/exam"))
                        .useDeployFolder(false),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.WARN),
                // This build's bundles and features.xml, laid out as a Maven repository, are
                // looked up before Karaf's own system folder; `mvn verify` installs nothing.
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.defaultRepositories",
                        new File(repo).toURI() + "@id=molt@snapshots,"
                                + "file:${karaf.home}/${karaf.default.repository}@id=system.repository@snapshots"),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        System.getProperty("org.ops4j.pax.url.mvn.localRepository")));
    }

    /**
     * As the README says: adds the repository (unless it is there: the tests share one Karaf),
     * installs molt and molt-examples, and waits until the proc: commands can spawn a counter.
     */
    private void examplesInstalled() throws Exception {
        if (!exec("feature:repo-list").contains("molt-" + VERSION)) {
            exec("feature:repo-add mvn:dev.molt/features/" + VERSION + "/xml/features");
        }
        exec("feature:install molt molt-examples");
        assertTrue(exec("feature:list -i").contains("molt-examples"));
        // SCR activates the components on its own; poll until the shell can spawn a counter.
        // A spawn that fails changes nothing, so trying again is safe; the probe is killed after.
        String probe = until("proc:spawn counter", out -> out.strip().matches("\\d+"));
        exec("proc:kill " + probe);
    }

    @Test
    public void featuresInstallAndBundleUpdateMigratesTheCounters() throws Exception {
        examplesInstalled();
        String pid = exec("proc:spawn counter --name k1 10").strip();
        exec("proc:spawn counter --name k2");
        exec("proc:send k1 5");
        exec("proc:send k2 inc");
        assertEquals("15", exec("proc:call k1 get").strip());
        assertEquals("1.0.0", exec("proc:call k1 version").strip());
        String ps = exec("proc:ps counter");
        assertTrue(ps, ps.matches("(?s).*\\b" + pid + "\\s+k1\\s+counter\\s+1\\.0\\.0\\s+RUNNING\\b.*"));

        Bundle counter = Arrays.stream(context.getBundles())
                .filter(b -> "dev.molt.examples.counter".equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
        exec("bundle:update " + counter.getBundleId() + " mvn:dev.molt/counter-v2/" + VERSION);
        assertEquals("2.0.0", counter.getVersion().toString());

        // The call is queued behind the migration and handled by the new code.
        assertEquals("2.0.0", exec("proc:call k1 version").strip());
        assertEquals("15", exec("proc:call k1 get").strip());
        assertEquals("1", exec("proc:call k2 get").strip());
        String info = exec("proc:info k1");
        assertTrue(info, info.contains("version    2.0.0"));
        assertTrue(info, info.contains("State{total=15, lastSeq={}, outOfOrder=0, history=[\"1.0.0 -> 2.0.0\"]}"));
        String history = exec("proc:history");
        assertTrue(history, history.matches("(?s).*counter\\s+1\\.0\\.0\\s+2\\.0\\.0\\s+atomic\\s+completed\\s+\\d+\\s+0\\s+0\\b.*"));
        exec("proc:kill k1");
        exec("proc:kill k2");
    }

    /**
     * The runtime hands its processes over in Karaf too: through proc:upgrade-runtime (the same jar
     * again: a new revision all the same) and through Karaf's own bundle:update of the runtime.
     */
    @Test
    public void procUpgradeRuntimeAndBundleUpdateOfTheRuntimeKeepEveryProcess() throws Exception {
        examplesInstalled();
        exec("proc:spawn counter --name kr 7");
        exec("proc:send kr inc");
        assertEquals("8", exec("proc:call kr get").strip());
        CompletableFuture<?> ended = watch("kr");

        String report = exec("proc:upgrade-runtime mvn:dev.molt/mailbox-service/" + VERSION).strip();
        assertTrue(report, report.matches("runtime \\S+ -> \\S+: [1-9][0-9]* processes handed over, longest pause [0-9.]+ ms"));
        // Karaf registers the proc: actions again once the new runtime's service is there.
        assertEquals("8", until("proc:call kr get", out -> out.equals("8")));
        assertTrue(exec("proc:info kr"), exec("proc:info kr").contains("handovers  1\n"));

        Bundle runtime = Arrays.stream(context.getBundles())
                .filter(b -> "dev.molt.mailbox-service".equals(b.getSymbolicName())).findFirst().orElseThrow();
        exec("bundle:update " + runtime.getBundleId());
        until("proc:info kr", out -> out.contains("handovers  2"));
        exec("proc:send kr inc");
        assertEquals("9", until("proc:call kr get", out -> out.equals("9")));
        assertTrue("the process never ended on the way", !ended.isDone());
        exec("proc:kill kr");
    }

    @Test
    public void helpDescribesEveryCommand() throws Exception {
        examplesInstalled();
        // Karaf's help for one command, printed from the action's annotations. (At a console,
        // help proc:spawn prints the same; in a session without a terminal, as here, Karaf's
        // help command prints only the heading of its command list.)
        String help = exec("proc:spawn --help");
        assertTrue(help, help.contains("start a process of a behaviour and print its pid"));
        assertTrue(help, help.contains("proc:spawn [options] behaviour"));
        assertTrue(help, help.contains("--name"));
        assertTrue(help, help.contains("register the process under this name"));
        String scope = exec("help proc");
        for (String command : List.of("call", "history", "info", "kill", "ps", "rollback", "send", "spawn", "upgrade",
                "upgrade-runtime")) {
            assertTrue(scope, scope.contains("proc:" + command));
        }
        assertTrue(exec("proc:call --help"), exec("proc:call --help").contains("how long to wait for the reply"));
        // One set of proc: commands: Karaf's actions, not also the Gogo bundle's functions.
        Session session = sessions.create(InputStream.nullInputStream(), System.out, System.err);
        try {
            long spawns = session.getRegistry().getCommands().stream()
                    .filter(c -> "proc".equals(c.getScope()) && "spawn".equals(c.getName())).count();
            assertEquals(1, spawns);
        } finally {
            session.close();
        }
        assertTrue(Arrays.stream(context.getBundles()).noneMatch(b -> "dev.molt.shell".equals(b.getSymbolicName())));
    }

    @Test
    public void completionOffersOptionsBehavioursAndProcesses() throws Exception {
        examplesInstalled();
        exec("proc:spawn counter --name kc1");
        exec("proc:spawn counter --name kc2");
        try {
            assertTrue(complete("proc:spawn cou").toString(), complete("proc:spawn cou").contains("counter"));
            // Karaf reads options before the arguments, and offers them there.
            assertTrue(complete("proc:spawn --n").toString(), complete("proc:spawn --n").contains("--name"));
            List<String> processes = complete("proc:send kc");
            assertTrue(processes.toString(), processes.contains("kc1") && processes.contains("kc2"));
            assertTrue(complete("proc:call --t").toString(), complete("proc:call --t").contains("--timeout"));
            assertTrue(complete("proc:ps c").toString(), complete("proc:ps c").contains("counter"));
        } finally {
            exec("proc:kill kc1");
            exec("proc:kill kc2");
        }
    }

    /**
     * What Karaf's console offers for tab at the end of {@code line}: its own parser reads the
     * line, and the command's own completer (built by Karaf from the action's annotations and
     * completers) answers.
     */
    private List<String> complete(String line) throws Exception {
        return Subject.doAs(OPERATOR, (PrivilegedExceptionAction<List<String>>) () -> {
            Session session = sessions.create(InputStream.nullInputStream(), System.out, System.err);
            try {
                CommandLine parsed = new DefaultParser().parse(session, line, line.length());
                String[] name = parsed.getArguments()[0].split(":");
                Command command = session.getRegistry().getCommand(name[0], name[1]);
                List<String> candidates = new ArrayList<>();
                command.getCompleter(true).complete(session, parsed, candidates);
                transcript.add("<tab> " + line, candidates.stream().map(String::strip).sorted().toList() + "\n");
                return candidates.stream().map(String::strip).toList();
            } finally {
                session.close();
            }
        });
    }

    @Test
    public void namesMayUseAnyLettersAndMistakesAreOneLine() throws Exception {
        examplesInstalled();
        String pid = exec("proc:spawn counter --name zoë_Ω 4").strip();
        assertTrue(pid, pid.matches("\\d+"));
        assertEquals("4", exec("proc:call zoë_Ω get").strip());
        String before = exec("proc:ps");
        assertTrue(before, before.matches("(?s).*\\b" + pid + "\\s+zoë_Ω\\s+counter\\b.*"));
        assertOneLine(exec("proc:spawn counter --name 1zoë"), "error: '1zoë' is not a valid process name");
        assertOneLine(exec("proc:spawn counter --name ''"), "error: '' is not a valid process name");
        assertOneLine(exec("proc:send zoë_Ω 1e400"), "error: '1e400' is beyond the range of a double");
        assertOneLine(exec("proc:send 0 1"), "error: '0' is not a pid");
        assertOneLine(exec("proc:spawn nosuch"), "error: unknown behaviour 'nosuch'");
        assertOneLine(exec("proc:spawn counter --nmae x"), "error: unknown option --nmae: the options of proc:spawn are --name NAME");
        assertEquals(before, exec("proc:ps"));
        // Read from the command as typed, in Karaf too: three elements, the quoted one whole.
        assertOneLine(exec("proc:call zoë_Ω [post, alice, 'hello bob']"),
                "error: counter does not understand [post, alice, hello bob]; send a number");
        exec("proc:kill zoë_Ω");
    }

    private static void assertOneLine(String printed, String start) {
        assertTrue(printed, printed.startsWith(start));
        assertEquals(printed, 1, printed.strip().split("\n").length);
    }

    @Test
    public void uninstallingTheExamplesLeavesTheRuntimeAndItsProcesses() throws Exception {
        examplesInstalled();
        String pid = exec("proc:spawn counter --name ku 7").strip();
        exec("feature:uninstall molt-examples");
        String features = exec("feature:list -i");
        assertFalse(features, features.contains("molt-examples"));
        assertTrue(features, features.matches("(?s).*\\bmolt\\s+\\|.*"));
        // The counter's code is gone; the process waits for it with its mailbox, as after a stop.
        String ps = exec("proc:ps");
        assertTrue(ps, ps.matches("(?s).*\\b" + pid + "\\s+ku\\s+counter\\b.*"));
        exec("proc:send ku 3");

        // Coming back, the code finds the process and its state where they were.
        exec("feature:install molt-examples");
        assertEquals("10", until("proc:call ku get", out -> out.strip().equals("10")));

        // Uninstalling molt deactivates the runtime component, which ends every process
        // (reason shutdown) before the bundle goes. Watched through the service, by name only:
        // this probe must not link to Molt's classes.
        CompletableFuture<?> ended = watch("ku");
        exec("feature:uninstall molt-examples");
        exec("feature:uninstall molt");
        String reason = String.valueOf(ended.get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
        assertTrue(reason, reason.startsWith("shutdown"));
        // Karaf may have refreshed this probe with the bundles it took away: ask its shell, not the context.
        String bundles = exec("bundle:list -s -t 0");
        assertFalse(bundles, bundles.contains("dev.molt."));
    }

    /** {@code ProcessRuntime.watch(resolve(name))}, called reflectively. */
    private CompletableFuture<?> watch(String name) throws Exception {
        ServiceReference<?> ref = context.getServiceReference("dev.molt.api.ProcessRuntime");
        Object runtime = context.getService(ref);
        Class<?> api = ref.getBundle().adapt(BundleWiring.class).getClassLoader().loadClass("dev.molt.api.ProcessRuntime");
        Class<?> pidType = api.getMethod("resolve", String.class).getReturnType();
        Object pid = api.getMethod("resolve", String.class).invoke(runtime, name);
        return ((CompletionStage<?>) api.getMethod("watch", pidType).invoke(runtime, pid)).toCompletableFuture();
    }

    /**
     * The cluster feature in Karaf: its embedded JGroups stack loads and connects inside Karaf's
     * framework (a node alone is a view of one), and the cluster commands work there.
     */
    @Test
    public void theClusterFeatureJoinsAClusterInsideKaraf() throws Exception {
        examplesInstalled();
        exec("feature:install molt-cluster");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try {
            // One session: config:edit keeps its edit in the session until config:update.
            exec("config:edit dev.molt.cluster; config:property-set node k1; config:property-set port " + port
                    + "; config:property-set peers 127.0.0.1:" + port + "; config:property-set secret karaf-test-secret"
                    + "; config:property-set joinAttempts 1; config:update");
            String nodes = until("proc:nodes", out -> out.matches("(?s).*\\bk1 +[0-9a-f]+ +coordinator, this node\\b.*"));
            assertTrue(nodes, nodes.startsWith("NODE"));
            String pid = until("proc:spawn counter --node k1 --name onk1", out -> out.strip().matches("\\d+"));
            String all = exec("proc:ps --all");
            assertTrue(all, all.matches("(?s).*\\bk1 +" + pid + " +onk1 +counter\\b.*"));
            exec("proc:kill onk1");
        } finally {
            exec("config:delete dev.molt.cluster");
            exec("feature:uninstall molt-cluster");
        }
    }

    /** Runs one command in a new Karaf shell session and returns what it printed. */
    private String exec(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try {
            // As an operator logged in as karaf: Karaf hides the commands a session's subject
            // has no role for (feature:install, bundle:update need admin). The session is made
            // as the operator too, so that the sessions Karaf opens from it (help does) are his.
            Subject.doAs(OPERATOR, (PrivilegedExceptionAction<Object>) () -> {
                Session session = sessions.create(InputStream.nullInputStream(), out, out);
                try {
                    Object result = session.execute(command);
                    if (result != null) {
                        out.println(result);
                    }
                } finally {
                    session.close();
                }
                return null;
            });
        } catch (PrivilegedActionException e) {
            throw e.getException();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        transcript.add(command, printed);
        return printed;
    }

    /** Runs {@code command} until its output satisfies {@code done}, or fails after the timeout. */
    private String until(String command, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = exec(command).strip();
                if (done.test(last)) {
                    return last;
                }
            } catch (Exception notYet) {
                last = notYet.toString();
            }
            Thread.onSpinWait();
        }
        fail("'" + command + "' did not succeed within " + TIMEOUT_MS + " ms; last output: " + last);
        return null;
    }
}
