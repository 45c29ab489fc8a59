package dev.molt.runtime.upgrade;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.molt.api.UpgradeReport;

/**
 * The upgrades of this runtime, oldest first, bounded: records, read as reports when asked, so
 * that a report counts what happened after it was first made (a held process moving late).
 *
 * <p>Thread rule: any thread; guarded by this object's monitor (list edits only).
 */
public final class UpgradeHistory {

    private final Deque<UpgradeRecord> records = new ArrayDeque<>();
    /** Reports of a runtime revision this one took over from (a hand-over), oldest first; shown before this runtime's own. */
    private final List<UpgradeReport> earlier = new ArrayList<>();
    private int limit;

    public UpgradeHistory(int limit) {
        this.limit = limit;
    }

    synchronized void add(UpgradeRecord r) {
        records.addLast(r);
        trim();
    }

    public synchronized void limit(int n) {
        limit = n;
        trim();
    }

    private void trim() {
        // Only settled records go: one under way is still someone's to report on.
        while (records.size() > limit) {
            UpgradeRecord oldest = null;
            for (UpgradeRecord r : records) {
                if (r.isSettled()) {
                    oldest = r;
                    break;
                }
            }
            if (oldest == null) {
                return;
            }
            records.remove(oldest);
        }
    }

    /** The settled upgrades' records, oldest first. */
    public List<UpgradeRecord> settledRecords() {
        List<UpgradeRecord> all;
        synchronized (this) {
            all = new ArrayList<>(records);
        }
        all.removeIf(r -> !r.isSettled());
        return all;
    }

    /** A hand-over: the outgoing revision's reports come first in this one's history. */
    public synchronized void takeEarlier(List<UpgradeReport> reports) {
        earlier.addAll(0, reports);
        while (earlier.size() > limit) {
            earlier.remove(0);
        }
    }

    /** The settled upgrades' reports (completed, at the canary stage, aborted), oldest first. */
    public List<UpgradeReport> reports() {
        List<UpgradeRecord> all;
        List<UpgradeReport> out;
        synchronized (this) {
            all = new ArrayList<>(records);
            out = new ArrayList<>(earlier);
        }
        for (UpgradeRecord r : all) {
            if (r.isSettled()) {
                out.add(r.report());
            }
        }
        return out;
    }
}
