package dev.molt.health;

import java.util.ArrayList;
import java.util.List;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessStatus;
import dev.molt.api.admin.BehaviourMetrics;

/**
 * The verdicts of Molt's health checks, from what the runtime reports: plain functions, so that
 * each threshold is tested without a framework. Every reason is one line.
 */
final class Checks {

    /** How many offenders a reason names before it says "and N more". */
    static final int NAMED = 3;

    private Checks() {
    }

    /** WARN while an upgrade holds a process. */
    static Finding held(List<ProcessInfo> processes) {
        List<String> named = new ArrayList<>();
        int n = 0;
        for (ProcessInfo p : processes) {
            if (p.status() == ProcessStatus.HELD) {
                if (n++ < NAMED) {
                    named.add("process " + p.pid().id() + (p.name() == null ? "" : " (" + p.name() + ")") + " of "
                            + p.behaviour() + ": " + p.heldReason());
                }
            }
        }
        if (n == 0) {
            return Finding.ok("no process is held by an upgrade");
        }
        return new Finding(Finding.Level.WARN, plural(n, "process is", "processes are") + " held by an upgrade: "
                + String.join("; ", named) + more(n) + ". Deploy a version that imports them, roll back"
                + " (proc:rollback), or kill them (proc:kill)");
    }

    /** CRITICAL while a behaviour has processes but no version registered to run them. */
    static Finding withoutCode(List<BehaviourInfo> behaviours) {
        List<String> named = new ArrayList<>();
        int n = 0;
        for (BehaviourInfo b : behaviours) {
            if (b.active() == null && b.processes() > 0) {
                if (n++ < NAMED) {
                    named.add(b.name() + " (" + plural(b.processes(), "process", "processes") + ")");
                }
            }
        }
        if (n == 0) {
            return Finding.ok("every behaviour with processes has a version registered");
        }
        return new Finding(Finding.Level.CRITICAL, "no version registered for " + String.join(", ", named) + more(n)
                + ": their processes wait, mailboxes filling. Start the behaviour's bundle or deploy a version");
    }

    /** WARN, or CRITICAL, when a behaviour's processes crashed that often in the last minute. */
    static Finding crashLoop(List<BehaviourMetrics> behaviours, long warnAt, long criticalAt) {
        BehaviourMetrics worst = null;
        for (BehaviourMetrics b : behaviours) {
            if (b.recentCrashes() >= warnAt && (worst == null || b.recentCrashes() > worst.recentCrashes())) {
                worst = b;
            }
        }
        if (worst == null) {
            return Finding.ok("no behaviour crashed " + warnAt + " times or more in the last minute");
        }
        Finding.Level level = worst.recentCrashes() >= criticalAt ? Finding.Level.CRITICAL : Finding.Level.WARN;
        return new Finding(level, worst.name() + " crashed " + worst.recentCrashes() + " times in the last minute ("
                + worst.restarts() + " restarts so far; " + (level == Finding.Level.CRITICAL ? "critical" : "warning") + " from "
                + (level == Finding.Level.CRITICAL ? criticalAt : warnAt) + "). Read the crashes in the log; roll back"
                + " the behaviour (proc:rollback " + worst.name() + ") if a new version causes them");
    }

    /** WARN, or CRITICAL, when a process has that many messages waiting. */
    static Finding mailboxDepth(List<BehaviourMetrics> behaviours, long warnAt, long criticalAt) {
        BehaviourMetrics worst = null;
        for (BehaviourMetrics b : behaviours) {
            if (b.maxMailboxDepth() >= warnAt && (worst == null || b.maxMailboxDepth() > worst.maxMailboxDepth())) {
                worst = b;
            }
        }
        if (worst == null) {
            return Finding.ok("no mailbox holds " + warnAt + " messages or more");
        }
        Finding.Level level = worst.maxMailboxDepth() >= criticalAt ? Finding.Level.CRITICAL : Finding.Level.WARN;
        return new Finding(level, "process " + (worst.deepest() == null ? "?" : worst.deepest().id()) + " of " + worst.name()
                + " has " + worst.maxMailboxDepth() + " messages waiting (" + (level == Finding.Level.CRITICAL ? "critical"
                : "warning") + " from " + (level == Finding.Level.CRITICAL ? criticalAt : warnAt)
                + "): it falls behind its senders. Look at it with proc:info; slow its senders or spread the work");
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String more(int n) {
        return n > NAMED ? " and " + (n - NAMED) + " more" : "";
    }
}
