package dev.molt.itests.supervision;

import static org.ops4j.pax.exam.CoreOptions.composite;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.api.ChildInfo;
import dev.molt.api.Pid;
import dev.molt.api.Supervisors;
import dev.molt.itests.MoltTestSupport;
import dev.molt.itests.supervision.fixture.Worker;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.TestBundles;

/**
 * What the supervision suites share: the runtime, the supervision bundle, bnd for fixtures; the
 * fixture bundle ({@code sup.worker} and {@code sup.journal}) built from {@link Worker}'s package;
 * the journal, read in order; waits on supervisors' children.
 */
public abstract class SupervisionTestSupport extends MoltTestSupport {

    public static final String FIXTURE = "fixture.supervision";

    protected Supervisors supervisors;
    protected Bundle fixture;
    protected Pid journal;

    public static Option supervisionBundles() {
        return composite(runtimeBundles(false), MoltOptions.supervision(), MoltOptions.bundleBuilder());
    }

    @Before
    public void startFixture() throws Exception {
        ServiceTracker<Supervisors, Supervisors> t = new ServiceTracker<>(context, Supervisors.class, null);
        t.open();
        supervisors = t.waitForService(WAIT.toMillis());
        t.close();
        if (supervisors == null) {
            throw new AssertionError("no Supervisors service within " + WAIT.toMillis() + " ms");
        }
        awaitBehaviour(Supervisors.BEHAVIOUR, installedBundle("dev.molt.supervision").getVersion().toString());
        fixture = fixtureBundle("1.0.0").install(context);
        fixture.start();
        awaitBehaviour("sup.worker", "1.0.0");
        journal = runtime.spawn("sup.journal", "journal", null);
    }

    @After
    public void stopEverything() throws Exception {
        List<java.util.concurrent.CompletableFuture<?>> ends = new ArrayList<>();
        for (var p : runtime.processes()) {
            ends.add(runtime.watch(p.pid()).toCompletableFuture());
            runtime.kill(p.pid(), "end of test");
        }
        java.util.concurrent.CompletableFuture.allOf(ends.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        if (fixture != null && fixture.getState() != Bundle.UNINSTALLED) {
            fixture.uninstall();
        }
    }

    protected static TestBundles.Spec fixtureBundle(String version) {
        return TestBundles.bundle(FIXTURE, version).addPackageOf(Worker.class);
    }

    /** Updates the fixture bundle to {@code version} (the same classes) and waits for its report. */
    protected void updateFixture(String version) throws Exception {
        fixture.update(new ByteArrayInputStream(fixtureBundle(version).build()));
        awaitBehaviour("sup.worker", version);
    }

    /** A copy of the fixture at {@code version}, as a file, for {@code runtime.upgrade}. */
    protected static Path fixtureJar(String version) throws Exception {
        Path p = Files.createTempFile("fixture-" + version + "-", ".jar");
        Files.write(p, fixtureBundle(version).build());
        return p;
    }

    /** What the journal recorded since it was last read, in order. */
    @SuppressWarnings("unchecked")
    protected List<List<Object>> journal() {
        return (List<List<Object>>) call(journal, "take");
    }

    /** Journal entries as short words: {@code start:a}, {@code stop:b}. */
    protected static List<String> words(List<List<Object>> entries) {
        return entries.stream().map(e -> e.get(0) + ":" + e.get(1)).collect(Collectors.toList());
    }

    /** Reads the journal until it holds {@code n} entries (more are an error) and returns them. */
    protected List<String> journalWords(int n) {
        List<List<Object>> got = new ArrayList<>();
        await(n + " journal entries (have " + got.size() + ")", () -> {
            got.addAll(journal());
            return got.size() >= n;
        });
        return words(got);
    }

    /** Child id to pid, for the running children. */
    protected Map<String, Pid> pids(Pid sup) {
        return supervisors.whichChildren(sup.toString()).stream().filter(c -> c.pid() != null)
                .collect(Collectors.toMap(ChildInfo::id, ChildInfo::pid));
    }

    protected ChildInfo child(Pid sup, String id) {
        return supervisors.whichChildren(sup.toString()).stream().filter(c -> c.id().equals(id)).findFirst()
                .orElse(null);
    }

    /** Waits until the child {@code id} runs as a process other than {@code old}, and returns it. */
    protected Pid awaitRestarted(Pid sup, String id, Pid old) {
        Pid[] now = new Pid[1];
        await("child " + id + " of " + sup + " to run again, not as " + old, () -> {
            ChildInfo c = child(sup, id);
            now[0] = c == null ? null : c.pid();
            return now[0] != null && !now[0].equals(old);
        });
        return now[0];
    }

    protected void expectCrashLogs() {
        log.expect("dev.molt.runtime: process <?\\d+>? of sup\\.worker ended");
    }
}
