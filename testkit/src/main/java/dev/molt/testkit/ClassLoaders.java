package dev.molt.testkit;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;

import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Proves that old code went away: a weak reference to a bundle revision's class loader, and a
 * wait until the garbage collector clears it.
 */
public final class ClassLoaders {

    // Cleared references arrive here: the wait wakes when the collector clears one, instead of
    // polling the reference on a clock.
    private static final ReferenceQueue<ClassLoader> CLEARED = new ReferenceQueue<>();

    private ClassLoaders() {
    }

    /**
     * A weak reference to the class loader of {@code bundle}'s current revision. Take it before
     * the update; the revision that replaces it has a loader of its own.
     */
    public static WeakReference<ClassLoader> loaderOf(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        if (wiring == null || wiring.getClassLoader() == null) {
            throw new IllegalStateException("bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId()
                    + "] is not resolved, so it has no class loader to watch");
        }
        return new WeakReference<>(wiring.getClassLoader(), CLEARED);
    }

    /**
     * Waits until {@code ref} is cleared, asking for a collection between waits; fails naming
     * {@code what} if it is still reachable after {@code timeout}. A failure means something still
     * holds an object of the old code: a state, a message, a cached service, a thread, a static.
     */
    public static void awaitCollected(Reference<?> ref, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int collections = 0;
        while (ref.get() != null) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " is still reachable " + timeout.toMillis() + " ms and " + collections
                        + " collections later: something holds a class, an object or a thread of the old code");
            }
            System.gc();
            collections++;
            try {
                // Any reference may be enqueued here; the loop checks ours.
                CLEARED.remove(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what + " to be collected", e);
            }
        }
    }
}
