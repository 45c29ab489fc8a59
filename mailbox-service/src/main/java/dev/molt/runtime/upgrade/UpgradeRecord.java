package dev.molt.runtime.upgrade;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeReport;
import dev.molt.runtime.neutral.MigrationNotes;

/**
 * The bookkeeping of one upgrade of one behaviour: its moves (one per process) and what became of
 * each, and the report made from them. The history keeps records, not reports, so that a process
 * this upgrade left held that moves or ends later is counted here, and the next read sees it.
 *
 * <p>Every step of every move is taken under this record's monitor (see {@link Move}): the
 * process that moves, the coordinator that gives up waiting for it, and an exit that ends it each
 * change the move and the counts in one step, so the report never lists a process twice. Leaf
 * lock: nothing is called out while it is held, except {@link Move#onSettled}, which only releases
 * a permit, and the {@link UpgradeObserver}, which only queues events and notes a process's trail.
 */
public final class UpgradeRecord {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");
    /** A rolling upgrade tells its progress at most this often (and at its first move). */
    public static final long PROGRESS_NANOS = 100_000_000L;

    private final String behaviour;
    private final String fromVersion;
    private final UpgradeMode mode;
    private final Instant started = Instant.now();
    private final long startNanos = System.nanoTime();
    private final MigrationNotes notes = new MigrationNotes();
    private final UpgradeObserver observer;
    // Guarded by this:
    private String toVersion;
    private UpgradeReport.Outcome outcome = UpgradeReport.Outcome.IN_PROGRESS;
    /** Set by the canary before its subset moves: settling then stops at the canary stage. */
    private boolean canaryStage;
    /**
     * While the coordinator is still adding moves (a rolling batch at a time, held processes retried
     * one by one), the record does not complete when the moves added so far have settled.
     */
    private boolean adding;
    private int processes;
    /** Processes it set out to move, as known when it began (the report shows the larger of this and the moves added). */
    private int planned;
    private int migrated;
    private int failed;
    private long converted;
    private long longestPause;
    private long endNanos;
    private String note;
    private final Map<Pid, UpgradeReport.Held> held = new LinkedHashMap<>();
    /** Moves not yet settled; dropped when the record completes. */
    private List<Move> open = new ArrayList<>();
    private int unsettled;
    private UpgradeReport current;
    /** When the observer was last told of progress; 0 before the first move. */
    private long progressToldAt;

    UpgradeRecord(String behaviour, String fromVersion, UpgradeMode mode, UpgradeObserver observer) {
        this.behaviour = behaviour;
        this.fromVersion = fromVersion;
        this.mode = mode;
        this.observer = observer;
    }

    /** Tells the observer the upgrade began (the coordinator calls it once the record is in the history). */
    synchronized void announce() {
        observer.started(this);
    }

    public String behaviour() {
        return behaviour;
    }

    public String fromVersion() {
        return fromVersion;
    }

    public UpgradeMode mode() {
        return mode;
    }

    UpgradeObserver observer() {
        return observer;
    }

    MigrationNotes notes() {
        return notes;
    }

    // ---- steps of moves (see Move) -------------------------------------------------------

    synchronized void add(Move m) {
        if (open == null) {
            open = new ArrayList<>();
        }
        open.add(m);
        processes++;
        unsettled++;
        if (outcome != UpgradeReport.Outcome.ABORTED) {
            outcome = UpgradeReport.Outcome.IN_PROGRESS;
        }
        current = null;
    }

    synchronized void exported(Move m, long convertedMessages) {
        if (m.step == Move.Step.REQUESTED) {
            m.step = Move.Step.EXPORTED;
        }
        converted += convertedMessages;
        current = null;
        notifyAll();
    }

    /** The process was no longer on the version this move was for (another move took it): not counted. */
    synchronized void skipped(Move m) {
        if (m.step == Move.Step.REQUESTED && m.heldReason != null) {
            held.remove(m.process.pid()); // listed held when it went overdue; another move took the process
        }
        m.step = Move.Step.SKIPPED;
        processes--;
        planned = Math.max(0, planned - 1);
        settle(m);
    }

    synchronized void held(Move m, String reason) {
        if (m.step != Move.Step.ENDED) {
            m.step = Move.Step.HELD;
            m.heldReason = reason;
            held.put(m.process.pid(), new UpgradeReport.Held(m.process.pid(), m.process.name().orElse(null), reason));
            tellHeld(m, reason);
            settle(m);
        }
    }

    /**
     * A later upgrade took over this held move (its process is retried there): the listing stays,
     * and says where to look, since what becomes of the process is counted by that record.
     */
    synchronized void retriedLater(Move m, String laterTarget) {
        UpgradeReport.Held h = held.get(m.process.pid());
        if (h != null && m.step == Move.Step.HELD) {
            held.put(h.pid(), new UpgradeReport.Held(h.pid(), h.name(), h.reason() + "; retried into " + laterTarget
                    + " by a later upgrade (see the next records)"));
            current = null;
        }
    }

    private void tellHeld(Move m, String reason) {
        observer.held(this, m.process.pid(), m.process.name().orElse(null), m.exportedFrom != null ? m.exportedFrom
                : m.from.version(), m.to != null ? m.to.version() : toVersion, reason);
    }

    /**
     * The coordinator gave up waiting: listed held, still moving when its handler returns; the
     * process shows as held meanwhile.
     */
    synchronized void overdue(Move m, String reason) {
        if (m.step != Move.Step.REQUESTED) {
            return;
        }
        m.heldReason = reason;
        // Shown on the process before anyone waiting on this record can look (settle wakes them).
        // The process's own step transitions are taken under this monitor too, so it cannot move
        // between this and the settle; it takes the step over when it reaches its boundary.
        m.process.showMigration(m);
        held.put(m.process.pid(), new UpgradeReport.Held(m.process.pid(), m.process.name().orElse(null), reason));
        tellHeld(m, reason);
        settle(m);
    }

    synchronized void migrated(Move m, long pauseNanos, MigrationNotes.OneProcess processNotes) {
        m.step = Move.Step.DONE;
        held.remove(m.process.pid());
        migrated++;
        longestPause = Math.max(longestPause, pauseNanos);
        if (processNotes != null && !processNotes.isEmpty()) {
            notes.add(processNotes);
        }
        if (outcome != UpgradeReport.Outcome.IN_PROGRESS) {
            endNanos = System.nanoTime(); // a late move is the last resumption so far
        }
        if (mode != UpgradeMode.ATOMIC && outcome == UpgradeReport.Outcome.IN_PROGRESS && observer.wantsEvents()) {
            long now = System.nanoTime();
            if (progressToldAt == 0 || now - progressToldAt >= PROGRESS_NANOS) {
                progressToldAt = now;
                current = null;
                observer.progressed(this); // before the settle that may complete the record
            }
        }
        settle(m);
    }

    synchronized void ended(Move m) {
        if (m.step == Move.Step.DONE || m.step == Move.Step.ENDED || m.step == Move.Step.SKIPPED) {
            return;
        }
        m.step = Move.Step.ENDED;
        held.remove(m.process.pid());
        failed++;
        settle(m);
    }

    private void settle(Move m) {
        current = null;
        if (!m.settled) {
            m.settled = true;
            unsettled--;
            m.onSettled.run();
        }
        completeIfDone();
        notifyAll();
    }

    /** The version the processes go to is known (atomic: once it registered). */
    synchronized void target(String version) {
        if (toVersion == null) {
            toVersion = version;
        }
        current = null;
        completeIfDone();
        notifyAll();
    }

    synchronized boolean hasTarget() {
        return toVersion != null;
    }

    /**
     * Before the record is announced: how many processes it sets out to move, and (for an upgrade whose
     * moves are added one by one) its target, with {@link #adding} on.
     */
    synchronized void plan(String to, int planned) {
        this.planned = planned;
        if (to != null) {
            toVersion = to;
            adding = true;
        }
        current = null;
    }

    /** While {@code on}, the record does not complete: more moves are coming; off, it completes if they all settled. */
    synchronized void adding(boolean on) {
        adding = on;
        current = null;
        if (!on) {
            completeIfDone();
            notifyAll();
        }
    }

    /** From now on settling stops at the canary stage. */
    synchronized void canaryStage(boolean on) {
        canaryStage = on;
        current = null;
    }

    private void completeIfDone() {
        if (unsettled == 0 && toVersion != null && !adding && outcome == UpgradeReport.Outcome.IN_PROGRESS) {
            outcome = canaryStage ? UpgradeReport.Outcome.CANARY : UpgradeReport.Outcome.COMPLETED;
            endNanos = System.nanoTime();
            if (!canaryStage) {
                open = null; // every move is settled; held ones are counted through their own reference
            }
            current = null;
            LOG.log(System.Logger.Level.INFO, report().summary()); // the log keeps every upgrade, as proc:history does
            observer.settled(this);
        }
    }

    synchronized void aborted(String why) {
        outcome = UpgradeReport.Outcome.ABORTED;
        note = why;
        endNanos = System.nanoTime();
        current = null;
        observer.aborted(this);
        notifyAll();
    }

    synchronized boolean isSettled() {
        return outcome != UpgradeReport.Outcome.IN_PROGRESS;
    }

    synchronized boolean isOpen() {
        return outcome == UpgradeReport.Outcome.IN_PROGRESS || outcome == UpgradeReport.Outcome.CANARY;
    }

    public synchronized UpgradeReport.Outcome outcome() {
        return outcome;
    }

    /** Moves still unsettled, for the timeout's sweep and the withdrawal's wait. */
    synchronized List<Move> unsettledMoves() {
        List<Move> out = new ArrayList<>();
        if (open != null) {
            for (Move m : open) {
                if (!m.settled) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** Waits until the record settles (completed, canary stage, aborted) or the deadline passes. */
    public synchronized boolean awaitSettled(long deadlineNanos) throws InterruptedException {
        while (!isSettled()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * Waits up to {@code nanos} until {@code ready} holds, looking again at every change (a move's
     * step); {@code ready} is read under this monitor, where the moves' settling also runs, so no
     * change is missed between a look and the wait. Whether it holds.
     */
    synchronized boolean awaitUntil(java.util.function.BooleanSupplier ready, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (!ready.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Waits up to {@code nanos} for any change (a move's step); for coordinators that poll. */
    synchronized void awaitChange(long nanos) throws InterruptedException {
        if (nanos > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, nanos);
        }
    }

    synchronized int unsettledCount() {
        return unsettled;
    }

    /** The report as of now; made again only after a change. */
    public synchronized UpgradeReport report() {
        if (current != null) {
            return current;
        }
        long end = outcome == UpgradeReport.Outcome.IN_PROGRESS ? System.nanoTime() : endNanos;
        current = new UpgradeReport(behaviour, fromVersion, toVersion, started, migrated, List.copyOf(held.values()),
                failed, Duration.ofNanos(end - startNanos), Duration.ofNanos(longestPause), converted, mode, outcome,
                Math.max(processes, planned), notes.dropped(), notes.defaulted(), note);
        if (outcome == UpgradeReport.Outcome.IN_PROGRESS) {
            UpgradeReport r = current;
            current = null; // time moves on while in progress
            return r;
        }
        return current;
    }
}
