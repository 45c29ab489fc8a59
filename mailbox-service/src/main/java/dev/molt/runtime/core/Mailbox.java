package dev.molt.runtime.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A process's mailbox and its scheduling status; {@link Proc} adds what runs the messages.
 *
 * <h2>Thread rules</h2>
 * <ul>
 * <li>Producers (any thread) call {@link #enqueue} and {@link #enqueueSystem}.</li>
 * <li>The <em>owner</em> is the one thread that set the {@link #SCHEDULED} bit, by
 * {@link #trySchedule} (then the owner is the pool thread running {@link #run}) or by
 * {@link #tryAcquire} (an upgrade coordinator working on an idle process). Only the owner
 * polls the queues, touches {@link #stash}, and reads or writes the process's state. The owner
 * gives the bit up with {@link #release}, which reschedules if work arrived meanwhile.</li>
 * </ul>
 *
 * <h2>Memory ordering</h2>
 * The bit is taken and given up with compare-and-set, which is a full fence: everything the
 * previous owner wrote happens-before what the next owner reads. A producer's {@code offer}
 * (a CAS in the queue) comes before its CAS on {@code ctl}; the owner's release CAS comes
 * before its emptiness re-check. Both sides order a write before a read with sequentially
 * consistent operations, so at least one of them sees the other: a message is never left in an
 * unscheduled mailbox (the lost-wakeup case).
 *
 * <h2>Why these queues</h2>
 * User messages use the JDK's lock-free {@link ConcurrentLinkedQueue} (Michael-Scott; many
 * producers, here one consumer): an empty one costs 48 bytes, where the padded JCTools MPSC
 * queues cost hundreds per instance and a million idle processes must fit in well under 1 GiB.
 * System messages are rare and get their queue on first use.
 */
abstract class Mailbox implements Runnable {

    /** Owned: some thread runs, or is about to run, this process. */
    static final int SCHEDULED = 1;
    /** No user message may be handled: the code is being replaced, absent, or the process is held. */
    static final int SUSPENDED = 2;
    /** The process has ended; nothing is scheduled for user messages any more. */
    static final int EXITED = 4;

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
    private final ConcurrentLinkedQueue<Object> user = new ConcurrentLinkedQueue<>();
    /** Created on first use by a CAS from null, so racing producers agree on one queue. */
    private volatile ConcurrentLinkedQueue<SystemMessage> system;
    /**
     * Owner only: messages taken out of {@link #user} ahead of the rest (queued messages
     * converted during an upgrade). Everything in it was enqueued before anything still in
     * {@link #user}, so taking from it first keeps the order.
     */
    ArrayDeque<Object> stash;
    /** What {@link #stashAll} returns when nothing is queued; never written to. */
    private static final ArrayDeque<Object> EMPTY = new ArrayDeque<>(0);

    /** The stash's size as the owner last wrote it (volatile: listings read it from other threads). */
    volatile int stashSize;

    abstract Executor executor();

    // ---- producers -------------------------------------------------------------------

    /** Queues a user message; schedules the process unless it is suspended or has ended. */
    final void enqueue(Object message) {
        user.offer(message);
        trySchedule(false);
    }

    /**
     * Takes back a message no one has taken yet; true if it was still queued. For a caller that
     * raced an exit: if the exit's final drain missed its call, nobody else will answer it.
     */
    final boolean withdraw(Object message) {
        return user.remove(message);
    }

    /** Queues a system message; it is handled before any user message, even while suspended. */
    final void enqueueSystem(SystemMessage message) {
        ConcurrentLinkedQueue<SystemMessage> q = system;
        if (q == null) {
            ConcurrentLinkedQueue<SystemMessage> fresh = new ConcurrentLinkedQueue<>();
            // CAS from null: the loser uses the winner's queue (the read after is volatile).
            q = SYSTEM.compareAndSet(this, null, fresh) ? fresh : system;
        }
        q.offer(message);
        trySchedule(true);
    }

    // ---- ownership -------------------------------------------------------------------

    /**
     * Takes ownership and submits the process to the pool. User work needs the process to be
     * neither suspended nor ended; system work only needs it unowned.
     */
    final boolean trySchedule(boolean forSystem) {
        for (;;) {
            int c = ctl;
            if ((c & SCHEDULED) != 0) {
                return false;
            }
            if (!forSystem && (c & (SUSPENDED | EXITED)) != 0) {
                return false;
            }
            if (CTL.compareAndSet(this, c, c | SCHEDULED)) {
                Executor ex = executor();
                try {
                    ex.execute(this);
                } catch (RejectedExecutionException rejected) {
                    Executor now = executor();
                    if (now != ex) {
                        try {
                            now.execute(this); // the pool was replaced by a reconfiguration meanwhile
                            return true;
                        } catch (RejectedExecutionException again) {
                            clearBits(SCHEDULED); // and that one is shut down too: nothing stays owned
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

    /** Takes ownership without scheduling, if nobody owns the process: the caller runs it inline. */
    final boolean tryAcquire() {
        for (;;) {
            int c = ctl;
            if ((c & SCHEDULED) != 0) {
                return false;
            }
            if (CTL.compareAndSet(this, c, c | SCHEDULED)) {
                return true;
            }
        }
    }

    /** Gives ownership up, and takes it again at once if work is waiting that may run. */
    final void release() {
        // The stash is the owner's: read it before giving ownership up, never after.
        boolean stashed = stash != null && !stash.isEmpty();
        clearBits(SCHEDULED);
        if (hasSystemMessages()) {
            trySchedule(true);
        } else if (stashed || !user.isEmpty()) {
            trySchedule(false);
        }
    }

    final void setBits(int bits) {
        for (;;) {
            int c = ctl;
            if (CTL.compareAndSet(this, c, c | bits)) {
                return;
            }
        }
    }

    final void clearBits(int bits) {
        for (;;) {
            int c = ctl;
            if (CTL.compareAndSet(this, c, c & ~bits)) {
                return;
            }
        }
    }

    final boolean isSuspended() {
        return (ctl & SUSPENDED) != 0;
    }

    final boolean isExited() {
        return (ctl & EXITED) != 0;
    }

    // ---- owner -----------------------------------------------------------------------

    final boolean hasSystemMessages() {
        ConcurrentLinkedQueue<SystemMessage> q = system;
        return q != null && !q.isEmpty();
    }

    /** Owner only. */
    final SystemMessage pollSystem() {
        ConcurrentLinkedQueue<SystemMessage> q = system;
        return q == null ? null : q.poll();
    }

    /** Owner only: the next user message, the stash first. */
    final Object pollUser() {
        Object m;
        if (stash != null && (m = stash.poll()) != null) {
            stashSize = stash.size();
            if (stashSize == 0) {
                stash = null;
            }
        } else {
            m = user.poll();
            if (m == null) {
                return null;
            }
        }
        return m;
    }

    /**
     * Owner only: moves every message queued so far into the stash, so that it can be
     * converted in place. Messages that producers add meanwhile stay behind them in the queue.
     */
    final ArrayDeque<Object> stashAll() {
        if (stash == null) {
            if (user.isEmpty()) {
                return EMPTY; // most processes are idle: no deque for them
            }
            stash = new ArrayDeque<>();
        }
        Object m;
        while ((m = user.poll()) != null) {
            stash.add(m);
        }
        stashSize = stash.size();
        return stash;
    }

    /**
     * Messages waiting, for listings from any thread. Counted by walking the queue: a counter on
     * the send path would be a second contended atomic per send, which cost fan-in dearly.
     */
    final long depth() {
        return user.size() + stashSize;
    }
}
