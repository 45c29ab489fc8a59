package dev.molt.api;

/**
 * A process or behaviour name that breaks the naming rule: a Unicode letter or {@code _} first,
 * then Unicode letters, digits, {@code .}, {@code -} and {@code _}.
 */
public class InvalidNameException extends ProcessException {
    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }
}
