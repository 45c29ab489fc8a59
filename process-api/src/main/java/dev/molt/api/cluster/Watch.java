package dev.molt.api.cluster;

/**
 * A watch on one process, set by {@link RemoteRouter#watch} or {@link LocalNode#watch}: its callback
 * runs at most once, when the process ends (or its node leaves the view).
 *
 * <p>Thread rule: {@link #cancel} may be called from any thread, more than once; a callback that was
 * already running may still finish.
 */
@FunctionalInterface
public interface Watch {

    /** A watch that was never set (its callback ran at once, or never will). */
    Watch NONE = () -> { };

    /** Removes the watch; its callback no longer runs. */
    void cancel();
}
