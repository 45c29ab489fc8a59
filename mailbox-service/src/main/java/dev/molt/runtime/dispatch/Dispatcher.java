package dev.molt.runtime.dispatch;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpmcUnboundedXaddArrayQueue;

/**
 * Runs process turns on a small set of threads, and never lets a blocked thread stall the rest.
 *
 * <h2>Shape</h2>
 * There are {@code parallelism} <em>permits</em>. A worker thread runs turns only while it holds
 * one, so at most {@code parallelism} turns run at once, whatever the number of threads. Work
 * waits in one shared FIFO queue ({@link #global}, a JCTools MPMC queue) and in one
 * {@link Worker#runnext} slot per worker: a process scheduled by a turn on a worker goes to that
 * worker's slot and runs there right after the current turn, as Go's {@code runnext} does, so a
 * message passed between two processes stays on one warm core and wakes nobody. Whatever the
 * slot held before moves to the shared queue, and wakes a worker if one is needed.
 *
 * <h2>Blocking</h2>
 * A worker about to block ({@link #blocking}: Molt's own {@code call}, or
 * {@code ProcessContext.blocking}) gives its permit up first, and another thread (an idle spare,
 * or a new one) takes it, so the others keep running. A worker that blocks without saying so is
 * found by the {@link Watchdog}, which takes its permit the same way once one of its turns has run
 * for {@link Watchdog#STALL_NANOS} while work waits. Threads are bounded by {@code maxThreads};
 * past that bound work waits for a blocked handler to return, and the dispatcher says so once in
 * the log. A thread that comes back from blocking finishes its turn, then takes a free permit or
 * becomes a spare (parked; it ends after {@link #SPARE_KEEP_ALIVE_NANOS} unused).
 *
 * <h2>Waking workers without losing a wake-up</h2>
 * The counts that decide whether to wake someone live in one word, {@link #ctl}:
 * <em>searching</em> (workers looking for work, not parked), <em>idle</em> (parked workers that
 * hold a permit) and <em>free</em> (permits held by no thread). {@link #signalWork} runs after
 * every task put in the shared queue:
 * <ol>
 * <li>a producer first puts its task in the queue (a volatile read-modify-write of the queue's
 *     producer index), then reads {@code ctl} (volatile);</li>
 * <li>a worker that goes idle first adds itself to {@code ctl} (a CAS), then reads whether the
 *     queue is empty (volatile reads of both indices), and parks only if it is.</li>
 * </ol>
 * Volatile accesses are totally ordered (the Java memory model's synchronization order), so of
 * two such threads at least one sees the other's write: either the producer sees the idle worker
 * and wakes it (or another), or the worker sees the task and does not park. A producer that sees
 * a searcher wakes nobody; every searcher, when it stops searching (it found a task, or it parks),
 * first takes itself out of {@code searching} and then looks at the queue again, and the last one
 * to leave wakes another worker if work remains: so a task seen by no one is impossible. A
 * producer that sees no searcher, no idle worker and no free permit wakes nobody: every permit is
 * then held by a thread in a turn, which looks at the queue when the turn ends; a thread stuck in
 * its turn is the watchdog's case. A worker being woken is counted as searching by the waker,
 * before the wake, so a burst of tasks wakes one worker at a time and each woken worker passes the
 * signal on (FJP's and Tokio's rule), instead of waking every worker at once.
 *
 * <p>Thread rules: {@link #schedule}, {@link #scheduleLast} and {@link #blocking} may be called from
 * any thread. The idle and spare stacks and the thread count are guarded by {@link #lock}, which is
 * held only for a few field writes (never across a park, an unpark or a task).
 */
public final class Dispatcher {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    /** An unused spare thread ends after this long. */
    static final long SPARE_KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** How many times a searching worker looks at the queues before it parks. */
    private static final int SEARCH_SPINS = 64;
    /** A worker takes from the shared queue before its own slot once in this many turns (fairness). */
    private static final int GLOBAL_FIRST_EVERY = 16;

    // ctl layout: three 21-bit counts.
    private static final int BITS = 21;
    private static final long MASK = (1L << BITS) - 1;
    private static final int IDLE_SHIFT = BITS;
    private static final int FREE_SHIFT = 2 * BITS;
    private static final long ONE_SEARCHING = 1L;
    private static final long ONE_IDLE = 1L << IDLE_SHIFT;
    private static final long ONE_FREE = 1L << FREE_SHIFT;

    final String name;
    final int parallelism;
    final int maxThreads;
    final MessagePassingQueue<Runnable> global = new MpmcUnboundedXaddArrayQueue<>(1024);
    /** searching | idle | free; every change is a CAS or an atomic add (see the class comment). */
    private final AtomicLong ctl;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: parked workers that hold a permit, most recent last. */
    private final ArrayDeque<Worker> idle = new ArrayDeque<>();
    /** Guarded by {@link #lock}: parked workers without a permit. */
    private final ArrayDeque<Worker> spares = new ArrayDeque<>();
    /** Guarded by {@link #lock}: live worker threads. */
    private int threads;
    /** Every live worker, for the watchdog; copy-on-write because it changes rarely. */
    final List<Worker> workers = new CopyOnWriteArrayList<>();
    private final AtomicLong names = new AtomicLong();
    private final AtomicBoolean limitLogged = new AtomicBoolean();
    private final Watchdog watchdog;
    /** Written once by {@link #shutdown}; volatile so that parked workers see it when unparked. */
    private volatile boolean shutdown;
    /**
     * Where tasks that reach this dispatcher after its shutdown go: the dispatcher that replaced it
     * (a reconfiguration), or null when the runtime ends. Written before {@link #shutdown}'s write,
     * read after a read of {@code shutdown} that saw true: volatile, so that order holds.
     */
    private volatile Dispatcher successor;

    /**
     * @param name        thread names start with it
     * @param parallelism turns that may run at once (the permits), at least 1
     * @param maxThreads  threads at most, counting those blocked in handlers; at least {@code parallelism}
     */
    public Dispatcher(String name, int parallelism, int maxThreads) {
        if (parallelism < 1 || maxThreads < parallelism || parallelism > MASK) {
            throw new IllegalArgumentException("a dispatcher needs 1 <= parallelism <= maxThreads, got "
                    + parallelism + " and " + maxThreads);
        }
        this.name = name;
        this.parallelism = parallelism;
        this.maxThreads = maxThreads;
        // Threads are made on first need: at the start every permit is free.
        this.ctl = new AtomicLong(parallelism * ONE_FREE);
        this.watchdog = new Watchdog(this);
    }

    // ---- submitting ------------------------------------------------------------------

    /**
     * Runs {@code task} soon. From a turn on one of this dispatcher's workers it goes to that
     * worker's slot, to run right after the current turn; from anywhere else to the shared queue.
     *
     * @throws RejectedExecutionException after {@link #shutdown}
     */
    public void schedule(Runnable task) {
        Worker w = Worker.current(this);
        if (w != null && w.holdsPermit()) {
            Runnable displaced = w.pushRunnext(task);
            if (displaced != null) {
                requeue(displaced); // accepted before, so never refused now: after a shutdown it goes to the successor
            }
            return;
        }
        enqueue(task);
    }

    /** Runs {@code task} after everything queued now: for a process that used its whole turn. */
    public void scheduleLast(Runnable task) {
        enqueue(task);
    }

    void enqueue(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException(name + " is shut down");
        }
        requeue(task);
    }

    /**
     * Puts a task in the shared queue whatever the state: a new one that passed the shutdown check,
     * or one taken back from a worker's slot. If the dispatcher was shut down meanwhile, its workers
     * may have looked at the queue for the last time, so the queue goes to the successor. The offer
     * is a volatile write and the read of {@code shutdown} after it a volatile read: either this
     * thread sees the shutdown and hands over, or the shutdown came after the offer and the workers'
     * last look ({@link #exited}, which hands over too) sees the task.
     */
    void requeue(Runnable task) {
        global.offer(task);
        if (shutdown) {
            handOver();
        } else {
            signalWork();
        }
    }

    /** After shutdown: moves every queued task to the successor (each is polled once, so none runs twice). */
    private void handOver() {
        Dispatcher next = successor;
        if (next == null) {
            return; // the runtime ends: what is left is dropped with it
        }
        Runnable t;
        while ((t = global.poll()) != null) {
            next.requeue(t);
        }
    }

    /** After a task was put in the shared queue: wakes a worker if none will look (see the class comment). */
    void signalWork() {
        long c = ctl.get();
        if (searching(c) > 0 || (idle(c) == 0 && free(c) == 0)) {
            return;
        }
        wakeOne();
    }

    private void wakeOne() {
        Worker wake = null;
        boolean create = false;
        lock.lock();
        try {
            for (;;) {
                long c = ctl.get();
                if (searching(c) > 0 || shutdown) {
                    return; // someone started looking meanwhile
                }
                if (idle(c) > 0) {
                    if (ctl.compareAndSet(c, c - ONE_IDLE + ONE_SEARCHING)) {
                        wake = idle.pollLast();
                        break;
                    }
                } else if (free(c) > 0) {
                    if (spares.isEmpty() && threads >= maxThreads) {
                        logLimitOnce();
                        return;
                    }
                    if (ctl.compareAndSet(c, c - ONE_FREE + ONE_SEARCHING)) {
                        wake = spares.pollLast();
                        if (wake == null) {
                            threads++;
                            create = true;
                        }
                        break;
                    }
                } else {
                    return;
                }
            }
        } finally {
            lock.unlock();
        }
        if (create) {
            startWorker();
        } else {
            wake.wakeAsSearcher();
        }
    }

    private void startWorker() {
        Worker w = new Worker(this, name + "-" + names.incrementAndGet());
        workers.add(w);
        try {
            w.start();
        } catch (Throwable t) { // out of native threads: give the permit back, say so
            workers.remove(w);
            lock.lock();
            try {
                threads--;
            } finally {
                lock.unlock();
            }
            ctl.addAndGet(ONE_FREE - ONE_SEARCHING);
            LOG.log(System.Logger.Level.ERROR, "could not start a worker thread for " + name, t);
        }
        watchdog.ensureStarted();
    }

    private void logLimitOnce() {
        if (limitLogged.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, name + ": every one of the " + maxThreads + " worker threads is"
                    + " blocked in a handler (the maxThreads bound); processes wait until a handler returns."
                    + " Raise maxThreads, or move long blocking work out of handlers");
        }
    }

    // ---- workers ---------------------------------------------------------------------

    /** Worker: the next task, from its slot or the shared queue; null if there is none. */
    Runnable next(Worker w) {
        if (++w.sinceGlobal >= GLOBAL_FIRST_EVERY) {
            w.sinceGlobal = 0;
            Runnable t = global.poll();
            if (t != null) {
                return t;
            }
        }
        Runnable t = w.takeRunnext();
        return t != null ? t : global.poll();
    }

    /** Worker: looks a little longer before parking; takes the slot of a worker stuck in a turn. */
    Runnable search(Worker w) {
        for (int i = 0; i < SEARCH_SPINS && !shutdown; i++) {
            Runnable t = global.poll();
            if (t != null) {
                return t;
            }
            Thread.onSpinWait();
        }
        return null;
    }

    /** Worker with a permit and nothing found: becomes a searcher unless half the permits search already. */
    boolean tryStartSearching() {
        for (;;) {
            long c = ctl.get();
            if (2 * searching(c) >= Math.max(parallelism, 2)) {
                return false;
            }
            if (ctl.compareAndSet(c, c + ONE_SEARCHING)) {
                return true;
            }
        }
    }

    /** Worker: stops searching because it found a task; the last searcher passes the signal on. */
    void searchEnded() {
        long c = ctl.addAndGet(-ONE_SEARCHING);
        if (searching(c) == 0 && !global.isEmpty()) {
            signalWork();
        }
    }

    /**
     * Worker with a permit: parks until woken, or until the dispatcher shuts down. On return the
     * worker counts as searching (the waker counted it, or it did itself on finding work).
     */
    void parkIdle(Worker w, boolean wasSearching) {
        lock.lock();
        try {
            idle.addLast(w);
            w.woken = false;
            ctl.addAndGet(ONE_IDLE - (wasSearching ? ONE_SEARCHING : 0));
        } finally {
            lock.unlock();
        }
        // The re-check of the class comment: after the add above, before parking.
        if ((!global.isEmpty() || shutdown) && leaveIdle(w)) {
            return;
        }
        // Still on the stack, or taken off it by a waker (then the wake is on its way).
        while (!w.woken) {
            if (shutdown && leaveIdle(w)) {
                return;
            }
            LockSupport.park(this);
        }
    }

    /**
     * Takes {@code w} off the idle stack, if no waker did, and counts it searching: the stack and
     * the count change in one step under the lock, so that a waker never sees a count the stack
     * does not match (it would wake a worker that is not there, or lose one that is).
     */
    private boolean leaveIdle(Worker w) {
        lock.lock();
        try {
            if (!idle.remove(w)) {
                return false;
            }
            ctl.addAndGet(ONE_SEARCHING - ONE_IDLE);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Worker without a permit, between turns: takes a free permit, or parks as a spare until one is
     * handed to it. Returns false when the thread should end (unused too long, or shut down).
     */
    boolean regainPermit(Worker w) {
        long deadline = System.nanoTime() + SPARE_KEEP_ALIVE_NANOS;
        for (;;) {
            if (takeFreePermit(ONE_SEARCHING)) {
                w.permitRegained();
                return true; // as a searcher, like any worker handed a permit
            }
            lock.lock();
            try {
                spares.addLast(w);
                w.woken = false;
            } finally {
                lock.unlock();
            }
            // Re-check after the push (the same Dekker pair as parkIdle's): a permit freed before
            // the push, whose signal found no spare to wake, is taken here instead of lost.
            if (free(ctl.get()) > 0 && unstack(spares, w)) {
                continue;
            }
            while (!w.woken) {
                long left = deadline - System.nanoTime();
                if (shutdown || left <= 0) {
                    if (unstack(spares, w)) {
                        return false; // nobody handed us a permit: the thread ends
                    }
                    // Taken off the stack to be woken: the wake is on its way.
                    while (!w.woken) {
                        LockSupport.park(this);
                    }
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
            w.permitRegained(); // the waker moved a free permit to us (and counted us searching)
            return !shutdown;
        }
    }

    /** Takes a free permit if there is one, adding {@code extra} to ctl in the same CAS. */
    boolean takeFreePermit(long extra) {
        for (;;) {
            long c = ctl.get();
            if (free(c) == 0) {
                return false;
            }
            if (ctl.compareAndSet(c, c - ONE_FREE + extra)) {
                return true;
            }
        }
    }

    /** Takes {@code w} off a stack if it is still there (nobody popped it to wake it). */
    private boolean unstack(ArrayDeque<Worker> stack, Worker w) {
        lock.lock();
        try {
            return stack.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** Worker thread ending: one thread fewer; a permit it held is free again. */
    void exited(Worker w, boolean heldPermit, boolean wasSearching) {
        workers.remove(w);
        if (heldPermit) {
            ctl.addAndGet(ONE_FREE - (wasSearching ? ONE_SEARCHING : 0));
        }
        lock.lock();
        try {
            threads--;
        } finally {
            lock.unlock();
        }
        if (shutdown) {
            handOver();
        } else if (!global.isEmpty()) {
            signalWork(); // a producer may have found no one to wake while this thread was still counted
        }
    }

    /** A permit given up (by a worker about to block, or taken by the watchdog): someone else may run. */
    void permitFreed() {
        ctl.addAndGet(ONE_FREE);
        if (!global.isEmpty()) {
            signalWork();
        }
    }

    /** Hands the slot of a worker stuck in a turn to the shared queue. */
    void rescueRunnext(Worker w) {
        Runnable t = w.stealRunnext();
        if (t != null) {
            requeue(t);
        }
    }

    boolean hasQueuedWork() {
        return !global.isEmpty();
    }

    boolean noneSearchingOrIdle() {
        long c = ctl.get();
        return searching(c) == 0 && idle(c) == 0;
    }

    // ---- blocking --------------------------------------------------------------------

    /**
     * Marks the calling thread as about to block, until the returned scope is closed: on a worker
     * of this dispatcher, its permit goes to another thread first (made if need be, up to
     * {@code maxThreads}). Elsewhere it does nothing. Nested scopes count once.
     */
    public Blocking blocking() {
        Worker w = Worker.current(this);
        if (w == null || w.blockDepth++ > 0) {
            return w == null ? Blocking.NONE : w.blockingScope;
        }
        Runnable rn = w.takeRunnext();
        if (rn != null) {
            enqueue(rn);
        }
        if (w.releasePermit()) {
            permitFreed();
        }
        return w.blockingScope;
    }

    /** A blocking scope: close it when the blocking call has returned. */
    public interface Blocking extends AutoCloseable {
        Blocking NONE = () -> { };

        @Override
        void close();
    }

    /** True on a worker thread of this dispatcher (turns run there). */
    public boolean onWorker() {
        return Worker.current(this) != null;
    }

    /** The inline-call depth of the current worker thread, or -1 off the workers (see {@link #runInline}). */
    public int inlineDepth() {
        Worker w = Worker.current(this);
        return w == null ? -1 : w.inlineDepth;
    }

    /**
     * Runs {@code turn}, the turn of {@code task}, on this thread, nested inside the current one (a
     * call from a handler to a process nobody runs): the worker's bookkeeping of the outer turn is
     * kept and put back.
     */
    public void runInline(Object task, Runnable turn) {
        Worker w = Worker.current(this);
        if (w == null) {
            turn.run();
            return;
        }
        Object outer = w.currentSeen();
        ClassLoader loader = w.getContextClassLoader();
        w.pushOuter(outer);
        try {
            w.setCurrent(task);
            turn.run();
        } finally {
            w.popOuter();
            w.setCurrent(outer);
            w.setContextClassLoader(loader);
        }
    }

    /**
     * From any thread: the turn counter of the worker running {@code task} now (its own turn, or one
     * it runs a callee inline from), or -1 if no worker runs it. Two equal answers some time apart mean one turn has run all along.
     * Read without synchronization: a stale answer only delays a decision based on it.
     */
    public long turnRunning(Object task) {
        for (Worker w : workers) {
            if (w.seemsToRun(task)) {
                return w.turnSeen();
            }
        }
        return -1;
    }

    /** Whether {@code task}'s turn is running on this thread, now or further out (inline nesting). */
    public boolean runningHere(Object task) {
        Worker w = Worker.current(this);
        return w != null && w.runs(task);
    }

    // ---- life ------------------------------------------------------------------------

    /** Rejects new tasks; workers end once they find nothing to do. Tasks queued before still run. */
    public void shutdown() {
        shutdown = true;
        stopWorkers();
    }

    /**
     * Shuts down for a reconfiguration: as {@link #shutdown}, but what reaches this dispatcher
     * afterwards (a task taken back from a worker's slot, a send that raced the shutdown) runs on
     * {@code next}.
     */
    public void shutdownInto(Dispatcher next) {
        successor = next;
        shutdown = true;
        stopWorkers();
    }

    private void stopWorkers() {
        watchdog.stop();
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    boolean isShutdown() {
        return shutdown;
    }

    /** Waits until every worker thread has ended. */
    public boolean awaitTermination(long time, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(time);
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return workers.isEmpty();
            }
            LockSupport.unpark(w);
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        return workers.isEmpty();
    }

    /**
     * For tests: null if the counts agree with the workers, else what disagrees. Meaningful only
     * when the dispatcher is quiet (no task queued or running, every worker parked).
     */
    String countsDisagree() {
        lock.lock();
        try {
            long c = ctl.get();
            int holders = 0;
            for (Worker w : workers) {
                holders += w.holdsPermit() ? 1 : 0;
            }
            if (searching(c) != 0) {
                return "searching=" + searching(c) + " with nothing to do";
            }
            if (idle(c) != idle.size()) {
                return "idle=" + idle(c) + " but " + idle.size() + " workers on the idle stack";
            }
            if (free(c) + holders != parallelism) {
                return "free=" + free(c) + " and " + holders + " holders, for " + parallelism + " permits";
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** For tests and diagnostics: live worker threads. */
    public int threadCount() {
        lock.lock();
        try {
            return threads;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        long c = ctl.get();
        return name + "[permits=" + parallelism + ", threads=" + threadCount() + ", searching=" + searching(c)
                + ", idle=" + idle(c) + ", free=" + free(c) + ", queued=" + global.size() + "]";
    }

    private static int searching(long c) {
        return (int) (c & MASK);
    }

    private static int idle(long c) {
        return (int) ((c >>> IDLE_SHIFT) & MASK);
    }

    private static int free(long c) {
        return (int) ((c >>> FREE_SHIFT) & MASK);
    }
}
