package dev.molt.api;

/** The base of the runtime's errors. Its message is one line: what is wrong and what to do. */
public class ProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcessException(String message) {
        super(message);
    }
}
