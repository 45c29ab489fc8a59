package dev.molt.runtime.mailbox;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A process's user messages: many producers, one consumer (the process's owner), FIFO per
 * producer. Dmitry Vyukov's intrusive MPSC node queue, written out because the proven libraries'
 * versions do not fit here: JCTools' {@code MpscLinkedQueue} pads every queue to hundreds of bytes
 * (a million idle processes must fit in well under 1 GiB), and the JDK's
 * {@code ConcurrentLinkedQueue} makes producers retry a CAS on the tail, which four producers into
 * one process contended on for a fifth of the CPU (the fan-in benchmark). Here a producer does one
 * atomic exchange, which never fails. The queue is a superclass of the mailbox, so that its two
 * fields live in the process object itself; an empty queue costs its stub node, 24 bytes.
 *
 * <h2>Thread rules and memory ordering</h2>
 * <ul>
 * <li>{@link #offerMessage}: any thread. It swaps its node into {@code tail} (a volatile exchange: every
 * write to the node, its value included, happens-before it), then links the previous node to it
 * with a release store. Between the two, the new node is in the queue but not yet reachable from
 * the head: a consumer that gets there sees {@code next == null} while {@code tail} is another
 * node, and waits a little for the link ({@link #pollMessage}).</li>
 * <li>{@link #pollMessage}, {@link #noMessages} and the head: the consumer only (the process's owner). Its
 * acquire load of {@code next} pairs with the producer's release store, so the value it reads is
 * the one the producer wrote.</li>
 * <li>{@link #noMessages} reads {@code tail} (volatile): after a producer's exchange, the queue is
 * not empty to anyone who reads {@code tail} after it. The mailbox's release relies on this: its
 * CAS on the status and this read on one side, the producer's exchange and its read of the status
 * on the other, are sequentially consistent, so one of them sees the other (no lost wake-up).</li>
 * <li>{@link #messageCount}: any thread, an estimate (it walks the nodes; listings only).</li>
 * </ul>
 */
abstract class MessageQueue {

    private static final VarHandle TAIL;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(MessageQueue.class, "tail", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How long a consumer spins for a link that a producer has yet to write. */
    private static final int LINK_SPINS = 128;

    static class Node {
        /** Written by its producer before the exchange; cleared by the consumer when taken. */
        Object value;
        /** Written once, with a release store, by the producer of the next node. */
        @SuppressWarnings("unused")
        volatile Node next;

        Node(Object value) {
            this.value = value;
        }
    }

    /** A node that knows when it was queued: one message in {@code latencySampling}, for its wait. */
    static final class TimedNode extends Node {
        /** Written by its producer before the exchange (published with the node). */
        final long queuedAt;

        TimedNode(Object value, long queuedAt) {
            super(value);
            this.queuedAt = queuedAt;
        }
    }

    /** Consumer only: the last node taken (its value cleared), or the stub. */
    private Node head;
    /** The last node offered; exchanged by producers. */
    @SuppressWarnings("unused")
    private volatile Node tail;

    MessageQueue() {
        Node stub = new Node(null);
        head = stub;
        tail = stub;
    }

    /** Any thread: appends {@code message}. */
    final void offerMessage(Object message) {
        link(new Node(message));
    }

    /** Any thread: appends {@code message} with the time it was queued; the consumer is told its wait when it takes it. */
    final void offerTimedMessage(Object message) {
        link(new TimedNode(message, System.nanoTime()));
    }

    private void link(Node n) {
        Node prev = (Node) TAIL.getAndSet(this, n);
        NEXT.setRelease(prev, n);
    }

    /** Consumer only: a timed message was taken after waiting {@code nanos}. */
    abstract void timedMessageTaken(long nanos);

    /** Consumer only: the oldest message, or null if there is none. */
    final Object pollMessage() {
        Node h = head;
        Node next = (Node) NEXT.getAcquire(h);
        if (next == null) {
            if (tail == h) {
                return null; // empty
            }
            // A producer has exchanged tail but not linked yet: it is between two instructions.
            for (int i = 0; i < LINK_SPINS && (next = (Node) NEXT.getAcquire(h)) == null; i++) {
                Thread.onSpinWait();
            }
            if (next == null) {
                return null; // still not linked (the producer was descheduled): noMessages says no, so the turn comes back
            }
        }
        head = next;
        Object v = next.value;
        next.value = null; // the taken node is the new stub: it must not keep the message alive
        if (next instanceof TimedNode t) {
            timedMessageTaken(System.nanoTime() - t.queuedAt);
        }
        // Unlink the old stub: if it had been promoted to the old generation, its link would keep
        // every later node alive through young collections ("nepotism"), and each young GC would
        // copy the whole chain. Only the consumer touches it now (its producer wrote it once).
        NEXT.setOpaque(h, (Node) null);
        return v;
    }

    /**
     * Consumer only: the oldest message, or null once nothing is queued, waiting for a producer that
     * has exchanged {@code tail} but not linked yet (for a hand-over, which must take every message
     * offered before it: see {@code Mailbox.HANDED}).
     */
    final Object pollLinked() {
        for (;;) {
            Object v = pollMessage();
            if (v != null || tail == head) {
                return v;
            }
            Thread.onSpinWait(); // a producer between its exchange and its link
        }
    }

    /** Whether nothing is queued; exact for the consumer, a volatile read of {@code tail} otherwise. */
    final boolean noMessages() {
        return tail == head;
    }

    /** Any thread: about how many messages wait (walks the nodes; for listings). */
    final long messageCount() {
        long n = 0;
        Node t = tail;
        for (Node x = (Node) NEXT.getAcquire(head); x != null; x = (Node) NEXT.getAcquire(x)) {
            n++;
            if (x == t) {
                break;
            }
        }
        return n;
    }
}
