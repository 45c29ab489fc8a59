package dev.molt.api;

/** A name already held by a live process. */
public class DuplicateNameException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public DuplicateNameException(String message) {
        super(message);
    }
}
