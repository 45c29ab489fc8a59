package dev.molt.testkit.upgrade;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** What identifies each report of the behaviour now in the history; take it before the change. */
    public Set<String> reportsSoFar() {
        return runtime.upgradeHistory().stream().filter(r -> r.behaviour().equals(behaviour)).map(StepContext::key)
                .collect(Collectors.toSet());
    }

    /**
     * Waits for a report of the behaviour that is not among {@code before} (see
     * {@link #reportsSoFar}), woken by the behaviour's service events, and returns it. A report is
     * known by its start, from and to versions: its counts may change later (a held process that
     * moves late), and clocks are not compared.
     */
    public UpgradeReport awaitNewReport(Set<String> before) {
        UpgradeReport[] found = new UpgradeReport[1];
        String filter = "(" + dev.molt.api.Behaviour.NAME + "=" + behaviour + ")";
        Await.onServiceEvents(context, filter, "the report of the upgrade of " + behaviour, timeout, () -> {
            Optional<UpgradeReport> r = runtime.upgradeHistory().stream()
                    .filter(x -> x.behaviour().equals(behaviour) && !before.contains(key(x))).findFirst();
            r.ifPresent(x -> found[0] = x);
            return r.isPresent();
        });
        return found[0];
    }

    private static String key(UpgradeReport r) {
        return r.started() + " " + r.fromVersion() + " " + r.toVersion();
    }
}
