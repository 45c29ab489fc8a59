package dev.molt.supervision;

import dev.molt.api.ChildSpec;

/**
 * The calls a supervisor answers ({@link SupervisorsService} sends them) and the one message it
 * sends itself. Records, so that a supervisor on another version of this bundle receives them
 * converted (the runtime's conversion rule). Replies are API or JDK values only: a refusal is a
 * {@link dev.molt.api.ProcessException} whose message is the one line to show.
 */
final class Requests {

    private Requests() {
    }

    /** Replies the children, a {@code List<ChildInfo>} in start order. */
    record WhichChildren() {
    }

    /** Adds and starts a static child; replies its pid. */
    record StartChild(ChildSpec spec) {
    }

    /** Starts a dynamic child of a simple_one_for_one supervisor; replies its pid. */
    record StartDynamic(Object argument) {
    }

    /** Stops a child (by id or pid); replies true. */
    record TerminateChild(String child) {
    }

    /** Starts a terminated static child again; replies its pid. */
    record RestartChild(String child) {
    }

    /** Removes a terminated static child's spec; replies true. */
    record DeleteChild(String child) {
    }

    /** Sent to itself after a restart failed: starts every child that should run and does not (OTP's try_again_restart). */
    record RetryRestarts() {
    }
}
