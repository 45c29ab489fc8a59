package dev.molt.api;

/** A spawn whose init failed; no process remains. */
public class SpawnException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public SpawnException(String message) {
        super(message);
    }
}
