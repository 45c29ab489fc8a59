package dev.molt.testkit.upgrade;

import java.util.List;

import dev.molt.api.UpgradeReport;

/**
 * One change of code in a scenario, performed while the traffic runs. {@link UpgradeSteps} has
 * the atomic update, the rolling upgrade, the canary and its promotion, and the rollback: a rolling
 * step reports every process moved; a canary step moves some ({@link Result#expectedMoved}) and a
 * promote step the rest. Which code must then be garbage the scenario works out itself: every
 * revision that provided the behaviour before the step and no longer does.
 */
public interface UpgradeStep {

    /** One line for failure messages, such as {@code "update to 2.0.0"}. */
    String describe();

    /** Performs the change and returns what the scenario should then check. */
    Result perform(StepContext context) throws Exception;

    /**
     * What a step did and what should then hold.
     *
     * @param reports       the upgrade reports the step caused
     * @param expectedMoved how many processes should have moved, over all those reports
     */
    record Result(List<UpgradeReport> reports, int expectedMoved) {
        public Result {
            reports = List.copyOf(reports);
        }
    }
}
