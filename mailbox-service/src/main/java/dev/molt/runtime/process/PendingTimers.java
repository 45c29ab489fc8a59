package dev.molt.runtime.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.molt.api.Pid;
import dev.molt.api.TimerRef;

/**
 * Timed messages ({@code sendAfter}) that have yet to fire, kept so that a runtime hand-over or a
 * snapshot can carry each over with the delay it has left.
 *
 * <p>Thread rule: any thread. A timer is in the map from its scheduling until it fires, is cancelled
 * or is taken; the map's remove decides which of the three happens (the one that removes it wins),
 * so a timer is never both sent and carried over.
 */
public final class PendingTimers {

    /** One timer: where, what, when (System.nanoTime), and its scheduled task. */
    private static final class Entry {
        final Pid to;
        final Object message;
        final long dueNanos;
        volatile ScheduledFuture<?> task; // set after scheduling; read by a cancel or a take

        Entry(Pid to, Object message, long dueNanos) {
            this.to = to;
            this.message = message;
            this.dueNanos = dueNanos;
        }
    }

    private final Kernel kernel;
    private final ConcurrentHashMap<Long, Entry> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    PendingTimers(Kernel kernel) {
        this.kernel = kernel;
    }

    /** Sends {@code message} to {@code to} after {@code delayNanos}; the ref cancels it. */
    public TimerRef schedule(Pid to, Object message, long delayNanos) {
        long id = ids.incrementAndGet();
        Entry e = new Entry(to, message, System.nanoTime() + delayNanos);
        pending.put(id, e);
        e.task = kernel.timers().schedule(() -> {
            if (pending.remove(id, e)) {
                fire(e);
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> {
            if (!pending.remove(id, e)) {
                return false; // fired, cancelled or carried over already
            }
            ScheduledFuture<?> t = e.task;
            if (t != null) {
                t.cancel(false);
            }
            return true;
        };
    }

    private void fire(Entry e) {
        Proc p = kernel.table().get(e.to);
        if (p != null) {
            p.enqueue(e.message);
        } else if (!e.to.isLocal() && kernel.router() != null) {
            kernel.router().send(e.to, e.message); // checked when it fires: a timer has no caller to tell
        }
    }

    /**
     * Takes every timer that has not fired: each is cancelled here and returned as
     * {@code Object[]{Pid to, Object message, Long leftNanos}} (0 or more nanoseconds left).
     */
    public List<Object[]> takeAll() {
        List<Object[]> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Long id : new ArrayList<>(pending.keySet())) {
            Entry e = pending.remove(id);
            if (e == null) {
                continue; // fired or cancelled meanwhile
            }
            ScheduledFuture<?> t = e.task;
            if (t != null) {
                t.cancel(false);
            }
            out.add(new Object[] {e.to, e.message, Math.max(0, e.dueNanos - now)});
        }
        return out;
    }

    /** Every timer that has not fired, as {@link #takeAll} gives them, left running. */
    public List<Object[]> peekAll() {
        List<Object[]> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Entry e : pending.values()) {
            out.add(new Object[] {e.to, e.message, Math.max(0, e.dueNanos - now)});
        }
        return out;
    }

    public int size() {
        return pending.size();
    }
}
