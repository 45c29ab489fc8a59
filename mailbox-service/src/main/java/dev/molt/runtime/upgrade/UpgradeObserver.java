package dev.molt.runtime.upgrade;

import dev.molt.api.Pid;

/**
 * Told of each step of an upgrade, by its {@link UpgradeRecord}, for events and the processes'
 * migration trails (see the observe package).
 *
 * <p>Thread rule: called on whichever thread takes the step; every method but {@link #moved} under
 * the record's monitor, so that the steps of one upgrade are told in the order they happened, and
 * its COMPLETED after its last HELD. {@link #moved} is called by the process that moved, just after
 * its record counted it and outside the monitor (so that a batch of moves never queues behind it),
 * by several threads at once. An observer must not block and must not call into the runtime, but
 * for the record's {@link UpgradeRecord#report()} (the monitor is re-entrant): it queues what it has
 * to say.
 */
public interface UpgradeObserver {

    UpgradeObserver NONE = new UpgradeObserver() {
    };

    /** Whether anybody listens for events: the record then says when a rolling upgrade progressed. */
    default boolean wantsEvents() {
        return false;
    }

    /** The upgrade began. */
    default void started(UpgradeRecord r) {
    }

    /** A rolling or canary upgrade moved more processes (at most once per {@link UpgradeRecord#PROGRESS_NANOS}). */
    default void progressed(UpgradeRecord r) {
    }

    /** A process moved (outside the record's monitor: see the class comment). */
    default void moved(UpgradeRecord r, Pid pid, String from, String to, long pauseNanos) {
    }

    /** A process is held. */
    default void held(UpgradeRecord r, Pid pid, String name, String from, String to, String reason) {
    }

    /** Every process moved or was held (completed), or a canary reached its stage. */
    default void settled(UpgradeRecord r) {
    }

    /** A canary was aborted. */
    default void aborted(UpgradeRecord r) {
    }
}
