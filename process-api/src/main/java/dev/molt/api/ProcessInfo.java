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
 */
public record ProcessInfo(Pid pid, String name, String behaviour, String version, ProcessStatus status,
                          long mailboxDepth, long handled, int upgrades, String heldReason) {

    public Optional<String> nameIfAny() {
        return Optional.ofNullable(name);
    }
}
