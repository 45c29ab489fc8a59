package dev.molt.runtime.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import dev.molt.api.Pid;
import dev.molt.api.TimerRef;

/**
 * Timed messages ({@code sendAfter}) that have yet to fire, kept so that a runtime hand-over or a
 * snapshot can carry each over with the delay it has left.
 *
 * <p>Thread rule: any thread. A timer is in the map from its scheduling until it fires, is cancelled
 * or is taken; the map's remove decides which of the three happens (the one that removes it wins),
 * so a timer is never both sent and carried over.
 *
 * <p>A timer carried over to a newer revision keeps its {@link TimerRef}: the ref a handler holds in
 * its state cancels it there. The two revisions share nothing but the JDK, so the protocol is a
 * {@code CompletableFuture<Object>} per carried timer ({@link #takeAll(boolean)}): the newer revision
 * completes it with its own ref's cancel (a {@link BooleanSupplier}) <em>before</em> it arms the timer
 * ({@link #scheduleCarried}), or sees it completed by a cancel here first and does not arm it. Either
 * completion happens once, so a cancel is never lost and never counted twice.
 */
public final class PendingTimers {

    /** One timer: where, what, when (System.nanoTime), and its scheduled task. */
    private static final class Entry {
        final Pid to;
        final Object message;
        final long dueNanos;
        volatile ScheduledFuture<?> task; // set after scheduling; read by a cancel or a take
        // Set by a take for a newer revision before the entry leaves the map; read by a cancel that
        // finds it gone (the map's remove and get order the two).
        volatile CompletableFuture<Object> carried;

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

    /** What a cancel in the older revision puts in a carried timer's future: the newer one does not arm it. */
    private static final Object CANCELLED_BEFORE = Boolean.TRUE;
    /** What an older revision's future gets when the timer could not be carried with its ref (an API refresh). */
    public static final Object NOT_CANCELLABLE = Boolean.FALSE;

    /** Sends {@code message} to {@code to} after {@code delayNanos}; the ref cancels it. */
    public TimerRef schedule(Pid to, Object message, long delayNanos) {
        long id = ids.incrementAndGet();
        Entry e = new Entry(to, message, System.nanoTime() + delayNanos);
        pending.put(id, e);
        arm(id, e, delayNanos);
        return () -> cancel(id, e);
    }

    /**
     * A timer an older revision carried over: scheduled here only if {@code older} was not completed by
     * a cancel there first; {@code older} then gets this ref's cancel, before the timer is armed.
     */
    public void scheduleCarried(Pid to, Object message, long delayNanos, CompletableFuture<Object> older) {
        if (older == null) {
            schedule(to, message, delayNanos);
            return;
        }
        long id = ids.incrementAndGet();
        Entry e = new Entry(to, message, System.nanoTime() + delayNanos);
        pending.put(id, e);
        if (!older.complete((BooleanSupplier) () -> cancel(id, e))) {
            pending.remove(id, e); // cancelled in the older revision meanwhile
            return;
        }
        arm(id, e, delayNanos);
    }

    private void arm(long id, Entry e, long delayNanos) {
        e.task = kernel.timers().schedule(() -> {
            if (pending.remove(id, e)) {
                fire(e);
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private boolean cancel(long id, Entry e) {
        if (pending.remove(id, e)) {
            ScheduledFuture<?> t = e.task;
            if (t != null) {
                t.cancel(false);
            }
            return true;
        }
        CompletableFuture<Object> c = e.carried;
        if (c == null) {
            return false; // fired or cancelled already
        }
        if (c.complete(CANCELLED_BEFORE)) {
            return true; // carried over, and the newer revision will not arm it
        }
        // Completed: by the newer revision, by an earlier cancel here, or failed (the timer was dropped).
        Object there = c.handle((v, x) -> x == null ? v : null).join();
        return there instanceof BooleanSupplier s && s.getAsBoolean();
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
     * {@code Object[]{Pid to, Object message, Long leftNanos, CompletableFuture<Object> ref}} (0 or more
     * nanoseconds left). With {@code keepRefs} (a hand-over), the last slot is the future through which
     * the timer's ref goes on cancelling it in the revision that takes it (see the class comment);
     * without (a framework stop), it is null and the refs cancel nothing any more.
     */
    public List<Object[]> takeAll(boolean keepRefs) {
        List<Object[]> out = new ArrayList<>();
        long now = System.nanoTime();
        for (Long id : new ArrayList<>(pending.keySet())) {
            CompletableFuture<Object> ref = keepRefs ? new CompletableFuture<>() : null;
            Entry[] taken = new Entry[1];
            // Marked carried and removed in one step, so that a cancel or a firing either comes first
            // (and the timer is not taken) or finds it gone with the mark set.
            pending.computeIfPresent(id, (k, v) -> {
                v.carried = ref;
                taken[0] = v;
                return null;
            });
            Entry e = taken[0];
            if (e == null) {
                continue; // fired or cancelled meanwhile
            }
            ScheduledFuture<?> t = e.task;
            if (t != null) {
                t.cancel(false);
            }
            out.add(new Object[] {e.to, e.message, Math.max(0, e.dueNanos - now), ref});
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
