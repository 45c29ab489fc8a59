package dev.molt.jmx;

import java.util.List;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.admin.BehaviourMetrics;
import dev.molt.api.admin.Latency;
import dev.molt.api.admin.RuntimeInsight;

/** One behaviour's MBean; every read asks the runtime at once. A behaviour the runtime forgot reads as empty. */
final class BehaviourBean implements BehaviourMBean {

    private final String name;
    private final ProcessRuntime runtime;
    private final RuntimeInsight insight;
    private final Operations ops;

    BehaviourBean(String name, ProcessRuntime runtime, RuntimeInsight insight, Operations ops) {
        this.name = name;
        this.runtime = runtime;
        this.insight = insight;
        this.ops = ops;
    }

    private BehaviourMetrics m() {
        return insight.behaviour(name).orElseThrow(() -> new IllegalArgumentException("the runtime no longer knows behaviour "
                + name + "; see the Behaviours attribute of dev.molt:type=Runtime"));
    }

    private BehaviourInfo info() {
        return runtime.behaviours().stream().filter(b -> b.name().equals(name)).findFirst().orElse(null);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getActiveVersion() {
        String a = m().active();
        return a == null ? "" : a;
    }

    @Override
    public String[] getVersions() {
        BehaviourInfo i = info();
        return i == null ? new String[0] : i.versions().toArray(String[]::new);
    }

    @Override
    public int getProcesses() {
        return m().processes();
    }

    @Override
    public String[] getProcessesByVersion() {
        List<String> out = m().processesByVersion().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return out.toArray(String[]::new);
    }

    @Override
    public int getHeld() {
        return m().held();
    }

    @Override
    public long getMailboxDepth() {
        return m().mailboxDepth();
    }

    @Override
    public long getMaxMailboxDepth() {
        return m().maxMailboxDepth();
    }

    @Override
    public long getMessagesHandled() {
        return m().handled();
    }

    @Override
    public long getSpawned() {
        return m().spawned();
    }

    @Override
    public long getExited() {
        return m().exited();
    }

    @Override
    public long getCrashes() {
        return m().crashes();
    }

    @Override
    public long getRecentCrashes() {
        return m().recentCrashes();
    }

    @Override
    public long getRestarts() {
        return m().restarts();
    }

    private Latency waited() {
        return m().waited();
    }

    private Latency handling() {
        return m().handling();
    }

    @Override
    public long getWaitP50Nanos() {
        return waited().p50();
    }

    @Override
    public long getWaitP99Nanos() {
        return waited().p99();
    }

    @Override
    public long getWaitMaxNanos() {
        return waited().max();
    }

    @Override
    public long getHandlerP50Nanos() {
        return handling().p50();
    }

    @Override
    public long getHandlerP99Nanos() {
        return handling().p99();
    }

    @Override
    public long getHandlerMaxNanos() {
        return handling().max();
    }

    @Override
    public String upgrade(String jarUrl, String mode, String canary) {
        return ops.upgrade(name, jarUrl, mode, canary);
    }

    @Override
    public String rollback() {
        return ops.rollback(name);
    }

    @Override
    public String promote() {
        return ops.promote(name);
    }

    @Override
    public String abort() {
        return ops.abort(name);
    }
}
