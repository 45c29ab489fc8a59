package dev.molt.runtime.process;

import java.util.List;

import dev.molt.api.Pid;

/**
 * What the observe package may read of a process beyond its listing: who watches it.
 *
 * <p>Thread rule: any thread; see {@link Watchers#watching}.
 */
public final class Inspection {

    /** Who watches a process: the processes linked to it, those monitoring it, and outside callers' watches. */
    public record Watching(List<Pid> links, List<Pid> monitoredBy, int watches) {
    }

    private Inspection() {
    }

    public static Watching watching(Proc p) {
        return Watchers.watching(p);
    }
}
