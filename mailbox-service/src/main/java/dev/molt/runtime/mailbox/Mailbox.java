package dev.molt.runtime.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;

import dev.molt.runtime.dispatch.Dispatcher;

/**
 * A process's mailbox and its scheduling status; the process cell (a subclass) adds what runs the
 * messages. {@code M} is the type of the system messages.
 *
 * <h2>Thread rules</h2>
 * <ul>
 * <li>Producers (any thread) call {@link #enqueue} and {@link #enqueueSystem}.</li>
 * <li>{@link #SCHEDULED} is the process's one ticket: set by whoever makes it runnable
 * ({@link #trySchedule}, which then hands it to the dispatcher), it stays set until the turn that
 * follows ends. The <em>owner</em> is the one thread that set {@link #RUNNING}: the worker that
 * took the ticket from the dispatcher ({@link #run} claims it), a thread that took an unscheduled
 * process ({@link #tryAcquire}: a spawner running {@code init}, a caller running an idle callee's
 * turn inline), or a caller that took a scheduled process before any worker did
 * ({@link #tryHelp}: a handler calling a process that waits in the queue runs it itself). Only the
 * owner polls the queues, touches {@link #stash}, and reads or writes the process's state. It gives
 * both bits up with {@link #release}, which reschedules if work arrived meanwhile.</li>
 * <li>After a help, the ticket the dispatcher still holds is stale: when a worker takes it,
 * {@link #run} finds the process not scheduled, or owned, and returns at once. A process is
 * never run by two threads: {@link #RUNNING} is taken with a CAS.</li>
 * </ul>
 *
 * <h2>Memory ordering</h2>
 * The bit is taken and given up with compare-and-set, which is a full fence: everything the
 * previous owner wrote happens-before what the next owner reads. A producer's {@code offer}
 * (an exchange on the queue's tail) comes before its CAS on {@code ctl}; the owner's release
 * CAS comes before its emptiness re-check (a volatile read of the tail). Both sides order a write before a read with sequentially
 * consistent operations, so at least one of them sees the other: a message is never left in an
 * unscheduled mailbox (the lost-wakeup case).
 *
 * <h2>Why these queues</h2>
 * User messages are in {@link MessageQueue} (the superclass: an intrusive MPSC queue whose fields
 * live in this object; see there why). System messages are rare and get the JDK's
 * {@link ConcurrentLinkedQueue} on first use.
 */
public abstract class Mailbox<M> extends MessageQueue implements Runnable {

    /** Runnable: the process has a turn coming (queued, or running now). */
    public static final int SCHEDULED = 1;
    /** Owned: a thread runs this process's turn now (see the class comment). */
    public static final int RUNNING = 8;
    /** No user message may be handled: the code is being replaced, absent, or the process is held. */
    public static final int SUSPENDED = 2;
    /** The process has ended; nothing is scheduled for user messages any more. */
    public static final int EXITED = 4;
    /**
     * The process went to a newer revision of the runtime (see the handover package): set by its
     * owner when it exports itself, never cleared. From then on nothing runs it here: whoever queues
     * anything for it passes everything queued on to the successor before returning
     * ({@link #passOn}), so that a sender's next message, sent anywhere, comes after it.
     */
    public static final int HANDED = 16;

    private static final VarHandle CTL;
    private static final VarHandle SYSTEM;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CTL = l.findVarHandle(Mailbox.class, "ctl", int.class);
            SYSTEM = l.findVarHandle(Mailbox.class, "system", ConcurrentLinkedQueue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Status bits; every change is a CAS (see the class comment). */
    private volatile int ctl;
    /** Created on first use by a CAS from null, so racing producers agree on one queue. */
    private volatile ConcurrentLinkedQueue<M> system;
    /**
     * Owner only: messages taken out of the queue ahead of the rest (queued messages converted
     * during an upgrade). Everything in it was enqueued before anything still queued, so taking
     * from it first keeps the order.
     */
    protected ArrayDeque<Object> stash;
    /** What {@link #stashAll} returns when nothing is queued; never written to. */
    private static final ArrayDeque<Object> EMPTY = new ArrayDeque<>(0);

    /** The stash's size as the owner last wrote it (volatile: listings read it from other threads). */
    protected volatile int stashSize;

    /** The dispatcher that runs this process's turns. */
    protected abstract Dispatcher dispatcher();

    // ---- producers -------------------------------------------------------------------

    /** Queues a user message; schedules the process unless it is suspended or has ended. */
    public final void enqueue(Object message) {
        offerMessage(message);
        trySchedule(false);
    }

    /** As {@link #enqueue}, and the wait of this message in the queue is measured ({@link #messageWaited}). */
    public final void enqueueTimed(Object message) {
        offerTimedMessage(message);
        trySchedule(false);
    }

    @Override
    final void timedMessageTaken(long nanos) {
        messageWaited(nanos);
    }

    /** Owner only: a message queued with {@link #enqueueTimed} waited {@code nanos} before it was taken. */
    protected void messageWaited(long nanos) {
    }

    /**
     * Queues a user message without scheduling: for a caller that will try to run the process
     * itself ({@link #tryAcquire}) and schedules it otherwise ({@link #trySchedule}).
     */
    public final void offer(Object message) {
        offerMessage(message);
    }

    /** Queues a system message; it is handled before any user message, even while suspended. */
    public final void enqueueSystem(M message) {
        ConcurrentLinkedQueue<M> q = system;
        if (q == null) {
            ConcurrentLinkedQueue<M> fresh = new ConcurrentLinkedQueue<>();
            // CAS from null: the loser uses the winner's queue (the read after is volatile).
            q = SYSTEM.compareAndSet(this, null, fresh) ? fresh : system;
        }
        q.offer(message);
        trySchedule(true);
    }

    // ---- ownership -------------------------------------------------------------------

    /**
     * Takes ownership and hands the process to the dispatcher. User work needs the process to be
     * neither suspended nor ended; system work only needs it unowned.
     */
    public final boolean trySchedule(boolean forSystem) {
        return trySchedule(forSystem, false);
    }

    /** @param last after everything queued now (a process that used its whole turn) */
    private boolean trySchedule(boolean forSystem, boolean last) {
        for (;;) {
            int c = ctl;
            if ((c & HANDED) != 0) {
                passOn();
                return false;
            }
            if ((c & SCHEDULED) != 0) {
                return false;
            }
            if (!forSystem && (c & (SUSPENDED | EXITED)) != 0) {
                return false;
            }
            if (CTL.compareAndSet(this, c, c | SCHEDULED)) {
                Dispatcher d = dispatcher();
                try {
                    submit(d, last);
                } catch (RejectedExecutionException rejected) {
                    Dispatcher now = dispatcher();
                    if (now != d) {
                        try {
                            submit(now, last); // the dispatcher was replaced by a reconfiguration meanwhile
                            return true;
                        } catch (RejectedExecutionException again) {
                            clearBits(SCHEDULED); // and that one is shut down too: nothing stays scheduled
                            throw again;
                        }
                    }
                    // Shut down: give ownership back so nothing is stuck owned.
                    clearBits(SCHEDULED);
                    throw rejected;
                }
                return true;
            }
        }
    }

    private void submit(Dispatcher d, boolean last) {
        if (last) {
            d.scheduleLast(this);
        } else {
            d.schedule(this);
        }
    }

    /**
     * Any thread, once {@link #HANDED}: takes ownership (waiting for an owner that exports or passes
     * on now: it holds it for a few instructions a message) and passes everything queued to the
     * successor. Memory ordering: a producer exchanges the tail, then reads {@code ctl}; the exporter
     * sets HANDED with a CAS, then reads the tail. Both orders are sequentially consistent, so a
     * message is either taken by the export or found here by its own producer, never neither.
     */
    private void passOn() {
        for (int spins = 0;; spins++) {
            if (tryAcquire()) {
                try {
                    passOnQueued();
                } finally {
                    clearBits(SCHEDULED | RUNNING);
                }
                // This sender's message was queued before it took the process: passed on by now, here or
                // by the owner before. What others queued since, they pass on themselves.
                return;
            } else if (spins < 64) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Owner, once {@link #HANDED}: passes every queued message (system ones too) to the successor, in order. */
    protected abstract void passOnQueued();

    public final boolean isHanded() {
        return (ctl & HANDED) != 0;
    }

    /** Owner only, exporting for a hand-over: the next message, waiting for a producer's link (see {@link #HANDED}). */
    public final Object pollUserLinked() {
        Object m = pollStash();
        return m != null ? m : pollLinked();
    }

    /** Owner only: the next stashed message, or null. */
    private Object pollStash() {
        Object m;
        if (stash != null && (m = stash.poll()) != null) {
            stashSize = stash.size();
            if (stashSize == 0) {
                stash = null;
            }
            return m;
        }
        return null;
    }

    /** Takes ownership without scheduling, if the process is not scheduled: the caller runs it inline. */
    public final boolean tryAcquire() {
        for (;;) {
            int c = ctl;
            if ((c & SCHEDULED) != 0) {
                return false;
            }
            if (CTL.compareAndSet(this, c, c | SCHEDULED | RUNNING)) {
                return true;
            }
        }
    }

    /**
     * Takes ownership of a process that is scheduled but not yet running (it waits in the
     * dispatcher's queue): the caller runs its turn inline, and the queued ticket goes stale.
     */
    public final boolean tryHelp() {
        for (;;) {
            int c = ctl;
            if ((c & (SCHEDULED | RUNNING)) != SCHEDULED) {
                return false;
            }
            if (CTL.compareAndSet(this, c, c | RUNNING)) {
                return true;
            }
        }
    }

    /** The dispatcher's entry: claims the ticket, and runs the turn unless the ticket went stale. */
    @Override
    public final void run() {
        for (;;) {
            int c = ctl;
            if ((c & (SCHEDULED | RUNNING)) != SCHEDULED) {
                return; // a stale ticket: a caller ran the turn (or runs it now)
            }
            if (CTL.compareAndSet(this, c, c | RUNNING)) {
                break;
            }
        }
        turn();
    }

    /**
     * The owner's turn: handle what is due, then {@link #release}. Called by {@link #run} once the
     * ticket is claimed, or by a thread that owns the process through {@link #tryAcquire} or
     * {@link #tryHelp}.
     */
    public abstract void turn();

    /** Gives ownership up, and takes it again at once if work is waiting that may run. */
    public final void release() {
        release(false);
    }

    /**
     * Gives ownership up; if work is waiting that may run, takes it again and schedules the process
     * after what is queued now when {@code usedWholeTurn} (so a busy process never starves others),
     * or next on this worker otherwise.
     */
    public final void release(boolean usedWholeTurn) {
        // The stash is the owner's: read it before giving ownership up, never after.
        boolean stashed = stash != null && !stash.isEmpty();
        clearBits(SCHEDULED | RUNNING);
        if (hasSystemMessages()) {
            trySchedule(true, usedWholeTurn);
        } else if (stashed || !noMessages()) {
            trySchedule(false, usedWholeTurn);
        }
    }

    public final void setBits(int bits) {
        for (;;) {
            int c = ctl;
            if (CTL.compareAndSet(this, c, c | bits)) {
                return;
            }
        }
    }

    public final void clearBits(int bits) {
        for (;;) {
            int c = ctl;
            if (CTL.compareAndSet(this, c, c & ~bits)) {
                return;
            }
        }
    }

    public final boolean isSuspended() {
        return (ctl & SUSPENDED) != 0;
    }

    public final boolean isExited() {
        return (ctl & EXITED) != 0;
    }

    // ---- owner -----------------------------------------------------------------------

    public final boolean hasSystemMessages() {
        ConcurrentLinkedQueue<M> q = system;
        return q != null && !q.isEmpty();
    }

    /** Owner only. */
    public final M pollSystem() {
        ConcurrentLinkedQueue<M> q = system;
        return q == null ? null : q.poll();
    }

    /** Owner only: the next user message, the stash first. */
    public final Object pollUser() {
        Object m = pollStash();
        return m != null ? m : pollMessage();
    }

    /**
     * Owner only: moves every message queued so far into the stash, so that it can be
     * converted in place. Messages that producers add meanwhile stay behind them in the queue.
     */
    public final ArrayDeque<Object> stashAll() {
        if (stash == null) {
            if (noMessages()) {
                return EMPTY; // most processes are idle: no deque for them
            }
            stash = new ArrayDeque<>();
        }
        Object m;
        while ((m = pollMessage()) != null) {
            stash.add(m);
        }
        stashSize = stash.size();
        return stash;
    }

    /**
     * Messages waiting, for listings from any thread. Counted by walking the queue: a counter on
     * the send path would be a second contended atomic per send, which cost fan-in dearly.
     */
    public final long depth() {
        return messageCount() + stashSize;
    }
}
