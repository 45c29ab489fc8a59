package dev.molt.runtime.core;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pool that runs processes: a ForkJoinPool in FIFO (async) mode, as Pekko's default
 * dispatcher uses, made fair to work that arrives from outside the pool.
 *
 * <p>Why the subclass: a process that reschedules itself from a worker lands on that worker's
 * local queue, and a worker drains its local queue before it looks at tasks submitted from
 * other threads; with every worker busy, a process sent a message from outside would wait until
 * the busy ones ran dry. So a worker whose process used its whole turn, and has given up
 * ownership of it, first runs one waiting outside submission ({@link #yieldToSubmissions}) —
 * never nested: a yielded-to process that also uses its whole turn does not yield again. Measured alternatives, ping-pong on two
 * cores: this pool about 11M msgs/s; ThreadPoolExecutor on LinkedBlockingQueue about 5M; on
 * LinkedTransferQueue about 30k (idle workers spin in Thread.yield).
 */
final class WorkerPool extends ForkJoinPool {

    WorkerPool(int workers) {
        super(workers, new Factory(), (t, e) -> System.getLogger("dev.molt.runtime")
                .log(System.Logger.Level.ERROR, "uncaught in " + t.getName(), e), true);
    }

    /**
     * On a worker of this pool: runs one task submitted from outside the pool, if one waits.
     * Called by a process that used its whole turn and has more to do, before it re-queues.
     */
    void yieldToSubmissions() {
        if (!(Thread.currentThread() instanceof Worker w) || w.getPool() != this || w.yielding || !hasQueuedSubmissions()) {
            return;
        }
        ForkJoinTask<?> t = pollSubmission();
        if (t != null) {
            w.yielding = true;
            try {
                t.quietlyInvoke();
            } finally {
                w.yielding = false;
            }
        }
    }

    /**
     * Puts back the worker's context class loader if a callback changed it: a behaviour's
     * loader left there would keep the behaviour's old code alive after an upgrade.
     */
    static void restoreContextLoader() {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w && t.getContextClassLoader() != w.own) {
            t.setContextClassLoader(w.own);
        }
    }

    /** A worker; its fields are its own thread's. */
    private static final class Worker extends ForkJoinWorkerThread {
        final ClassLoader own = WorkerPool.class.getClassLoader();
        /** Running a task it yielded to; only this thread reads or writes it. */
        boolean yielding;

        Worker(ForkJoinPool pool) {
            super(pool);
            setContextClassLoader(own); // never inherit a behaviour's loader (it would pin it)
        }
    }

    private static final class Factory implements ForkJoinWorkerThreadFactory {
        private final AtomicInteger n = new AtomicInteger();
        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            Worker t = new Worker(pool);
            t.setName("molt-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
