package dev.molt.cluster;

import java.util.List;

import dev.molt.api.CallTimeoutException;
import dev.molt.api.DuplicateNameException;
import dev.molt.api.ExitReason;
import dev.molt.api.InvalidNameException;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.SpawnException;
import dev.molt.api.UnknownBehaviourException;

/**
 * An error that happened on another node, as it crosses the wire: its kind, its one-line message,
 * and for an ended process its exit reason; rebuilt on this side as the same API exception, so that
 * a caller sees for a remote process what it would see for a local one.
 */
final class Errors {

    private Errors() {
    }

    /** {@code [kind, message, reason or null]} */
    static List<Object> describe(Throwable t) {
        Throwable e = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        String kind;
        ExitReason reason = null;
        if (e instanceof ProcessExitedException x) {
            kind = "exited";
            reason = x.reason();
        } else if (e instanceof CallTimeoutException) {
            kind = "timeout";
        } else if (e instanceof NoSuchProcessException) {
            kind = "noproc";
        } else if (e instanceof DuplicateNameException) {
            kind = "duplicate";
        } else if (e instanceof UnknownBehaviourException) {
            kind = "unknown";
        } else if (e instanceof InvalidNameException) {
            kind = "invalid";
        } else if (e instanceof SpawnException) {
            kind = "spawn";
        } else {
            kind = "error";
        }
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        return java.util.Arrays.asList(kind, message, reason);
    }

    static ProcessException rebuild(String kind, String message, ExitReason reason) {
        switch (kind) {
            case "exited":
                return new ProcessExitedException(message, reason);
            case "timeout":
                return new CallTimeoutException(message);
            case "noproc":
                return new NoSuchProcessException(message);
            case "duplicate":
                return new DuplicateNameException(message);
            case "unknown":
                return new UnknownBehaviourException(message);
            case "invalid":
                return new InvalidNameException(message);
            case "spawn":
                return new SpawnException(message);
            default:
                return new ProcessException(message);
        }
    }
}
