package dev.molt.jmx;

import java.util.List;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.admin.RuntimeInsight;
import dev.molt.api.admin.RuntimeTotals;

/** The runtime MBean; every read asks the runtime's services at once (nothing is cached). */
final class RuntimeBean implements RuntimeMBean {

    private final ProcessRuntime runtime;
    private final RuntimeInsight insight;
    private final Operations ops;

    RuntimeBean(ProcessRuntime runtime, RuntimeInsight insight, Operations ops) {
        this.runtime = runtime;
        this.insight = insight;
        this.ops = ops;
    }

    private RuntimeTotals totals() {
        return insight.totals();
    }

    @Override
    public int getProcesses() {
        return totals().processes();
    }

    @Override
    public long getSpawned() {
        return totals().spawned();
    }

    @Override
    public long getExited() {
        return totals().exited();
    }

    @Override
    public long getCrashes() {
        return totals().crashes();
    }

    @Override
    public long getMessagesHandled() {
        return totals().handled();
    }

    @Override
    public int getHeld() {
        return totals().held();
    }

    @Override
    public int getLatencySampling() {
        return totals().latencySampling();
    }

    @Override
    public boolean isProcessLatency() {
        return totals().processLatency();
    }

    @Override
    public long getEventsDropped() {
        return totals().eventsDropped();
    }

    @Override
    public String[] getBehaviours() {
        return runtime.behaviours().stream().map(BehaviourInfo::name).toArray(String[]::new);
    }

    @Override
    public String[] getProcessList() {
        List<ProcessInfo> all = runtime.processes();
        String[] out = new String[all.size()];
        for (int i = 0; i < out.length; i++) {
            ProcessInfo p = all.get(i);
            out[i] = p.pid().id() + " " + (p.name() == null ? "-" : p.name()) + " " + p.behaviour() + " " + p.version() + " "
                    + p.status() + " " + p.mailboxDepth() + " " + p.handled();
        }
        return out;
    }

    @Override
    public String upgrade(String behaviour, String jarUrl, String mode, String canary) {
        return ops.upgrade(behaviour, jarUrl, mode, canary);
    }

    @Override
    public String rollback(String behaviour) {
        return ops.rollback(behaviour);
    }

    @Override
    public String promote(String behaviour) {
        return ops.promote(behaviour);
    }

    @Override
    public String abort(String behaviour) {
        return ops.abort(behaviour);
    }

    @Override
    public boolean kill(String pidOrName, String reason) {
        return ops.kill(pidOrName, reason);
    }

    @Override
    public void retry(String pidOrName) {
        ops.retry(pidOrName);
    }
}
