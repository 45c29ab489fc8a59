package dev.molt.runtime.core;

/**
 * A queued message exported by an outgoing version, waiting for the next version to import it.
 *
 * @param fromVersion the version that exported it
 * @param neutral     the exported form
 */
record Converted(String fromVersion, Object neutral) {
}
