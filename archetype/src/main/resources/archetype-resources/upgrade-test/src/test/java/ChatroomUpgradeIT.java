package ${package};

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;

import dev.molt.api.Pid;
import dev.molt.api.Struct;
import dev.molt.testkit.ClasspathBundles;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.MoltTestBase;
import dev.molt.testkit.upgrade.ScenarioResult;
import dev.molt.testkit.upgrade.SequenceReader;
import dev.molt.testkit.upgrade.UpgradeSteps;

/**
 * ${behaviourName} 1.0.0 upgraded to 2.0.0 and rolled back, in a real Felix with the Molt runtime,
 * while senders post and a caller keeps calling. Each test gets a fresh framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ChatroomUpgradeIT extends MoltTestBase {

    static final String BUNDLE = "${groupId}.${behaviourName}";

    @Configuration
    public Option[] config() {
        // The runtime and its framework bundles, and version 1.0.0 of this behaviour.
        return options(MoltOptions.molt(), MoltOptions.behaviour(BUNDLE, "1.0.0"));
    }

    /**
     * The kit's scenario: nothing lost, duplicated or reordered, every call answered, each old
     * class loader collected, no warning logged, and every room keeps its topic and count.
     */
    @Test
    public void upgradeAndRollbackUnderLoadLoseNothing() throws Exception {
        ScenarioResult r = scenario("${behaviourName}")
                .processes(50).spawnArgument(i -> "room " + i)
                .senders(3).messagesPerSender(6_000)
                .call("count")
                .then(UpgradeSteps.update(ClasspathBundles.find(BUNDLE, "2.0.0").url()))
                .then(UpgradeSteps.rollback())
                // After the rollback the state is 1.0.0's again: posts, not messages.
                .sequences(SequenceReader.fields("lastSeq", "outOfOrder", "posts"))
                .checkState((pid, state, sent) -> {
                    Struct s = (Struct) state;
                    assertEquals(sent, s.get("posts"));
                    assertTrue("topic " + s.get("topic"), String.valueOf(s.get("topic")).startsWith("room "));
                })
                .run();
        System.out.println(r.summary());
    }

    /** Version 2.0.0 reads the renamed field: the count goes on where 1.0.0 left it. */
    @Test
    public void version2KeepsTheCountUnderItsNewName() throws Exception {
        awaitBehaviour("${behaviourName}", "1.0.0");
        Pid room = runtime.spawn("${behaviourName}", "java");
        for (long seq = 1; seq <= 3; seq++) {
            runtime.send(room, List.of("ada", seq));
        }
        assertEquals(3L, call(room, "count"));
        updateFrom(installedBundle(BUNDLE), ClasspathBundles.find(BUNDLE, "2.0.0").url());
        awaitBehaviour("${behaviourName}", "2.0.0");
        assertEquals("2.0.0", call(room, "version"));
        assertEquals("java: 3 messages", call(room, "summary"));
        assertEquals(3L, ((Struct) exportedState(room)).get("messages"));
        log.assertNothingUnexpected();
    }
}
