package dev.molt.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

import dev.molt.api.Behaviour;
import dev.molt.api.BehaviourInfo;
import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.UpgradeReport;
import dev.molt.testkit.upgrade.UpgradeScenario;

/**
 * A base class for Pax Exam tests of behaviours (run with {@code @RunWith(PaxExam.class)} and
 * {@link MoltOptions#molt()}): the runtime and the bundle context injected, waits on events with
 * deadlines, a log capture open for each test, and the upgrade scenario.
 *
 * <p>{@link #context} is the context of the kit's bundle, which declares the field (Pax Exam
 * injects the context of the declaring class's bundle): a service registered through it is the
 * kit bundle's.
 *
 * <p>Every wait fails after {@link #WAIT} with a message naming what it waited for. The log
 * capture ({@link #log}) records warnings and errors; a test that wants a clean log calls
 * {@code log.assertNothingUnexpected()} (the upgrade scenario does so itself).
 */
public abstract class MoltTestBase {

    /** How long every wait of the kit waits. */
    public static final Duration WAIT = Await.DEFAULT;

    @Inject
    protected BundleContext context;

    @Inject
    protected ProcessRuntime runtime;

    /** Warnings and errors logged during the current test. */
    protected LogCapture log;

    @Before
    public void startLogCapture() {
        log = LogCapture.start(context);
    }

    @After
    public void stopLogCapture() {
        if (log != null) {
            log.close();
        }
    }

    /** An upgrade scenario for {@code behaviour}; see {@link UpgradeScenario}. */
    protected UpgradeScenario scenario(String behaviour) {
        return UpgradeScenario.of(context, runtime, behaviour).log(log);
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
    public static void await(String what, BooleanSupplier condition) {
        Await.until(what, WAIT, condition);
    }

    /** Waits until {@code behaviour} is active at {@code version}, woken by behaviour service events. */
    protected void awaitBehaviour(String behaviour, String version) {
        Await.onServiceEvents(context, behaviourFilter(behaviour), behaviour + " " + version + " to be active", WAIT,
                () -> runtime.behaviours().stream().anyMatch(b -> b.name().equals(behaviour) && version.equals(b.active())));
    }

    /** What the runtime knows of {@code name}. */
    protected BehaviourInfo behaviour(String name) {
        return runtime.behaviours().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no behaviour " + name + "; known: " + runtime.behaviours()));
    }

    /** The installed bundle with this symbolic name (not {@code bundle}: that would hide Pax Exam's CoreOptions.bundle in subclasses). */
    protected Bundle installedBundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName + " is installed"));
    }

    /** The process's exported state, read at a message boundary (ahead of queued messages). */
    protected Object exportedState(Pid pid) throws Exception {
        try {
            return runtime.state(pid).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no state from " + pid + " within " + WAIT.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    /** Waits until the exported state of {@code pid} satisfies {@code condition}. */
    protected void awaitState(Pid pid, String what, Predicate<Object> condition) {
        await("the state of " + pid + " to " + what, () -> {
            try {
                return condition.test(runtime.state(pid).toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (Exception e) {
                throw new AssertionError("reading the state of " + pid + " failed: " + e, e);
            }
        });
    }

    /** Waits until {@code pid} has {@code status}. */
    protected void awaitStatus(Pid pid, ProcessStatus status) {
        await(pid + " to be " + status, () -> runtime.info(pid).map(ProcessInfo::status).orElse(null) == status);
    }

    /** Reports of {@code behaviour} in the history, oldest first. */
    protected List<UpgradeReport> reports(String behaviour) {
        return runtime.upgradeHistory().stream().filter(r -> r.behaviour().equals(behaviour)).toList();
    }

    /**
     * Waits for a report of {@code behaviour} that satisfies {@code condition} (say, one to
     * version 2.0.0), woken by behaviour service events, and returns it.
     */
    protected UpgradeReport awaitReport(String behaviour, String what, Predicate<UpgradeReport> condition) {
        UpgradeReport[] found = new UpgradeReport[1];
        Await.onServiceEvents(context, behaviourFilter(behaviour), "a report of " + behaviour + " " + what, WAIT, () -> {
            Optional<UpgradeReport> r = reports(behaviour).stream().filter(condition).reduce((a, b) -> b);
            r.ifPresent(x -> found[0] = x);
            return r.isPresent();
        });
        return found[0];
    }

    /** A call with the kit's deadline. */
    protected Object call(Pid pid, Object message) {
        return runtime.call(pid, message, WAIT);
    }

    /** A weak reference to the class loader of {@code bundle}'s current revision. */
    protected static WeakReference<ClassLoader> loaderOf(Bundle bundle) {
        return ClassLoaders.loaderOf(bundle);
    }

    /** Waits until the class loader behind {@code ref} is garbage-collected; see {@link ClassLoaders}. */
    protected static void awaitCollected(WeakReference<?> ref, String what) {
        ClassLoaders.awaitCollected(ref, what, WAIT);
    }

    /** Updates {@code bundle} from the jar at {@code url} (a {@code Bundle.update}, as Gogo's update does). */
    protected static void updateFrom(Bundle bundle, String url) throws BundleException, IOException {
        try (InputStream in = new URL(url).openStream()) {
            bundle.update(in);
        }
    }

    static String behaviourFilter(String behaviour) {
        return "(&(objectClass=" + Behaviour.class.getName() + ")(" + Behaviour.NAME + "=" + behaviour + "))";
    }
}
