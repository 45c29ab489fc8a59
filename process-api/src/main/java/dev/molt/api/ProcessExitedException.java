package dev.molt.api;

/** A call whose process ended, or finished the message without replying. */
public class ProcessExitedException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public ProcessExitedException(String message) {
        super(message);
    }
}
