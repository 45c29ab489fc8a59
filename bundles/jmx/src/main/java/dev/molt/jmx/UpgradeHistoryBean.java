package dev.molt.jmx;

import java.util.List;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeReport;
import dev.molt.api.admin.RuntimeInsight;
import dev.molt.api.admin.UpgradePauses;

/** The upgrade history MBean. */
final class UpgradeHistoryBean implements UpgradeHistoryMBean {

    private final ProcessRuntime runtime;
    private final RuntimeInsight insight;

    UpgradeHistoryBean(ProcessRuntime runtime, RuntimeInsight insight) {
        this.runtime = runtime;
        this.insight = insight;
    }

    @Override
    public int getCount() {
        return runtime.upgradeHistory().size();
    }

    @Override
    public String[] getSummaries() {
        return runtime.upgradeHistory().stream().map(UpgradeReport::summary).toArray(String[]::new);
    }

    @Override
    public String getLast() {
        List<UpgradeReport> h = runtime.upgradeHistory();
        return h.isEmpty() ? "" : h.get(h.size() - 1).summary();
    }

    @Override
    public String[] getPauses() {
        return insight.upgrades().stream().map(UpgradeHistoryBean::pauses).toArray(String[]::new);
    }

    private static String pauses(UpgradePauses u) {
        UpgradeReport r = u.report();
        return String.format("%s %s -> %s: %d pauses, p50 %.1f us, p99 %.1f us, max %.1f us", r.behaviour(), r.fromVersion(),
                r.toVersion(), u.pauses().samples(), u.pauses().p50() / 1e3, u.pauses().p99() / 1e3, u.pauses().max() / 1e3);
    }
}
