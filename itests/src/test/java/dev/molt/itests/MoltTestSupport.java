package dev.molt.itests;

import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleWiring;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.Struct;
import dev.molt.api.UpgradeReport;

/**
 * What the runtime suites share: a real Felix with SCR, the jars of this build (never a copy
 * from the local repository), and helpers that wait on events with deadlines.
 */
public abstract class MoltTestSupport {

    public static final Duration WAIT = Duration.ofSeconds(30);
    public static final String COUNTER = "dev.molt.examples.counter";

    @Inject
    protected BundleContext context;

    @Inject
    protected ProcessRuntime runtime;

    /** The path of a jar this build made, from the system property failsafe sets (itests/pom.xml). */
    public static String path(String property) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("system property " + property + " should name a jar of this build, is " + path);
        }
        return path;
    }

    public static String url(String property) {
        return new File(path(property)).toURI().toString();
    }

    /** Felix with SCR and the Molt runtime, and counter 1.0.0 unless {@code withCounter} is false. */
    public static Option runtimeBundles(boolean withCounter) {
        return composite(
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                bundle(url("osgi.util.function")),
                bundle(url("osgi.util.promise")),
                bundle(url("osgi.service.component")),
                bundle(url("felix.scr")),
                bundle(url("dev.molt.process-api")),
                bundle(url("dev.molt.mailbox-service")),
                withCounter ? bundle(url("dev.molt.counter-v1")) : composite(),
                junitBundles());
    }

    protected Bundle counterBundle() {
        return Arrays.stream(context.getBundles()).filter(b -> COUNTER.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("the counter bundle is not installed"));
    }

    /** Updates {@code bundle} from the jar named by the system property {@code jar}. */
    protected static void update(Bundle bundle, String jar) throws Exception {
        try (InputStream in = new FileInputStream(path(jar))) {
            bundle.update(in);
        }
    }

    /** A weak reference to the class loader of the bundle's current revision. */
    protected static WeakReference<ClassLoader> loaderOf(Bundle bundle) {
        return new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader());
    }

    /**
     * Waits until {@code ref} is cleared, asking for garbage collection; fails naming
     * {@code what} if it is still reachable after {@code WAIT}.
     */
    protected static void awaitCollected(WeakReference<?> ref, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (ref.get() != null) {
            if (System.nanoTime() > deadline) {
                fail(what + " is still reachable " + WAIT.toSeconds() + " s after the update: something holds old code");
            }
            System.gc();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Polls {@code condition} until it holds, failing after {@code WAIT}. */
    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("waited " + WAIT.toSeconds() + " s for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    /** Waits until {@code behaviour} is active at {@code version}. */
    protected void awaitBehaviour(String behaviour, String version) {
        await(behaviour + " " + version + " to be active", () -> runtime.behaviours().stream()
                .anyMatch(b -> b.name().equals(behaviour) && version.equals(b.active())));
    }

    protected BehaviourInfo behaviour(String name) {
        return runtime.behaviours().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no behaviour " + name));
    }

    /** The process's exported state, read at a message boundary. */
    protected Struct state(Pid pid) throws Exception {
        return (Struct) runtime.state(pid).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Reports of {@code behaviour}, oldest first. */
    protected List<UpgradeReport> reports(String behaviour) {
        return runtime.upgradeHistory().stream().filter(r -> r.behaviour().equals(behaviour)).toList();
    }

    protected Object call(Pid pid, Object message) {
        return runtime.call(pid, message, WAIT);
    }
}
