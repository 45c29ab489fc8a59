package dev.molt.itests.shell;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.itests.MoltTestSupport;

/**
 * What the shell suites add to {@link MoltTestSupport}: ConfigAdmin, the Gogo runtime,
 * command and shell bundles, Molt's proc: commands (this build's jar), and a Gogo session
 * opened once those commands are registered.
 */
public abstract class ShellTestSupport extends MoltTestSupport {

    @Inject
    protected CommandProcessor processor;

    protected GogoSession shell;

    /** The runtime, the shell, and counter 1.0.0 unless {@code withCounter} is false. */
    static Option shellBundles(boolean withCounter) {
        return composite(
                runtimeBundles(withCounter),
                bundle(url("felix.configadmin")),
                bundle(url("felix.gogo.runtime")),
                bundle(url("felix.gogo.command")),
                // The console's bundle: its converters read a typed bundle id as a Bundle. Its
                // own console must neither read the test JVM's stdin nor stop the framework when it ends.
                frameworkProperty("gosh.args").value("--nointeractive --noshutdown"),
                bundle(url("felix.gogo.shell")),
                bundle(url("dev.molt.shell")));
    }

    @Before
    public void openShell() throws Exception {
        ServiceTracker<Object, Object> commands = new ServiceTracker<>(context,
                context.createFilter("(&(osgi.command.scope=proc)(osgi.command.function=ps))"), null);
        commands.open(true);
        try {
            if (commands.waitForService(WAIT.toMillis()) == null) {
                fail("the proc: commands were not registered within " + WAIT.toSeconds() + " s");
            }
        } finally {
            commands.close();
        }
        shell = new GogoSession(processor);
    }

    @After
    public void closeShell() {
        if (shell != null) {
            shell.close();
        }
    }
}
