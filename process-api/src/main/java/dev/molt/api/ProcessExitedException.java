package dev.molt.api;

/** A call whose process ended, or finished the message without replying. */
public class ProcessExitedException extends ProcessException {
    private static final long serialVersionUID = 1L;

    /** Why the process ended; null when it did not end (it handled the call without replying). */
    private final ExitReason reason;

    public ProcessExitedException(String message) {
        this(message, null);
    }

    public ProcessExitedException(String message, ExitReason reason) {
        super(message);
        this.reason = reason;
    }

    /** Why the process ended, with the whole detail (a crash's stack frames); null if it did not end. */
    public ExitReason reason() {
        return reason;
    }
}
