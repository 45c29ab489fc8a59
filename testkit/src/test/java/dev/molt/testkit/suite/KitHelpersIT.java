package dev.molt.testkit.suite;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

import dev.molt.api.Pid;
import dev.molt.api.ProcessStatus;
import dev.molt.api.Struct;
import dev.molt.api.UpgradeReport;
import dev.molt.testkit.Await;
import dev.molt.testkit.ClassLoaders;
import dev.molt.testkit.LogCapture;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.MoltTestBase;
import dev.molt.testkit.TestBundles;
import dev.molt.testkit.fixtures.base.TallyBehaviour;
import dev.molt.testkit.fixtures.good.Good;
import dev.molt.testkit.fixtures.pinning.Pinning;

/**
 * The kit's helpers one by one, each shown to fail when what it checks is not so: the log
 * capture sees the runtime's own warnings, the collection wait fails while a loader is pinned,
 * the waits name what they waited for.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KitHelpersIT extends MoltTestBase {

    private static final Duration SHORT = Duration.ofSeconds(2);

    @Configuration
    public Option[] config() {
        return options(MoltOptions.molt(), MoltOptions.bundleBuilder());
    }

    @Test
    public void theLogCaptureSeesAWarningTheRuntimeLogsAndPassesItOnceExpected() throws Exception {
        Bundle tally = start(Good.class);
        Pid p = runtime.spawn("tally", null);
        log.assertNothingUnexpected();
        runtime.send(p, "crash");
        await("the crash to be logged", () -> !log.entries().isEmpty());
        AssertionError e = assertThrows(AssertionError.class, log::assertNothingUnexpected);
        // The runtime writes a pid as <1> or as 1, depending on its version.
        assertTrue(e.getMessage(), Pattern.compile("WARNING dev.molt.runtime: process <?" + p.id() + ">? ").matcher(e.getMessage()).find());
        assertTrue(e.getMessage(), e.getMessage().contains("crash requested"));
        log.expect("dev.molt.runtime: process <?\\d+>? of tally ended");
        log.assertNothingUnexpected();
    }

    @Test
    public void theCollectionWaitFailsWhileALoaderIsPinnedAndPassesOnceItIsReleased() throws Exception {
        Bundle pinning = start(Pinning.class);
        Pid p = runtime.spawn("tally", null);
        WeakReference<ClassLoader> loader = ClassLoaders.loaderOf(pinning);
        pinning.uninstall();
        awaitStatus(p, ProcessStatus.SUSPENDED);
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> ClassLoaders.awaitCollected(loader, "the pinned loader", SHORT));
            assertTrue(e.getMessage(), e.getMessage().startsWith("the pinned loader is still reachable 2000 ms and "));
        } finally {
            System.getProperties().remove(Pinning.PIN);
        }
        awaitCollected(loader, "the loader, released");
    }

    @Test
    public void stateAndReportWaitsReturnWhenTheirConditionHolds() throws Exception {
        Bundle tally = start(Good.class);
        Pid p = runtime.spawn("tally", null);
        for (long seq = 1; seq <= 500; seq++) {
            runtime.send(p, List.of("a", seq));
        }
        awaitState(p, "count 500", s -> Long.valueOf(500).equals(((Struct) s).get("count")));
        tally.update(new ByteArrayInputStream(TestBundles.bundle("fixture.tally", "2.0.0")
                .addPackageOf(TallyBehaviour.class).addPackageOf(Good.class).build()));
        UpgradeReport r = awaitReport("tally", "to 2.0.0", x -> x.toVersion().equals("2.0.0"));
        assertEquals(1, r.migrated());
        assertEquals("2.0.0", call(p, "version"));
        assertEquals(500L, call(p, "get"));
    }

    @Test
    public void aWaitThatRunsOutNamesWhatItWaitedFor() {
        AssertionError e = assertThrows(AssertionError.class, () -> Await.until("the moon", Duration.ofMillis(50), () -> false));
        assertEquals("waited 50 ms for the moon", e.getMessage());
        AssertionError b = assertThrows(AssertionError.class, () -> awaitBehaviourBriefly("nobody"));
        assertTrue(b.getMessage(), b.getMessage().contains("nobody"));
    }

    private void awaitBehaviourBriefly(String name) {
        Await.onServiceEvents(context, null, name + " to be active", Duration.ofMillis(100),
                () -> runtime.behaviours().stream().anyMatch(b -> b.name().equals(name)));
    }

    /** Installs and starts tally 1.0.0 built from {@code fixture}, once the runtime has it. */
    private Bundle start(Class<? extends TallyBehaviour> fixture) throws Exception {
        Bundle b = TestBundles.bundle("fixture.tally", "1.0.0").addPackageOf(TallyBehaviour.class).addPackageOf(fixture)
                .install(context);
        b.start();
        awaitBehaviour("tally", "1.0.0");
        return b;
    }

    /** The capture is the base class's; this one shows a capture of its own can be opened beside it. */
    @Test
    public void twoCapturesSeeTheSameEntry() throws Exception {
        try (LogCapture mine = LogCapture.start(context)) {
            System.getLogger("dev.molt.testkit.suite").log(System.Logger.Level.ERROR, "both see this");
            assertEquals(1, mine.entries().size());
            assertEquals("ERROR dev.molt.testkit.suite: both see this", mine.entries().get(0).toString());
            assertEquals(mine.entries(), log.entries());
        }
    }
}
