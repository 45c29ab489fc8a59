package dev.molt.runtime.upgrade;

import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.process.Proc;

/**
 * One process's migration in one upgrade: an explicit state machine.
 *
 * <pre>
 * REQUESTED --export--> EXPORTED --import--> DONE
 *     |                    |  \--no path / import threw--> HELD --next version--> (a new Move)
 *     |                    \--export threw--> HELD (for good: no state to import)
 *     \--the process was moved by another upgrade meanwhile--> SKIPPED
 * any of REQUESTED, EXPORTED, HELD --the process ended--> ENDED
 * </pre>
 *
 * A REQUESTED move whose process is still in a handler at the upgrade timeout is reported held
 * (overdue) and settled for the report, and still moves when the handler returns.
 *
 * <p>Thread rule: {@link #step} and {@link #settled} are guarded by the record's monitor (every
 * transition is one of its methods); the exported state's facts ({@link #exportedFrom},
 * {@link #stateLost}, {@link #exportedAt}) are written by the process's owner, before the
 * transition that publishes them; {@link #heldReason} is volatile for listings.
 */
final class Move implements Proc.Migration {

    enum Step { REQUESTED, EXPORTED, DONE, HELD, SKIPPED, ENDED }

    final UpgradeRecord record;
    /** The version the process leaves. */
    final BehaviourVersion from;
    /** The version it goes to, or null for "whatever serves when it exports" (atomic). */
    final BehaviourVersion to;
    final Proc process;
    /** Run once when this move settles (a rolling upgrade's slot). */
    final Runnable onSettled;
    Step step = Step.REQUESTED;
    boolean settled;
    String exportedFrom;
    boolean stateLost;
    long exportedAt;
    volatile String heldReason;

    Move(UpgradeRecord record, BehaviourVersion from, BehaviourVersion to, Proc process, Runnable onSettled) {
        this.record = record;
        this.from = from;
        this.to = to;
        this.process = process;
        this.onSettled = onSettled;
    }

    /** The same exported state, taken up by a later upgrade's record (a held process retried). */
    Move retryIn(UpgradeRecord later, BehaviourVersion to) {
        Move m = new Move(later, from, to, process, () -> { });
        m.exportedFrom = exportedFrom;
        m.stateLost = stateLost;
        m.exportedAt = exportedAt;
        m.step = Step.EXPORTED;
        later.add(m);
        record.retriedLater(this, to.version());
        return m;
    }

    @Override
    public String exportedFrom() {
        return exportedFrom;
    }

    @Override
    public String heldReason() {
        return heldReason;
    }

    @Override
    public boolean stateLost() {
        return stateLost;
    }

    @Override
    public void ended() {
        record.ended(this);
    }
}
