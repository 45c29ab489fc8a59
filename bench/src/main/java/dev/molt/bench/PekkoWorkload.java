package dev.molt.bench;

import dev.molt.bench.pekko.PekkoSupport;
import org.apache.pekko.actor.ActorSystem;

/** A workload on an actor system started by {@link PekkoSupport#start}; closing terminates it. */
abstract class PekkoWorkload implements Workload {

    final ActorSystem system;
    private final long messages;

    PekkoWorkload(ActorSystem system, long messages) {
        this.system = system;
        this.messages = messages;
    }

    @Override
    public long messages() {
        return messages;
    }

    @Override
    public String check() {
        return PekkoSupport.configText() + "; at run time: " + PekkoSupport.check(system);
    }

    @Override
    public String schedulerThreadMark() {
        return PekkoSupport.DISPATCHER_THREAD_MARK;
    }

    @Override
    public java.util.concurrent.ForkJoinPool pool() {
        return PekkoSupport.pool();
    }

    @Override
    public void close() {
        PekkoSupport.stop(system);
    }
}
