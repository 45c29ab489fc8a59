package dev.molt.runtime.handover;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.molt.runtime.neutral.Neutral;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.process.ProcessImage;
import dev.molt.runtime.process.SystemMessage;

/**
 * Takes a snapshot of every process without stopping the others: each writes its neutral record at
 * its own next boundary, on its own turn ({@link ProcessImage#copy}). It is not a consistent cut
 * across processes: each process is as it was at its own point. A process still in a handler when
 * no copy has come for the grace time keeps the record of the snapshot before (if there was one).
 *
 * <p>Thread rule: {@link #take} on one thread at a time (the snapshot timer, or the stopping one);
 * the copy tasks on the processes' turns, adding under this object's monitor.
 */
public final class Snapshots {

    private final Kernel kernel;
    private final Predicate<Class<?>> exportable;
    /** The records of the snapshot before, by pid: what a process in a handler keeps. Taker only. */
    private Map<Long, Object[]> previous = Map.of();

    public Snapshots(Kernel kernel) {
        this.kernel = kernel;
        this.exportable = Neutral.exportable(kernel.apiLoader());
    }

    /** The records of every live process, within {@code graceNanos}; with {@code freeze}, each handles nothing more. */
    public List<Object[]> take(long graceNanos, boolean freeze) {
        List<Proc> all = kernel.table().snapshot();
        List<Object[]> records = new ArrayList<>(all.size());
        int[] settled = {0};
        SystemMessage.Migrate task = new SystemMessage.Migrate(new SystemMessage.MigrationTask() {
            @Override
            public void runOn(Proc p) {
                Object[] r = ProcessImage.copy(p, exportable, freeze);
                synchronized (Snapshots.this) {
                    records.add(r);
                    settled[0]++;
                    Snapshots.this.notifyAll();
                }
            }

            @Override
            public void notRun(Proc p) {
                synchronized (Snapshots.this) {
                    settled[0]++;
                    Snapshots.this.notifyAll();
                }
            }
        });
        for (Proc p : all) {
            p.enqueueSystem(task);
        }
        // The grace runs from the last copy that came, not from the start: a million processes take
        // their turns one after another, and only one that stays in a handler makes no progress.
        long deadline = System.nanoTime() + graceNanos;
        List<Object[]> out;
        synchronized (this) {
            long left;
            int seen = 0;
            while (settled[0] < all.size() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(5)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (settled[0] > seen) {
                    seen = settled[0];
                    deadline = System.nanoTime() + graceNanos;
                }
            }
            out = new ArrayList<>(records);
        }
        Map<Long, Object[]> now = new HashMap<>(out.size() * 2);
        for (Object[] r : out) {
            now.put((Long) r[Image.P_PID], r);
        }
        for (Proc p : all) {
            Long id = p.pid().id();
            if (!now.containsKey(id) && !p.isExited()) {
                Object[] before = previous.get(id);
                if (before != null) {
                    out.add(before);
                    now.put(id, before);
                } else {
                    System.getLogger("dev.molt.runtime").log(System.Logger.Level.WARNING, "process " + id + " was still in"
                            + " a handler when the snapshot was taken, and no earlier snapshot has it: it is not in this one");
                }
            }
        }
        previous = now;
        return out;
    }
}
