package dev.molt.itests.shell;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.api.ProcessRuntime;

/**
 * What the shell suites share: a Felix with SCR, ConfigAdmin, Gogo runtime and command, the
 * Molt runtime and its shell (this build's jars), and a Gogo session opened once the
 * {@code proc:} commands are registered.
 */
public abstract class ShellTestSupport {

    static final long TIMEOUT_MS = 20_000;
    static final String COUNTER = "dev.molt.examples.counter";

    @Inject
    protected BundleContext context;

    @Inject
    protected CommandProcessor processor;

    protected GogoSession shell;

    /** The jar this build made, from the system property failsafe sets (see itests/pom.xml). */
    static String jar(String property) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("system property " + property + " should name a jar of this build, is " + path);
        }
        return new File(path).toURI().toString();
    }

    /** The framework without any behaviour bundle. */
    static Option molt() {
        return composite(
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                bundle(jar("osgi.util.function")),
                bundle(jar("osgi.util.promise")),
                bundle(jar("osgi.service.component")),
                bundle(jar("felix.scr")),
                bundle(jar("felix.configadmin")),
                bundle(jar("felix.gogo.runtime")),
                bundle(jar("felix.gogo.command")),
                // The console's bundle: its converters read a typed bundle id as a Bundle. Its
                // own console must not read the test JVM's stdin.
                frameworkProperty("gosh.args").value("--nointeractive"),
                bundle(jar("felix.gogo.shell")),
                bundle(jar("dev.molt.process-api")),
                bundle(jar("dev.molt.mailbox-service")),
                bundle(jar("dev.molt.shell")),
                junitBundles());
    }

    @Before
    public void openShell() throws Exception {
        awaitService("(&(osgi.command.scope=proc)(osgi.command.function=ps))");
        shell = new GogoSession(processor);
    }

    @After
    public void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }

    /** Waits until the runtime offers {@code behaviour} at {@code version}, or fails. */
    void awaitBehaviour(String behaviour, String version) throws Exception {
        ProcessRuntime runtime = (ProcessRuntime) awaitService("(objectClass=" + ProcessRuntime.class.getName() + ")");
        await("behaviour " + behaviour + " " + version + " to be active", () -> runtime.behaviours().stream()
                .anyMatch(b -> b.name().equals(behaviour) && version.equals(b.active())));
    }

    Object awaitService(String filter) throws Exception {
        Filter f = context.createFilter(filter);
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, f, null);
        tracker.open(true);
        try {
            Object service = tracker.waitForService(TIMEOUT_MS);
            if (service == null) {
                fail("no service " + filter + " within " + TIMEOUT_MS + " ms");
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    /** Polls {@code condition} every few milliseconds until it holds, failing after {@link #TIMEOUT_MS}. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + TIMEOUT_MS + " ms for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
