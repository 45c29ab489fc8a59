package dev.molt.api;

/** A behaviour name with no registered version. */
public class UnknownBehaviourException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public UnknownBehaviourException(String message) {
        super(message);
    }
}
