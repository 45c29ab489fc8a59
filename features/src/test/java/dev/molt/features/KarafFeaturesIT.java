package dev.molt.features;

import static org.junit.Assert.assertEquals;
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
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import javax.inject.Inject;
import javax.security.auth.Subject;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

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

    @Configuration
    public Option[] config() {
        String karaf = System.getProperty("karaf.version");
        String repo = System.getProperty("molt.karaf.repo");
        return options(
                systemProperty("molt.version").value(VERSION),
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

    @Test
    public void featuresInstallAndBundleUpdateMigratesTheCounters() throws Exception {
        exec("feature:repo-add mvn:dev.molt/features/" + VERSION + "/xml/features");
        exec("feature:install molt-examples");
        assertTrue(exec("feature:list -i").contains("molt-examples"));

        // SCR activates the components on its own; poll until the shell can spawn a counter.
        // A spawn that fails changes nothing, so trying again is safe.
        String pid = until("proc:spawn counter --name k1 10", out -> out.strip().matches("\\d+"));
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
        assertTrue(history, history.matches("(?s).*counter\\s+1\\.0\\.0\\s+2\\.0\\.0\\s+2\\s+0\\s+0\\b.*"));
    }

    /** Runs one command in a new Karaf shell session and returns what it printed. */
    private String exec(String command) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Session session = sessions.create(InputStream.nullInputStream(), out, out);
        try {
            // As an operator logged in as karaf: Karaf hides the commands a session's subject
            // has no role for (feature:install, bundle:update need admin).
            Object result = Subject.doAs(OPERATOR, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
            if (result != null) {
                out.println(result);
            }
        } catch (PrivilegedActionException e) {
            throw e.getException();
        } finally {
            session.close();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        System.out.println("karaf@root()> " + command + "\n" + printed);
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
