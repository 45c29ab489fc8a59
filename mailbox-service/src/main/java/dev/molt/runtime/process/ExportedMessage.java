package dev.molt.runtime.process;

/**
 * A queued message exported by an outgoing version (neutral data), waiting for the next version to
 * import it ({@code importMessage(context, fromVersion, neutral)}).
 */
public record ExportedMessage(String fromVersion, Object neutral) {
}
