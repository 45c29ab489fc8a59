package dev.molt.runtime.dispatch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds workers stuck in one turn (a handler blocked without {@code ProcessContext.blocking}, or
 * simply long) and keeps the rest of the system running around them: it hands a stuck worker's
 * slot to the shared queue after one tick, and after {@link #STALL_NANOS} with work waiting and no
 * idle worker to run it, takes the stuck worker's permit so that another thread runs in its place.
 * It logs the first time it does so.
 *
 * <p>Thread rule: one watchdog thread per dispatcher; it reads the workers' opaque turn counters
 * and changes them only through their atomic slot and permit operations.
 */
final class Watchdog implements Runnable {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A turn this long, with work waiting and nobody idle, loses its permit. */
    static final long STALL_NANOS = 2 * TICK_NANOS;

    private final Dispatcher dispatcher;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean logged = new AtomicBoolean();
    private volatile Thread thread;
    private volatile boolean stopped;

    Watchdog(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    void ensureStarted() {
        if (started.get() || !started.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this, dispatcher.name + "-watchdog");
        t.setDaemon(true);
        t.setContextClassLoader(Watchdog.class.getClassLoader());
        thread = t;
        t.start();
    }

    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        long stallTicks = STALL_NANOS / TICK_NANOS;
        long lastTick = System.nanoTime();
        while (!stopped) {
            LockSupport.parkNanos(this, TICK_NANOS);
            long now = System.nanoTime();
            // A tick that comes late means this thread was stopped too (a GC pause, a starved
            // machine): the workers were, as well, so what it sees says nothing about a handler.
            boolean late = now - lastTick > 2 * TICK_NANOS;
            lastTick = now;
            for (Worker w : dispatcher.workers) {
                long turn = w.turnSeen();
                boolean inTurn = (turn & 1) == 1;
                if (late || !inTurn || turn != w.seenTurn) {
                    w.seenTurn = turn;
                    w.stuckTicks = 0;
                    continue;
                }
                w.stuckTicks++;
                dispatcher.rescueRunnext(w);
                if (w.stuckTicks >= stallTicks && w.holdsPermit() && dispatcher.hasQueuedWork()
                        && dispatcher.noneSearchingOrIdle() && w.revokePermit()) {
                    dispatcher.permitFreed();
                    if (logged.compareAndSet(false, true)) {
                        Object task = w.currentSeen(); // the turn may have ended since: then say so plainly
                        LOG.log(System.Logger.Level.INFO, (task == null ? "a turn" : "one turn of " + task) + " has run for more than "
                                + TimeUnit.NANOSECONDS.toMillis(STALL_NANOS) + " ms on " + w.getName() + " while work waited;"
                                + " another thread runs in its place (logged once). Wrap blocking work in a handler in"
                                + " ProcessContext.blocking(...)");
                    }
                }
            }
        }
    }
}
