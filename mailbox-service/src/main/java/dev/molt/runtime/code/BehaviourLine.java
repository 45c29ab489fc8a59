package dev.molt.runtime.code;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the runtime knows about one behaviour name: its registered versions, the one new
 * processes get ({@link #serving}), the processes waiting for code, and the versions that served
 * before (for rollback).
 *
 * <p>Thread rule: the version list and the history are guarded by this object's monitor (held for
 * list edits only, never while waiting for a process); {@link #serving} is volatile for spawns and
 * listings, which read it without the lock.
 */
public final class BehaviourLine {

    private final String name;
    /** The runtime this line belongs to; opaque here (processes reach their runtime through their line). */
    private final Object owner;
    /** Registered versions, newest first. */
    private final List<BehaviourVersion> versions = new ArrayList<>();
    /** The last distinct versions that served, newest first (for rollback); at most {@link #HISTORY}. */
    private final List<String> served = new ArrayList<>();
    private static final int HISTORY = 8;
    /** Exported processes with no version to run (none registered, or held). */
    private final Members waiting = new Members();
    private volatile BehaviourVersion serving;
    /** While a canary runs: spawns keep getting this version, not the newest. Guarded by this. */
    private BehaviourVersion pinned;

    BehaviourLine(String name, Object owner) {
        this.name = name;
        this.owner = owner;
    }

    /** The runtime this line belongs to (see {@link CodeRegistry#CodeRegistry(Object)}). */
    public Object owner() {
        return owner;
    }

    public String name() {
        return name;
    }

    /** The version new processes get, or null when none is registered. */
    public BehaviourVersion serving() {
        return serving;
    }

    public Members waiting() {
        return waiting;
    }

    /** Registered versions, newest first. */
    public synchronized List<BehaviourVersion> versions() {
        return List.copyOf(versions);
    }

    /** The registered version that is exactly {@code version}'s newest registration, or null. */
    public synchronized BehaviourVersion find(String version) {
        for (BehaviourVersion v : versions) {
            if (v.version().equals(version)) {
                return v;
            }
        }
        return null;
    }

    /** The registered versions other than {@code v} with the same version string (duplicates). */
    public synchronized List<BehaviourVersion> sameVersionAs(BehaviourVersion v) {
        List<BehaviourVersion> out = new ArrayList<>();
        for (BehaviourVersion o : versions) {
            if (o != v && o.version().equals(v.version())) {
                out.add(o);
            }
        }
        return out;
    }

    synchronized void add(BehaviourVersion v) {
        int i = 0;
        while (i < versions.size() && versions.get(i).compareTo(v) >= 0) {
            i++;
        }
        versions.add(i, v);
        reselect();
        notifyAll();
    }

    /** Waits until a version {@code version} is registered; null after the deadline. */
    public synchronized BehaviourVersion awaitRegistered(String version, long deadlineNanos) throws InterruptedException {
        BehaviourVersion v;
        while ((v = find(version)) == null) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return v;
    }

    synchronized boolean remove(BehaviourVersion v) {
        boolean was = versions.remove(v);
        v.markWithdrawn();
        if (pinned == v) {
            pinned = null;
        }
        reselect();
        return was;
    }

    /** Keeps spawns on {@code v} (a canary's old version) until {@link #unpin}. */
    public synchronized void pin(BehaviourVersion v) {
        pinned = v;
        reselect();
    }

    public synchronized void unpin() {
        pinned = null;
        reselect();
    }

    private void reselect() {
        BehaviourVersion next = pinned != null ? pinned : versions.isEmpty() ? null : versions.get(0);
        serving = next;
        if (next != null && (served.isEmpty() || !served.get(0).equals(next.version()))) {
            served.remove(next.version());
            served.add(0, next.version());
            while (served.size() > HISTORY) {
                served.remove(served.size() - 1);
            }
        }
    }

    /** The versions that served, newest first (rollback's history, for an image). */
    public synchronized List<String> servedVersions() {
        return List.copyOf(served);
    }

    /** Restoring an image: the versions that served before, behind any that served here already. */
    public synchronized void restoreServed(List<String> before) {
        for (String v : before) {
            if (!served.contains(v) && served.size() < HISTORY) {
                served.add(v);
            }
        }
    }

    /** The version that served before the current one, or null. */
    public synchronized String previouslyServed() {
        return served.size() > 1 ? served.get(1) : null;
    }

    @Override
    public String toString() {
        return name;
    }
}
