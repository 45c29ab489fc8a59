package dev.molt.runtime.process;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.runtime.RuntimeSettings;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.dispatch.Dispatcher;

/**
 * What every process of one runtime shares: the process table, the dispatcher, the timers, the
 * settings, and the runtime facade a behaviour reaches through its context.
 *
 * <p>Thread rule: any thread. The dispatcher and the settings are replaced as a whole by a
 * reconfiguration; volatile, so that every process sees the new ones at its next use.
 */
public final class Kernel {

    /** Told when a process ends (canary crash counting; supervision). */
    public interface ExitObserver {
        ExitObserver NONE = (p, version, reason) -> { };

        /** @param version the version it ran when it ended, or null if it had none (suspended, held) */
        void exited(Proc process, BehaviourVersion version, ExitReason reason);
    }

    /**
     * Where timed messages go (the observe package's metrics): called by a process's owner on one
     * message in {@code latencySampling}, so it must be quick and must not block.
     */
    public interface Timings {
        Timings NONE = new Timings() {
            @Override
            public void waited(Proc p, long nanos) {
            }

            @Override
            public void handled(Proc p, long nanos) {
            }
        };

        /** A timed message waited {@code nanos} in {@code p}'s mailbox. */
        void waited(Proc p, long nanos);

        /** A timed message's handler ran {@code nanos}. */
        void handled(Proc p, long nanos);
    }

    private final ProcessTable table = new ProcessTable();
    private final ScheduledThreadPoolExecutor timers;
    private final AtomicLong refs = new AtomicLong();
    private final ClassLoader apiLoader = Pid.class.getClassLoader();
    /** Loaders of versions known to this runtime, to name the version a stray object came from (weak). */
    private final Map<ClassLoader, String> loaderVersions = new WeakHashMap<>();
    /** Set once by the facade before any process runs; volatile for the threads that read it later. */
    private volatile ProcessRuntime runtime;
    /** Replaced by a reconfiguration (see {@code reconfigure}); volatile: a send reads the current one. */
    private volatile Dispatcher dispatcher;
    /** Replaced by a reconfiguration; volatile: read by any thread, written by the configuring one. */
    private volatile RuntimeSettings settings;
    /** Set once by the facade before any process runs; volatile so an exiting worker sees it. */
    private volatile ExitObserver exitObserver = ExitObserver.NONE;
    /**
     * A message count and-ed with this is 0 for a message to time; -1 times none. Volatile, with
     * {@link #timings}: a new sampling applies from the next send or turn; the two are set apart, so
     * a send may be timed by the old mask into the new sink, which is harmless.
     */
    private volatile int timingMask = -1;
    private volatile Timings timings = Timings.NONE;
    /**
     * The cluster's router, or null outside a cluster. Volatile: set by the framework's thread when a
     * cluster bundle comes or goes, read by whoever sends to a remote pid (never on a local send).
     */
    private volatile RemoteRouter router;
    /**
     * Where handed-over processes pass their traffic (see {@link Successor}). Volatile: set by the
     * hand-over before the first process is HANDED; read by whoever queues for a HANDED process, and
     * a HANDED bit read by a CAS after it orders the two.
     */
    private volatile Successor successor = Successor.NONE;
    private final PendingTimers pendingTimers = new PendingTimers(this);

    public Kernel(RuntimeSettings settings) {
        this.settings = settings;
        this.dispatcher = newDispatcher(settings);
        ClassLoader own = Kernel.class.getClassLoader();
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "molt-timer");
            t.setDaemon(true);
            t.setContextClassLoader(own); // as for the workers: never a behaviour's loader
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    private static Dispatcher newDispatcher(RuntimeSettings s) {
        return new Dispatcher("molt-worker", s.workers(), s.maxThreads());
    }

    /** Set once by the facade, before any process exists. */
    public void runtime(ProcessRuntime facade) {
        this.runtime = facade;
    }

    public ProcessRuntime runtime() {
        return runtime;
    }

    public void exitObserver(ExitObserver observer) {
        this.exitObserver = observer;
    }

    ExitObserver exitObserver() {
        return exitObserver;
    }

    /** Where timed messages go, and which (see {@link #timingMask}). */
    public void timings(Timings sink, int mask) {
        this.timings = sink;
        this.timingMask = mask;
    }

    Timings timings() {
        return timings;
    }

    int timingMask() {
        return timingMask;
    }

    /** Whether this send should carry the time it was queued: one in {@code latencySampling}, at random. */
    boolean timesThisSend() {
        int m = timingMask;
        return m >= 0 && (ThreadLocalRandom.current().nextInt() & m) == 0;
    }

    /** The router for remote pids, or null. */
    public RemoteRouter router() {
        return router;
    }

    public void router(RemoteRouter r) {
        this.router = r;
    }

    public Successor successor() {
        return successor;
    }

    public void successor(Successor s) {
        this.successor = s;
    }

    public PendingTimers pendingTimers() {
        return pendingTimers;
    }

    /** The highest monitor reference handed out (for an image). */
    public long lastRef() {
        return refs.get();
    }

    /** Restoring an image: references go on after {@code last}. */
    public void refsAfter(long last) {
        refs.accumulateAndGet(last, Math::max);
    }

    public ProcessTable table() {
        return table;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    public RuntimeSettings settings() {
        return settings;
    }

    public ScheduledThreadPoolExecutor timers() {
        return timers;
    }

    public ClassLoader apiLoader() {
        return apiLoader;
    }

    long nextRef() {
        return refs.incrementAndGet();
    }

    /** Applies new settings; a new worker count or thread bound gets a new dispatcher. */
    public void reconfigure(RuntimeSettings next) {
        RuntimeSettings prev = settings;
        settings = next;
        if (next.workers() != prev.workers() || next.maxThreads() != prev.maxThreads()) {
            Dispatcher old = dispatcher;
            dispatcher = newDispatcher(next);
            old.shutdownInto(dispatcher); // what is queued there still runs; what comes late runs on the new one
        }
    }

    /** Remembers which version a loader's classes belong to (for naming the origin of a converted message). */
    public void noteLoader(ClassLoader loader, String version) {
        if (loader != null) {
            synchronized (loaderVersions) {
                loaderVersions.put(loader, version);
            }
        }
    }

    /** The version whose loader defined {@code c}, or null. */
    String versionOf(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        if (l == null) {
            return null;
        }
        synchronized (loaderVersions) {
            return loaderVersions.get(l);
        }
    }

    /** Runs {@code task} with this runtime's loader as context loader, and puts the old one back. */
    public static void withOwnContextLoader(Runnable task) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try {
            task.run();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
