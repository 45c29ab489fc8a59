package dev.molt.runtime.upgrade;

/**
 * How many moves a rolling upgrade or canary keeps in flight. One at first: the first move loads
 * and links what is left of the new code's classes, and a batch behind it would hold every worker
 * at the class-loading lock. Then the window doubles as moves settle, up to {@code rollingBatch},
 * but never past about {@link #WORK_NANOS} (3 ms) of migration work at the pace moves take now: a move
 * waits for its process's next turn, so the moves asked at once run back to back when their turns
 * come, and while the code is still cold (interpreted, tens of times slower) a wide window would
 * be a stretch of migrations with no message handled in between.
 *
 * <p>Thread rule: {@link #settled} runs under the upgrade record's monitor, on whichever thread
 * settles a move (the process's worker, or the coordinator marking it overdue); {@link #size} on
 * the coordinator's thread. Guarded by this object's monitor.
 */
final class RollingWindow {

    /** The migration work (the sum of the in-flight moves' expected durations) the window allows. */
    static final long WORK_NANOS = 3_000_000;

    private final int max;
    private int size = 1;
    /** A moving average of how long a move took, from its export to its import; 0 before the first. */
    private long moveNanos;

    RollingWindow(int max) {
        this.max = Math.max(1, max);
    }

    synchronized int size() {
        return size;
    }

    /** A move settled; {@code tookNanos} is its export-to-import time, or -1 if it did not run (held, ended). */
    synchronized void settled(long tookNanos) {
        if (tookNanos > 0) {
            moveNanos = moveNanos == 0 ? tookNanos : (moveNanos * 7 + tookNanos) / 8;
        }
        int byWork = moveNanos == 0 ? max : (int) Math.max(1, Math.min(max, WORK_NANOS / moveNanos));
        size = Math.max(1, Math.min(Math.min(max, size * 2), byWork));
    }
}
