package dev.molt.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The answer owed to one caller. Thread-safe; the first answer wins and later ones are
 * ignored, as is an answer that comes after the caller gave up waiting.
 */
@ProviderType
public interface ReplyHandle {

    /** Answers the call; returns false if it was already answered or the caller gave up. */
    boolean reply(Object value);

    /** Fails the call with {@code reason}; returns false as {@link #reply} does. */
    boolean fail(String reason);
}
