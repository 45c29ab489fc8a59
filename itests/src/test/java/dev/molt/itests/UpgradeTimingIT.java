package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.molt.api.UpgradeReport;

/**
 * What one real bundle update costs for 1,000 and 10,000 idle counters: prints the reports
 * (figures for the docs, never asserted) and asserts only that every process moved.
 * Re-run: {@code mvn -pl itests -am verify -Dit.test=UpgradeTimingIT}; the figures are in
 * itests/target/failsafe-reports/dev.molt.itests.UpgradeTimingIT-output.txt.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class UpgradeTimingIT extends MoltTestSupport {

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    @Test
    public void updatesOfOneThousandAndTenThousandProcesses() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Bundle counter = counterBundle();
        int spawned = 0;
        int updates = 0;
        for (int n : new int[]{1_000, 10_000}) {
            for (; spawned < n; spawned++) {
                runtime.spawn("counter", spawned);
            }
            for (int round = 0; round < 4; round++) {
                update(counter, updates % 2 == 0 ? "dev.molt.counter-v2" : "dev.molt.counter-v1");
                List<UpgradeReport> reports = reports("counter");
                UpgradeReport r = reports.get(reports.size() - 1);
                assertEquals(r.summary(), n, r.migrated());
                assertEquals(r.summary(), List.of(), r.held());
                updates++;
                System.out.printf("%6d processes, round %d: total %8.2f ms, longest pause %8.2f ms%n", n, round,
                        r.total().toNanos() / 1e6, r.longestPause().toNanos() / 1e6);
            }
        }
    }
}
