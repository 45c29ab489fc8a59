package dev.molt.bench;

import dev.molt.api.ProcessRuntime;
import dev.molt.bench.molt.MoltSupport;

/** A workload on a Molt runtime started by {@link MoltSupport#start()}; closing stops the runtime. */
abstract class MoltWorkload implements Workload {

    final ProcessRuntime runtime;
    private final long messages;

    MoltWorkload(ProcessRuntime runtime, long messages) {
        this.runtime = runtime;
        this.messages = messages;
    }

    @Override
    public long messages() {
        return messages;
    }

    @Override
    public String check() {
        return MoltSupport.settingsText() + "; a handler runs on " + MoltSupport.probeWorkers(runtime);
    }

    @Override
    public String schedulerThreadMark() {
        return MoltSupport.WORKER_THREAD_PREFIX;
    }

    @Override
    public java.util.concurrent.ForkJoinPool pool() {
        return MoltSupport.pool();
    }

    @Override
    public void close() {
        MoltSupport.stop(runtime);
    }
}
