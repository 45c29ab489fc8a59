package dev.molt.testkit.suite;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Duration;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

import dev.molt.api.Struct;
import dev.molt.api.UpgradeMode;
import dev.molt.testkit.LogCapture;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.MoltTestBase;
import dev.molt.testkit.TestBundles;
import dev.molt.testkit.fixtures.amnesiac.Amnesiac;
import dev.molt.testkit.fixtures.base.TallyBehaviour;
import dev.molt.testkit.fixtures.duplicating.Duplicating;
import dev.molt.testkit.fixtures.good.Good;
import dev.molt.testkit.fixtures.lossy.Lossy;
import dev.molt.testkit.fixtures.noisy.Noisy;
import dev.molt.testkit.fixtures.pinning.Pinning;
import dev.molt.testkit.fixtures.reordering.Reordering;
import dev.molt.testkit.fixtures.silent.Silent;
import dev.molt.testkit.upgrade.ScenarioResult;
import dev.molt.testkit.upgrade.SequenceReader;
import dev.molt.testkit.upgrade.UpgradeScenario;
import dev.molt.testkit.upgrade.UpgradeSteps;

/**
 * The upgrade scenario passes a correct upgrade, and each of its checks fails for a behaviour
 * that really breaks it: built on the fly, a v2 that loses, reorders or duplicates a message,
 * never answers a call, forgets part of the state or logs an error, and a v1 that pins its class
 * loader. Each test gets a fresh framework: a broken revision must not leak into the next test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UpgradeScenarioIT extends MoltTestBase {

    /** Short, so that the waits the broken behaviours make run out are over quickly. */
    private static final Duration SHORT = Duration.ofSeconds(3);

    @Configuration
    public Option[] config() {
        return options(MoltOptions.molt(), MoltOptions.bundleBuilder());
    }

    @After
    public void unpin() {
        System.getProperties().remove(Pinning.PIN);
    }

    @Test
    public void aCorrectUpgradeAndItsRollbackPassEveryCheck() throws Exception {
        installV1(Good.class);
        ScenarioResult r = tally()
                .then(UpgradeSteps.update("tally 2.0.0", v2(Good.class)))
                .then(UpgradeSteps.rollback())
                .checkState((pid, state, sent) -> assertEquals(sent, ((Struct) state).get("count")))
                .run();
        assertEquals(2, r.reports().size());
        assertEquals("2.0.0", r.reports().get(0).toVersion());
        assertEquals("1.0.0", r.reports().get(1).toVersion());
        assertEquals(3L * 3_000, r.messagesSent());
        assertTrue(r.summary(), r.callsAnswered() > 0);
        System.out.println(r.summary());
    }

    @Test
    public void aLostMessageFailsTheScenario() throws Exception {
        assertFails(Lossy.class, "lost: ");
    }

    @Test
    public void aReorderedMessageFailsTheScenario() throws Exception {
        assertFails(Reordering.class, "reordered: ");
    }

    @Test
    public void aDuplicatedMessageFailsTheScenario() throws Exception {
        assertFails(Duplicating.class, "duplicated: ");
    }

    @Test
    public void anUnansweredCallFailsTheScenario() throws Exception {
        assertFails(Silent.class, "call(s) failed during the scenario");
    }

    @Test
    public void anErrorInTheLogFailsTheScenarioUnlessExpected() throws Exception {
        AssertionError e = assertFails(Noisy.class, "unexpected warning(s) or error(s) were logged");
        assertTrue(e.getMessage(), e.getMessage().contains("ERROR dev.molt.testkit.fixtures.noisy: tally <"));
        // Declared, the same log passes; the other checks still run (a fresh capture for the rerun).
        // The rerun reloads the noisy 2.0.0, whose import logs the error again: without expectLog
        // it fails as the first run did (checked).
        log.close();
        log = LogCapture.start(context);
        tally().then(UpgradeSteps.update("tally 2.0.0 (Noisy) again", v2(Noisy.class)))
                .expectLog("could not read the old settings").run();
    }

    @Test
    public void aRollingUpgradeThenACanaryAndItsPromotionPassEveryCheck() throws Exception {
        installV1(Good.class);
        ScenarioResult r = tally()
                .then(UpgradeSteps.rolling("tally 2.0.0", v2(Good.class)))
                .then(UpgradeSteps.canary("tally 3.0.0", fixtureBundle(Good.class, "3.0.0").build(), "25%"))
                .then(UpgradeSteps.promote())
                .checkState((pid, state, sent) -> assertEquals(sent, ((Struct) state).get("count")))
                .run();
        assertEquals(3, r.reports().size());
        assertEquals(UpgradeMode.ROLLING, r.reports().get(0).mode());
        assertEquals("2.0.0", r.reports().get(0).toVersion());
        assertEquals(UpgradeMode.CANARY, r.reports().get(1).mode());
        assertEquals("a quarter of the 20 processes first", 5, r.reports().get(1).migrated());
        assertEquals("3.0.0", r.reports().get(2).toVersion());
        assertEquals(20, r.reports().get(2).migrated());
    }

    @Test
    public void aLostMessageFailsARollingScenarioToo() throws Exception {
        installV1(Good.class);
        AssertionError e = assertThrows(AssertionError.class,
                () -> tally().then(UpgradeSteps.rolling("tally 2.0.0 (Lossy)", v2(Lossy.class))).run());
        assertTrue(e.getMessage(), e.getMessage().contains("lost: "));
    }

    @Test
    public void aStateTheTestDoesNotExpectFailsTheScenario() throws Exception {
        installV1(Good.class);
        AssertionError e = assertThrows(AssertionError.class, () -> tally().spawnArgument(i -> "kept")
                .then(UpgradeSteps.update("tally 2.0.0 (amnesiac)", v2(Amnesiac.class)))
                .checkState((pid, state, sent) -> assertEquals("label", "kept", ((Struct) state).get("label")))
                .run());
        assertTrue(e.getMessage(), e.getMessage().contains("state check: <"));
        assertTrue(e.getMessage(), e.getMessage().contains("label expected:<kept> but was:<null>"));
    }

    @Test
    public void aPinnedClassLoaderFailsTheScenario() throws Exception {
        installV1(Pinning.class);
        AssertionError e = assertThrows(AssertionError.class, () -> tally().timeout(SHORT)
                .then(UpgradeSteps.update("tally 2.0.0", v2(Good.class))).run());
        assertTrue(e.getMessage(), e.getMessage().startsWith("the class loader of tally 1.0.0 (bundle "));
        assertTrue(e.getMessage(), e.getMessage().contains(") after step 1 (update to tally 2.0.0"));
        assertTrue(e.getMessage(), e.getMessage().contains("is still reachable"));
    }

    /** Installs a correct v1, runs the scenario up to v2 of {@code broken}, and returns its failure. */
    private AssertionError assertFails(Class<? extends TallyBehaviour> broken, String expected) throws Exception {
        installV1(Good.class);
        UpgradeScenario s = tally().then(UpgradeSteps.update("tally 2.0.0 (" + broken.getSimpleName() + ")", v2(broken)));
        AssertionError e = assertThrows(AssertionError.class, s::run);
        assertTrue("expected a failure with '" + expected + "', got: " + e.getMessage(), e.getMessage().contains(expected));
        return e;
    }

    private UpgradeScenario tally() {
        return scenario("tally").processes(20).senders(3).messagesPerSender(3_000).call("get")
                .sequences(SequenceReader.fields("lastSeq", "outOfOrder", "count"));
    }

    private void installV1(Class<? extends TallyBehaviour> fixture) throws Exception {
        fixtureBundle(fixture, "1.0.0").install(context).start();
        awaitBehaviour("tally", "1.0.0");
    }

    private static byte[] v2(Class<? extends TallyBehaviour> fixture) {
        return fixtureBundle(fixture, "2.0.0").build();
    }

    /** Every version of the fixture is one bundle, as every version of a real behaviour is. */
    private static TestBundles.Spec fixtureBundle(Class<? extends TallyBehaviour> fixture, String version) {
        return TestBundles.bundle("fixture.tally", version).addPackageOf(TallyBehaviour.class).addPackageOf(fixture);
    }
}
