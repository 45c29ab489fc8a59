package dev.molt.testkit.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeReport;
import dev.molt.testkit.Await;

/**
 * What a step works with: the runtime, the behaviour and its bundle, the deadline.
 *
 * @param context   the test's bundle context
 * @param runtime   the runtime service
 * @param behaviour the behaviour's name
 * @param bundle    the bundle that provides it
 * @param processes the live processes of the behaviour when the step began
 * @param timeout   how long a step may wait for anything
 */
public record StepContext(BundleContext context, ProcessRuntime runtime, String behaviour, Bundle bundle,
                          int processes, Duration timeout) {

    /**
     * Waits for the report of an upgrade of the behaviour that started at or after {@code since},
     * woken by the behaviour's service events.
     */
    public UpgradeReport awaitReportSince(Instant since) {
        UpgradeReport[] found = new UpgradeReport[1];
        String filter = "(" + dev.molt.api.Behaviour.NAME + "=" + behaviour + ")";
        Await.onServiceEvents(context, filter, "the report of the upgrade of " + behaviour + " begun at " + since, timeout, () -> {
            Optional<UpgradeReport> r = runtime.upgradeHistory().stream()
                    .filter(x -> x.behaviour().equals(behaviour) && !x.started().isBefore(since)).findFirst();
            r.ifPresent(x -> found[0] = x);
            return r.isPresent();
        });
        return found[0];
    }
}
