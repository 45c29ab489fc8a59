package dev.molt.runtime.code;

import java.util.ArrayList;
import java.util.List;

/**
 * The processes of one version (or those of a behaviour waiting for code): an intrusive
 * doubly-linked set, so that an upgrade finds them without scanning every process, and joining or
 * leaving costs two link writes.
 *
 * <p>Thread rule: every method is synchronized on the set (short: link writes, or a copy for a
 * snapshot). A member is in at most one set; the caller that moves it (its owner) removes it from
 * one set before adding it to the next. A closed set takes no new members: a version being
 * withdrawn closes its set, so that a spawn racing the withdrawal either is in the snapshot the
 * withdrawal takes or is refused and binds to another version.
 */
public final class Members {

    private Member head;
    private int size;
    private boolean closed;
    /** Run once when the closed set becomes empty (see {@link #close}). */
    private Runnable onDrained;

    /** Adds {@code m}; false if the set is closed. */
    public synchronized boolean add(Member m) {
        if (closed) {
            return false;
        }
        m.linkMember(null, head);
        if (head != null) {
            head.linkMember(m, head.nextMember());
        }
        head = m;
        size++;
        return true;
    }

    /** Removes {@code m}; false if it was not a member. */
    public boolean remove(Member m) {
        Runnable drained;
        synchronized (this) {
            Member prev = m.prevMember();
            Member next = m.nextMember();
            if (prev != null) {
                prev.linkMember(prev.prevMember(), next);
            } else if (head == m) {
                head = next;
            } else {
                return false; // not here
            }
            if (next != null) {
                next.linkMember(prev, next.nextMember());
            }
            m.linkMember(null, null);
            size--;
            drained = takeDrained();
        }
        if (drained != null) {
            drained.run();
        }
        return true;
    }

    /**
     * Closes the set and returns its members as they are now; {@code onDrained} runs once the set is
     * empty (now, if it is empty already), on the thread that removed the last member.
     */
    public List<Member> close(Runnable onDrained) {
        List<Member> now;
        Runnable drained;
        synchronized (this) {
            closed = true;
            this.onDrained = onDrained;
            now = snapshot();
            drained = takeDrained();
        }
        if (drained != null) {
            drained.run();
        }
        return now;
    }

    private Runnable takeDrained() {
        if (closed && size == 0 && onDrained != null) {
            Runnable r = onDrained;
            onDrained = null;
            return r;
        }
        return null;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** The members now, in no particular order. */
    public synchronized List<Member> snapshot() {
        List<Member> out = new ArrayList<>(size);
        for (Member m = head; m != null; m = m.nextMember()) {
            out.add(m);
        }
        return out;
    }

    public synchronized int size() {
        return size;
    }

    public synchronized boolean isEmpty() {
        return size == 0;
    }
}
