package dev.molt.runtime.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Everything the runtime knows about one behaviour name: its registered versions and the
 * upgrade under way, if any.
 *
 * <p>Thread rule: {@link #lock}'s read side is held by spawns (they bind to {@link #active});
 * its write side by version changes (register, withdraw), which therefore never race a spawn.
 * The fields are read and written under the lock, except {@link #active}, which is volatile for
 * listings (a stale read there only shows the previous version).
 */
final class Slot {

    final String name;
    final MoltRuntime rt;
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Registered versions, newest first. */
    final List<Binding> versions = new ArrayList<>();
    volatile Binding active;
    /** The upgrade from a withdrawn version, until a version takes its processes. */
    Upgrade pending;
    /** Reports completed for this behaviour, and the newest; guarded by the runtime's history lock. */
    long reports;
    dev.molt.api.UpgradeReport lastReport;
    /** A late adopt is queued on the timer thread (see MoltRuntime.adoptLater). */
    final java.util.concurrent.atomic.AtomicBoolean adoptQueued = new java.util.concurrent.atomic.AtomicBoolean();
    /** The last two distinct versions that were active, newest first (for rollback). */
    final List<String> activeHistory = new ArrayList<>();

    Slot(String name, MoltRuntime rt) {
        this.name = name;
        this.rt = rt;
    }

    /** Under the write lock. */
    void add(Binding b) {
        int i = 0;
        while (i < versions.size() && versions.get(i).compareVersion(b) >= 0) {
            i++;
        }
        versions.add(i, b);
        active = versions.get(0);
        noteActive();
    }

    /** Under the write lock. */
    void remove(Binding b) {
        versions.remove(b);
        active = versions.isEmpty() ? null : versions.get(0);
        noteActive();
    }

    private void noteActive() {
        Binding a = active;
        if (a != null && (activeHistory.isEmpty() || !activeHistory.get(0).equals(a.version))) {
            activeHistory.remove(a.version);
            activeHistory.add(0, a.version);
            while (activeHistory.size() > 8) {
                activeHistory.remove(activeHistory.size() - 1);
            }
        }
    }
}
