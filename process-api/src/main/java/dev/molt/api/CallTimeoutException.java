package dev.molt.api;

/** A call whose reply did not come in time; a later reply is dropped. */
public class CallTimeoutException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public CallTimeoutException(String message) {
        super(message);
    }
}
