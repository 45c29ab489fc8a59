package dev.molt.runtime.handover;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.molt.api.ExitReason;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.process.ProcessImage;
import dev.molt.runtime.process.SystemMessage;

/**
 * The outgoing runtime's hand-over: every process exports itself at its next message boundary, on
 * its own turn, all in parallel; the image ({@link Image}, live form) is made once they have, or once
 * no process has exported for the grace time. A process still in a handler then is a <em>straggler</em>: the image holds
 * its pid and name ({@link Image#ARRIVING}), it goes on here until its handler returns, then exports
 * and passes its record through the {@link Relay} (or its exit, if the handler crashed). The old
 * runtime's threads end when the last straggler has gone ({@code onLastGone}).
 *
 * <p>Thread rule: {@link #run} on the deactivating thread; the export tasks on the processes' own
 * turns; everything they share is guarded by this object's monitor.
 */
public final class HandOver {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    private final Kernel kernel;
    private final Relay relay = new Relay();
    private final Runnable onLastGone;
    private final List<Object[]> records = new ArrayList<>();
    private final Set<Proc> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean sealed;
    /** The processes the image holds as ARRIVING: each leaves this set once, when it exports or ends. */
    private final Set<Proc> stragglers = Collections.newSetFromMap(new IdentityHashMap<>());
    private long firstExportNanos;

    /** @param onLastGone runs once nothing of the old runtime runs any more (at the seal, or when the last straggler went) */
    public HandOver(Kernel kernel, Runnable onLastGone) {
        this.kernel = kernel;
        this.onLastGone = onLastGone;
    }

    public Relay relay() {
        return relay;
    }

    /** The export of one process, on its turn. */
    private final class Export implements SystemMessage.MigrationTask {
        @Override
        public void runOn(Proc p) {
            if (p.isHanded()) {
                return;
            }
            Object[] r = ProcessImage.export(p);
            boolean late;
            synchronized (HandOver.this) {
                if (firstExportNanos == 0) {
                    firstExportNanos = System.nanoTime();
                }
                gone.add(p);
                late = sealed;
                if (!late) {
                    records.add(r);
                    HandOver.this.notifyAll();
                }
            }
            if (late) {
                relay.late(p.pid(), r);
                stragglerGone(p);
            }
        }

        @Override
        public void notRun(Proc p) {
            if (p == null || p.isHanded()) {
                return; // a second export task of a process that went already
            }
            boolean late;
            synchronized (HandOver.this) {
                if (!gone.add(p)) {
                    return;
                }
                late = sealed;
                HandOver.this.notifyAll();
            }
            if (late) {
                ExitReason r = p.endedWith();
                relay.ended(p.pid(), r != null ? r : ExitReason.NOPROC);
                stragglerGone(p);
            }
        }
    }

    private void stragglerGone(Proc p) {
        boolean last;
        synchronized (this) {
            last = stragglers.remove(p) && stragglers.isEmpty();
        }
        if (last) {
            takeLateTimers();
            onLastGone.run();
        }
    }

    /** Timers a straggler set after the image was made: they go through the relay too. */
    private void takeLateTimers() {
        for (Object[] t : kernel.pendingTimers().takeAll(true)) {
            @SuppressWarnings("unchecked")
            java.util.concurrent.CompletableFuture<Object> ref = (java.util.concurrent.CompletableFuture<Object>) t[3];
            relay.timer((dev.molt.api.Pid) t[0], t[1], (Long) t[2], ref);
        }
    }

    /**
     * Exports every process and makes the image. Processes spawned meanwhile export too; after
     * {@code graceNanos} the ones still in a handler are left as stragglers.
     *
     * @param image where the process records and the timers go ({@link Image#K_PROCESSES},
     *              {@link Image#K_TIMERS}); the caller adds the rest
     */
    public void run(Map<String, Object> image, long graceNanos) {
        ProcessImage.preload(); // a straggler exports after the framework may have closed this revision's content
        kernel.successor(relay); // before any process is HANDED
        long deadline = System.nanoTime() + graceNanos;
        Set<Proc> tasked = Collections.newSetFromMap(new IdentityHashMap<>());
        Export export = new Export();
        boolean more = true;
        while (more) {
            more = false;
            for (Proc p : kernel.table().all()) {
                if (tasked.add(p)) {
                    more = true;
                    p.enqueueSystem(new SystemMessage.Migrate(export));
                }
            }
            synchronized (this) {
                long left;
                int seen = gone.size();
                while (gone.size() < tasked.size() && (left = deadline - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    if (gone.size() > seen) {
                        // Progress: processes are taking their turns. The grace counts from the last export,
                        // so that only a process that stays in a handler becomes a straggler.
                        seen = gone.size();
                        deadline = System.nanoTime() + graceNanos;
                    }
                }
                if (gone.size() < tasked.size()) {
                    more = false; // grace is over: the rest are stragglers
                }
            }
        }
        List<Object[]> out;
        synchronized (this) {
            sealed = true;
            out = new ArrayList<>(records);
            for (Proc p : tasked) {
                if (!gone.contains(p) && !p.isExited()) {
                    out.add(arriving(p));
                    stragglers.add(p);
                }
            }
        }
        int late;
        synchronized (this) {
            late = stragglers.size();
        }
        if (late > 0) {
            LOG.log(System.Logger.Level.INFO, late + " processes were still in a handler when the runtime was handed"
                    + " over; each follows when its handler returns");
        }
        image.put(Image.K_PROCESSES, out);
        List<Object[]> timers = new ArrayList<>();
        List<Object> timerRefs = new ArrayList<>();
        for (Object[] t : kernel.pendingTimers().takeAll(true)) {
            timers.add(new Object[] {((dev.molt.api.Pid) t[0]).id(), t[1], t[2]});
            timerRefs.add(t[3]);
        }
        image.put(Image.K_TIMERS, timers);
        image.put(Image.K_TIMER_REFS, timerRefs);
        image.put(Image.K_RELAY, (java.util.function.Consumer<java.util.function.Consumer<Object[]>>) relay::attach);
        boolean none;
        synchronized (this) {
            none = stragglers.isEmpty();
        }
        if (none) {
            onLastGone.run();
        }
    }

    private static Object[] arriving(Proc p) {
        Object[] r = new Object[Image.P_SLOTS];
        r[Image.P_PID] = p.pid().id();
        r[Image.P_NAME] = p.name().orElse(null);
        r[Image.P_BEHAVIOUR] = p.line().name();
        r[Image.P_VERSION] = p.version();
        r[Image.P_BUNDLE] = Image.ARRIVING;
        r[Image.P_TRAP_EXITS] = ProcessImage.trapsExits(p); // racy (the owner's flag), so that a linked exit does not kill it before it arrives
        r[Image.P_MESSAGES] = new Object[0];
        r[Image.P_HANDLED] = 0L;
        r[Image.P_UPGRADES] = 0;
        r[Image.P_HANDOVERS] = 0;
        r[Image.P_RESTORES] = 0;
        return r;
    }

    /** When the first process exported (System.nanoTime), for the longest pause; 0 if none did. */
    public synchronized long firstExportNanos() {
        return firstExportNanos;
    }

    /** A map for an image, with the keys every form has. */
    public static Map<String, Object> newImage(String form, String api, String runtime, long lastPid, long lastRef) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(Image.K_FORMAT, Image.FORMAT);
        m.put(Image.K_FORM, form);
        m.put(Image.K_API, api);
        m.put(Image.K_RUNTIME, runtime);
        m.put(Image.K_MADE_AT, System.currentTimeMillis());
        m.put(Image.K_LAST_PID, lastPid);
        m.put(Image.K_LAST_REF, lastRef);
        return m;
    }
}
