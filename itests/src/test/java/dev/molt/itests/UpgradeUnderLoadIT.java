package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

import dev.molt.api.Struct;
import dev.molt.testkit.upgrade.ScenarioResult;
import dev.molt.testkit.upgrade.SequenceReader;
import dev.molt.testkit.upgrade.UpgradeScenario;
import dev.molt.testkit.upgrade.UpgradeSteps;

/**
 * The counter bundle updated twenty times, alternating 2.0.0 and 1.0.0, while four senders
 * send sequence-numbered messages to a thousand counters and a caller keeps calling: the kit's
 * upgrade scenario. Afterwards every counter accounts for every message exactly once and in each
 * sender's order, every call was answered, each replaced revision's class loader was collected,
 * and the runtime logged no warning.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeUnderLoadIT extends MoltTestSupport {

    static final int PROCESSES = 1000;
    static final int SENDERS = 4;
    static final int PER_SENDER = 50_000;
    static final int UPDATES = 20;

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    @Test
    public void twentyUpdatesUnderLoadLoseDuplicateAndReorderNothing() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        // 20 updates from 1.0.0 end on 1.0.0, whose state calls the total "count".
        UpgradeScenario s = scenario("counter").processes(PROCESSES).senders(SENDERS).messagesPerSender(PER_SENDER)
                .call("get")
                .sequences(SequenceReader.fields("lastSeq", "outOfOrder", "count"))
                .checkState((pid, state, sent) -> {
                    assertEquals("messages counted by " + pid, sent, ((Struct) state).get("count"));
                    assertEquals(UPDATES, runtime.info(pid).orElseThrow().upgrades());
                });
        for (int u = 0; u < UPDATES; u++) {
            s.then(UpgradeSteps.update(url(u % 2 == 0 ? "dev.molt.counter-v2" : "dev.molt.counter-v1")));
        }
        ScenarioResult r = s.run();
        assertEquals(UPDATES, r.reports().size());
        assertEquals("1.0.0", counterBundle().getVersion().toString());
        assertEquals((long) SENDERS * (PER_SENDER / (UPDATES + 1)) * (UPDATES + 1), r.messagesSent());
        System.out.println(r.summary());
    }
}
