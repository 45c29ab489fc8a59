package dev.molt.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceListener;

/**
 * Waits for a condition with a deadline, never for a fixed time.
 *
 * <p>Where the framework announces the change (a service registered, modified or unregistering),
 * {@link #onServiceEvents} wakes at each event and checks again. Some conditions have no event
 * (a counter in a process's state, an upgrade report the runtime writes after the service event
 * that caused it): they are checked again after a short pause that grows from 1 ms to 50 ms, so a
 * condition that already holds costs nothing and one that takes long costs little CPU. Either way
 * a wait that runs out fails with an {@link AssertionError} that names what it waited for.
 */
public final class Await {

    /** The default deadline of the kit's waits. */
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private Await() {
    }

    /** Waits until {@code condition} holds, failing after {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        wait(what, timeout, condition, new Object());
    }

    /**
     * Waits until {@code condition} holds, checking again at each service event that matches
     * {@code filter} (an LDAP filter, or null for every service event), failing after {@code timeout}.
     */
    public static void onServiceEvents(BundleContext context, String filter, String what, Duration timeout,
                                       BooleanSupplier condition) {
        Object signal = new Object();
        ServiceListener listener = event -> {
            synchronized (signal) {
                signal.notifyAll();
            }
        };
        try {
            context.addServiceListener(listener, filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not an LDAP filter: " + filter, e);
        }
        try {
            wait(what, timeout, condition, signal);
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private static void wait(String what, Duration timeout, BooleanSupplier condition, Object signal) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = TimeUnit.MILLISECONDS.toNanos(1);
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for " + what);
            }
            synchronized (signal) {
                // A notify between the check above and this wait is not lost for long: the wait
                // is bounded by the pause, and the condition is checked again after it.
                long nanos = Math.min(left, pause);
                try {
                    TimeUnit.NANOSECONDS.timedWait(signal, nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + what, e);
                }
            }
            pause = Math.min(pause * 2, MAX_PAUSE_NANOS);
        }
    }
}
