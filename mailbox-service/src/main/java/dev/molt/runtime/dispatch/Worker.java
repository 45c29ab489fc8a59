package dev.molt.runtime.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread of a {@link Dispatcher}: runs turns while it holds a permit.
 *
 * <p>Thread rules: fields without a note are this thread's own. {@link #runnext} is taken by this
 * thread and, for a worker stuck in a turn, by the watchdog, both with an atomic exchange, so a
 * task in it is run exactly once. {@link #permit} is given up by this thread (before blocking) or
 * taken by the watchdog (a stuck turn), each with a CAS from {@code HOLDS}; whoever wins frees the
 * permit in the dispatcher, so a permit is freed once. {@link #turn} and {@link #current} are
 * written by this thread with opaque stores (no fence on the turn's path) and read by the watchdog,
 * which needs them eventually, not at once: a late read only delays its decision by a tick.
 */
final class Worker extends Thread {

    static final int NONE = 0;
    static final int HOLDS = 1;

    private static final VarHandle RUNNEXT;
    private static final VarHandle PERMIT;
    private static final VarHandle TURN;
    private static final VarHandle CURRENT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNNEXT = l.findVarHandle(Worker.class, "runnext", Runnable.class);
            PERMIT = l.findVarHandle(Worker.class, "permit", int.class);
            TURN = l.findVarHandle(Worker.class, "turn", long.class);
            CURRENT = l.findVarHandle(Worker.class, "current", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Dispatcher dispatcher;
    private final ClassLoader own = Worker.class.getClassLoader();
    /** The task to run after the current turn (see {@link Dispatcher}); exchanged atomically. */
    @SuppressWarnings("unused")
    private volatile Runnable runnext;
    /** HOLDS or NONE; see the class comment. */
    private volatile int permit = HOLDS;
    /** Turns started and ended: odd while in a turn. Opaque writes, read by the watchdog. */
    @SuppressWarnings("unused")
    private long turn;
    /** The task running now (for the watchdog's log line, and cycle checks of calls). Opaque. */
    @SuppressWarnings("unused")
    private Object current;
    /** Set by whoever wakes this worker from a park (under the dispatcher's lock), then unpark. */
    volatile boolean woken;
    int sinceGlobal;
    int blockDepth;
    int inlineDepth;
    /** The turns this thread runs further out, while it runs another inline (see {@link Dispatcher#runInline}). */
    private Object[] outer = new Object[8];
    /** Watchdog's own: the turn it saw at its last tick, and for how many ticks it stayed. */
    long seenTurn = -1;
    int stuckTicks;
    final Dispatcher.Blocking blockingScope = this::endBlocking;

    Worker(Dispatcher dispatcher, String name) {
        super(name);
        this.dispatcher = dispatcher;
        setDaemon(true);
        setContextClassLoader(own); // never inherit a behaviour's loader (it would pin it)
    }

    /** The current thread if it is a worker of {@code d}, else null. */
    static Worker current(Dispatcher d) {
        return Thread.currentThread() instanceof Worker w && w.dispatcher == d ? w : null;
    }

    @Override
    public void run() {
        boolean searching = true; // a new worker is made by wakeOne, which counted it searching
        Dispatcher d = dispatcher;
        try {
            for (;;) {
                if (permit == NONE) {
                    // A task put in the slot just before the permit went (the watchdog took it
                    // mid-turn) must not wait for this thread to get a permit back.
                    Runnable rn = takeRunnext();
                    if (rn != null) {
                        d.requeue(rn);
                    }
                    // The watchdog may take the permit just after a turn ended, while this worker
                    // parks idle: woken then, it is counted searching, and must leave that count
                    // (passing the signal on) before it counts itself again with a new permit.
                    if (searching) {
                        searching = false;
                        d.searchEnded();
                    }
                    if (!d.regainPermit(this)) {
                        searching = false;
                        return;
                    }
                    searching = true;
                }
                Runnable t = d.next(this);
                if (t == null && !searching && d.tryStartSearching()) {
                    searching = true;
                }
                if (t == null && searching) {
                    t = d.search(this);
                }
                if (t != null) {
                    if (searching) {
                        searching = false;
                        d.searchEnded();
                    }
                    runTurn(t);
                    continue;
                }
                if (d.isShutdown()) {
                    return;
                }
                d.parkIdle(this, searching);
                searching = true;
            }
        } finally {
            d.exited(this, permit == HOLDS, searching);
        }
    }

    private void runTurn(Runnable t) {
        long n = (long) TURN.getOpaque(this);
        CURRENT.setOpaque(this, t);
        TURN.setOpaque(this, n + 1);
        try {
            t.run();
        } catch (Throwable e) {
            System.getLogger("dev.molt.runtime").log(System.Logger.Level.ERROR, "uncaught in " + getName(), e);
        } finally {
            TURN.setOpaque(this, n + 2);
            CURRENT.setOpaque(this, null);
            if (getContextClassLoader() != own) {
                setContextClassLoader(own); // a behaviour's loader left here would pin its old code
            }
        }
    }

    /** Whether this worker may run turns now (it may not while blocked, or after losing its permit). */
    boolean holdsPermit() {
        return permit == HOLDS;
    }

    // ---- the slot ------------------------------------------------------------------------

    /** This thread: puts {@code task} in the slot; returns what was there. */
    Runnable pushRunnext(Runnable task) {
        return (Runnable) RUNNEXT.getAndSet(this, task);
    }

    /** This thread: takes the slot's task, if any. */
    Runnable takeRunnext() {
        // A plain read first: most of the time the slot is empty and no exchange is needed.
        return runnext == null ? null : (Runnable) RUNNEXT.getAndSet(this, (Runnable) null);
    }

    /** Watchdog: takes the slot of a worker stuck in a turn. */
    Runnable stealRunnext() {
        return takeRunnext();
    }

    // ---- permits -------------------------------------------------------------------------

    /** This thread, about to block: gives the permit up; false if the watchdog took it already. */
    boolean releasePermit() {
        return PERMIT.compareAndSet(this, HOLDS, NONE);
    }

    /** Watchdog: takes the permit of a worker stuck in a turn; false if it gave it up itself. */
    boolean revokePermit() {
        return PERMIT.compareAndSet(this, HOLDS, NONE);
    }

    /** This thread: was handed a permit (by the dispatcher's ctl). */
    void permitRegained() {
        permit = HOLDS;
    }

    /** Watchdog: the turn counter and the task, as last written. */
    long turnSeen() {
        return (long) TURN.getOpaque(this);
    }

    Object currentSeen() {
        return CURRENT.getOpaque(this);
    }

    void setCurrent(Object task) {
        CURRENT.setOpaque(this, task);
    }

    void pushOuter(Object task) {
        if (inlineDepth == outer.length) {
            outer = java.util.Arrays.copyOf(outer, outer.length * 2);
        }
        outer[inlineDepth++] = task;
    }

    void popOuter() {
        outer[--inlineDepth] = null;
    }

    /**
     * Any thread, racy: whether {@code task} seems to be this worker's turn, now or further out. A
     * stale read of the nesting only makes a heuristic (the upgrade's wait for busy processes) late.
     */
    boolean seemsToRun(Object task) {
        if (CURRENT.getOpaque(this) == task) {
            return true;
        }
        Object[] o = outer;
        for (Object t : o) {
            if (t == task) {
                return true;
            }
        }
        return false;
    }

    /** This thread: whether {@code task} is the current turn or one further out. */
    boolean runs(Object task) {
        if (CURRENT.getOpaque(this) == task) {
            return true;
        }
        for (int i = 0; i < inlineDepth; i++) {
            if (outer[i] == task) {
                return true;
            }
        }
        return false;
    }

    private void endBlocking() {
        if (--blockDepth > 0) {
            return;
        }
        // Back from blocking: take a free permit at once if there is one; if not, finish this turn
        // without one (one thread over the bound, briefly) and become a spare after it.
        if (permit == NONE && dispatcher.takeFreePermit(0)) {
            permit = HOLDS;
        }
    }

    void wakeAsSearcher() {
        woken = true;
        LockSupport.unpark(this);
    }
}
