package dev.molt.testkit.upgrade;

import java.util.List;

import dev.molt.api.UpgradeReport;

/**
 * What a scenario that passed did, for the test's output.
 *
 * @param reports        the upgrade reports, one or more per step, in order
 * @param messagesSent   sequenced messages sent, all senders together
 * @param callsAnswered  calls answered while the traffic ran
 */
public record ScenarioResult(List<UpgradeReport> reports, long messagesSent, long callsAnswered) {

    public ScenarioResult {
        reports = List.copyOf(reports);
    }

    /** One line per report, and the totals. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (UpgradeReport r : reports) {
            b.append(r.summary()).append('\n');
        }
        return b.append(messagesSent).append(" messages, ").append(callsAnswered).append(" calls answered").toString();
    }
}
