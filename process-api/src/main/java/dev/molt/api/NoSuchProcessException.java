package dev.molt.api;

/** A pid or name that names no live process. */
public class NoSuchProcessException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public NoSuchProcessException(String message) {
        super(message);
    }
}
