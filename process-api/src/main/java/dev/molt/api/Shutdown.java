package dev.molt.api;

import java.time.Duration;

/**
 * How a supervisor stops a child (OTP's shutdown): it asks the child to stop ({@code terminate}
 * runs) and waits up to a timeout before it kills it; or kills it at once; or, for a child
 * supervisor, waits as long as the child's own children take.
 *
 * @param kind    which of the three
 * @param timeout for {@link Kind#TIMEOUT}, how long to wait; else null
 */
public record Shutdown(Kind kind, Duration timeout) {

    public enum Kind {
        /** Ask to stop, wait {@link #timeout()}, then kill. */
        TIMEOUT,
        /** Kill at once: {@code terminate} does not run. */
        BRUTAL_KILL,
        /** Ask to stop and wait until it has ended (for child supervisors). */
        INFINITY
    }

    public Shutdown {
        if (kind == null) {
            throw new IllegalArgumentException("a shutdown needs a kind: TIMEOUT, BRUTAL_KILL or INFINITY");
        }
        if (kind == Kind.TIMEOUT) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a shutdown timeout must be positive, got " + timeout
                        + "; use brutalKill() to kill at once");
            }
        } else {
            timeout = null;
        }
    }

    public static Shutdown after(Duration timeout) {
        return new Shutdown(Kind.TIMEOUT, timeout);
    }

    public static Shutdown brutalKill() {
        return new Shutdown(Kind.BRUTAL_KILL, null);
    }

    public static Shutdown infinity() {
        return new Shutdown(Kind.INFINITY, null);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case TIMEOUT -> timeout.toMillis() + " ms";
            case BRUTAL_KILL -> "brutal_kill";
            case INFINITY -> "infinity";
        };
    }
}
