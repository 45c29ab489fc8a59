package dev.molt.api;

import java.util.Optional;

/**
 * A snapshot of one process, for listings.
 *
 * @param pid          the process
 * @param name         its registered name, or null
 * @param behaviour    its behaviour's name
 * @param version      the version of the code it runs (or, suspended, the version its state came from)
 * @param status       where it is in its life
 * @param mailboxDepth messages waiting
 * @param handled      messages given to a handler so far, over all versions (one being handled now included)
 * @param upgrades     how many times its code was replaced
 * @param heldReason   why it is held, or null
 * @param handOvers    how many times the runtime itself was replaced under it (a runtime bundle update)
 * @param restores     how many times it was restored from a snapshot (a framework restart, a crash)
 */
public record ProcessInfo(Pid pid, String name, String behaviour, String version, ProcessStatus status,
                          long mailboxDepth, long handled, int upgrades, String heldReason, int handOvers, int restores) {

    /** A process that never went through a hand-over or a restore (as before API 1.3). */
    public ProcessInfo(Pid pid, String name, String behaviour, String version, ProcessStatus status,
                       long mailboxDepth, long handled, int upgrades, String heldReason) {
        this(pid, name, behaviour, version, status, mailboxDepth, handled, upgrades, heldReason, 0, 0);
    }

    public Optional<String> nameIfAny() {
        return Optional.ofNullable(name);
    }
}
