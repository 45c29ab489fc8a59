package dev.molt.runtime.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.handover.Image;

/**
 * One process as an image record ({@link Image}'s {@code P_} slots), and back: what a runtime hands
 * its successor, or restores from a snapshot.
 *
 * <p>Thread rules: {@link #export} runs on the process's own turn (it owns it) and marks it
 * {@code HANDED}; {@link #restore} makes a process owned by the restoring thread, which
 * {@link #wire}s the links and monitors of all restored processes and then {@link #start}s them.
 */
public final class ProcessImage {

    private ProcessImage() {
    }

    /**
     * Owner: marks {@code p} handed over and takes everything of it into a record. From here on
     * whatever is queued for it goes to the kernel's successor (see {@code Mailbox.HANDED}).
     */
    public static Object[] export(Proc p) {
        // First: a producer that does not see it queued before the drain below. SUSPENDED with it: no
        // user message is ever handled here again (the turn passes everything on once it sees HANDED).
        p.setBits(Proc.HANDED | Proc.SUSPENDED);
        Object[] r = header(p);
        BehaviourVersion v = p.boundVersion();
        Proc.Migration m = p.migration();
        r[Image.P_BUNDLE] = v != null ? v.bundleId() : Image.NEUTRAL;
        r[Image.P_STATE] = p.state();
        r[Image.P_HELD] = m == null ? null : m.heldReason();
        List<Object> messages = new ArrayList<>();
        CompletableFuture<?>[] calls = null;
        String[] exportedFrom = null;
        Object msg;
        while ((msg = p.pollUserLinked()) != null) {
            int i = messages.size();
            if (msg instanceof Call c) {
                calls = grow(calls, i, CompletableFuture<?>[]::new);
                calls[i] = c;
                msg = c.message;
            }
            if (msg instanceof ExportedMessage ex) {
                exportedFrom = grow(exportedFrom, i, String[]::new);
                exportedFrom[i] = ex.fromVersion();
                msg = ex.neutral();
            }
            messages.add(msg);
        }
        int n = messages.size();
        r[Image.P_MESSAGES] = messages.toArray();
        r[Image.P_CALLS] = calls == null ? null : java.util.Arrays.copyOf(calls, n);
        r[Image.P_EXPORTED_FROM] = exportedFrom == null ? null : java.util.Arrays.copyOf(exportedFrom, n);
        r[Image.P_TRAP_EXITS] = Watchers.trapsExits(p);
        List<Long> links = new ArrayList<>(0);
        List<Long> monitoredBy = new ArrayList<>(0);
        List<CompletableFuture<?>> watches = new ArrayList<>(0);
        Watchers.exportTo(p, links, monitoredBy, watches);
        r[Image.P_LINKS] = longs(links);
        r[Image.P_MONITORED_BY] = longs(monitoredBy);
        r[Image.P_WATCHES] = watches.isEmpty() ? null : watches.toArray(CompletableFuture<?>[]::new);
        r[Image.P_HANDLED] = p.handledCount();
        r[Image.P_UPGRADES] = p.upgradeCount();
        r[Image.P_HANDOVERS] = p.handOvers();
        r[Image.P_RESTORES] = p.restores();
        p.state(null); // the record has it; the old revision keeps nothing of the process's
        return r;
    }

    /**
     * Owner: a neutral record of {@code p} as it is now, for a snapshot; {@code p} goes on as it was
     * (with {@code freeze}, it handles no user message after this: a framework stop). The state is
     * exported by its code (a waiting process's is exported already); queued messages that hold a
     * behaviour's classes are exported too; pending calls are left out (they fail: their callers are
     * gone after a restart), as are outside watches.
     */
    public static Object[] copy(Proc p, java.util.function.Predicate<Class<?>> exportable, boolean freeze) {
        Object[] r = header(p);
        BehaviourVersion v = p.boundVersion();
        Proc.Migration m = p.migration();
        dev.molt.api.Behaviour<Object> code = v == null ? null : v.code();
        String version = (String) r[Image.P_VERSION];
        r[Image.P_BUNDLE] = Image.NEUTRAL;
        Object state = p.state();
        String held = m == null ? null : m.heldReason();
        if (code != null) {
            try {
                state = dev.molt.runtime.neutral.Neutral.toNeutral(code.exportState(p, state), exportable);
            } catch (Throwable t) {
                state = null;
                held = "its export for a snapshot failed: " + Texts.oneLine(t);
            }
        }
        r[Image.P_STATE] = state;
        r[Image.P_HELD] = held;
        ArrayDeque<Object> queued = p.stashQueued(); // they stay where they are, ahead of what comes
        List<Object> messages = new ArrayList<>(queued.size());
        String[] exportedFrom = null;
        for (Object e : queued) {
            if (e instanceof Call) {
                continue;
            }
            Object msg = e;
            String from = null;
            if (msg instanceof ExportedMessage ex) {
                from = ex.fromVersion();
                msg = ex.neutral();
            } else if (code != null && dev.molt.runtime.neutral.Neutral.needsConversion(msg, exportable)) {
                try {
                    msg = dev.molt.runtime.neutral.Neutral.toNeutral(code.exportMessage(p, msg), exportable);
                    from = version;
                } catch (Throwable t) {
                    continue; // no neutral form: it cannot outlive this JVM
                }
            }
            if (from != null) {
                exportedFrom = grow(exportedFrom, messages.size(), String[]::new);
                exportedFrom[messages.size()] = from;
            }
            messages.add(msg);
        }
        int n = messages.size();
        r[Image.P_MESSAGES] = messages.toArray();
        r[Image.P_EXPORTED_FROM] = exportedFrom == null ? null : java.util.Arrays.copyOf(exportedFrom, n);
        r[Image.P_TRAP_EXITS] = Watchers.trapsExits(p);
        List<Long> links = new ArrayList<>(0);
        List<Long> monitoredBy = new ArrayList<>(0);
        Watchers.exportTo(p, links, monitoredBy, new ArrayList<>(0));
        r[Image.P_LINKS] = longs(links);
        r[Image.P_MONITORED_BY] = longs(monitoredBy);
        r[Image.P_HANDLED] = p.handledCount();
        r[Image.P_UPGRADES] = p.upgradeCount();
        r[Image.P_HANDOVERS] = p.handOvers();
        r[Image.P_RESTORES] = p.restores();
        if (freeze) {
            p.setBits(Proc.SUSPENDED);
        }
        return r;
    }

    /** A record with the process's pid, name, behaviour and version (the one it runs, or its state came from). */
    private static Object[] header(Proc p) {
        Object[] r = new Object[Image.P_SLOTS];
        r[Image.P_PID] = p.pid().id();
        r[Image.P_NAME] = p.nameOrNull();
        r[Image.P_BEHAVIOUR] = p.line().name();
        BehaviourVersion v = p.boundVersion();
        Proc.Migration m = p.migration();
        r[Image.P_VERSION] = v != null ? v.version() : m != null ? m.exportedFrom() : null;
        return r;
    }

    private static <T> T[] grow(T[] a, int index, java.util.function.IntFunction<T[]> make) {
        if (a == null) {
            a = make.apply(Math.max(8, index + 1));
        } else if (index >= a.length) {
            a = java.util.Arrays.copyOf(a, Math.max(index + 1, a.length * 2));
        }
        return a;
    }

    private static long[] longs(List<Long> l) {
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }

    /** How a restored process is bound: to its live version, or waiting for code with a neutral state. */
    public interface Binding {
        /** The version a live record's process runs again, or null: its state is then exported (waiting). */
        BehaviourVersion liveVersion(Object[] record);
    }

    /**
     * Makes the process of {@code record} in {@code kernel}'s table, owned by this thread (nothing runs
     * it until {@link #start}); sends to it queue. Its queued messages come first, in their order;
     * each call's reply goes to the caller's future. Returns it, or null if its name is taken.
     *
     * @param handOver true for a hand-over, false for a restore from a snapshot (which counter goes up)
     */
    /**
     * Loads the classes a late export and a relay use, while the outgoing revision's content is still
     * open: the framework closes an updated bundle's old revision at once when nothing is wired to it,
     * and a straggler exports after that.
     */
    public static void preload() {
        for (Class<?> c : new Class<?>[] {ExportedMessage.class, Call.class, Watchers.class, SystemMessage.LinkExit.class,
                SystemMessage.Stop.class, SystemMessage.Kill.class, SystemMessage.GetState.class, SystemMessage.Migrate.class}) {
            c.getName();
        }
    }

    /** Whether {@code p} traps exits (read by any thread: a hint for a placeholder). */
    public static boolean trapsExits(Proc p) {
        return Watchers.trapsExits(p);
    }

    /** Restoring an image: pids go on after the highest the image's runtime ever handed out. */
    public static void pidsAfter(Kernel kernel, long last) {
        kernel.table().pidsAfter(last);
    }

    public static Proc restore(Kernel kernel, BehaviourLine line, Object[] record, BehaviourVersion live,
                               boolean handOver) {
        Pid pid = new Pid((Long) record[Image.P_PID]);
        String name = (String) record[Image.P_NAME];
        Proc p = new Proc(pid, name, line);
        ProcessTable table = kernel.table();
        table.pidsAfter(pid.id());
        if (name != null) {
            try {
                table.claimName(name, p);
            } catch (dev.molt.api.DuplicateNameException e) {
                return null;
            }
        }
        p.tryAcquire();
        p.state(record[Image.P_STATE]);
        if (live == null || !p.bind(live)) {
            p.setBits(Proc.SUSPENDED);
            line.waiting().add(p);
        }
        table.add(p);
        ArrayDeque<Object> queued = queuedOf(record);
        if (!queued.isEmpty()) {
            p.restash(queued);
        }
        Watchers.restoreTrap(p, Boolean.TRUE.equals(record[Image.P_TRAP_EXITS]));
        int handOvers = (Integer) record[Image.P_HANDOVERS] + (handOver ? 1 : 0);
        int restores = (Integer) record[Image.P_RESTORES] + (handOver ? 0 : 1);
        p.restoreCounters((Long) record[Image.P_HANDLED], (Integer) record[Image.P_UPGRADES], handOvers, restores);
        return p;
    }

    /** The record's queued messages in order, as a process holds them (calls bridged to their callers, exported ones wrapped). */
    private static ArrayDeque<Object> queuedOf(Object[] record) {
        Object[] messages = (Object[]) record[Image.P_MESSAGES];
        CompletableFuture<?>[] calls = (CompletableFuture<?>[]) record[Image.P_CALLS];
        String[] exportedFrom = (String[]) record[Image.P_EXPORTED_FROM];
        ArrayDeque<Object> out = new ArrayDeque<>(messages == null ? 0 : messages.length);
        for (int i = 0; messages != null && i < messages.length; i++) {
            Object m = messages[i];
            if (exportedFrom != null && exportedFrom[i] != null) {
                m = new ExportedMessage(exportedFrom[i], m);
            }
            if (calls != null && calls[i] != null) {
                m = bridged(m, calls[i]);
            }
            out.add(m);
        }
        return out;
    }

    /** A call whose reply completes the caller's own future (the outgoing revision's call). */
    @SuppressWarnings("unchecked")
    public static Call bridged(Object message, CompletableFuture<?> callerFuture) {
        CompletableFuture<Object> f = (CompletableFuture<Object>) callerFuture;
        Call c = new Call(message);
        c.whenComplete((v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        });
        // A caller that gave up (its timeout) completes its own future: the call goes with it.
        f.whenComplete((v, e) -> c.completeExceptionally(new dev.molt.api.ProcessException("the caller gave up")));
        return c;
    }

    /** Links, monitors and watches of {@code record}'s process {@code p}, once every restored process exists. */
    public static void wire(Kernel kernel, Proc p, Object[] record) {
        ProcessTable table = kernel.table();
        long[] links = (long[]) record[Image.P_LINKS];
        if (links != null) {
            for (long id : links) {
                Proc other = table.get(new Pid(id));
                if (other != null) {
                    Watchers.restoreLink(p, other);
                    Watchers.restoreLink(other, p);
                } else {
                    // linked to a process that is gone: Erlang's exit signal, now
                    p.enqueueSystem(new SystemMessage.LinkExit(new Pid(id), ExitReason.NOPROC));
                }
            }
        }
        long[] monitoredBy = (long[]) record[Image.P_MONITORED_BY];
        if (monitoredBy != null) {
            for (int i = 0; i + 1 < monitoredBy.length; i += 2) {
                Proc watcher = table.get(new Pid(monitoredBy[i + 1]));
                if (watcher != null) {
                    Watchers.restoreMonitor(p, new MonitorRef(monitoredBy[i], p.pid()), watcher);
                }
            }
        }
        CompletableFuture<?>[] watches = (CompletableFuture<?>[]) record[Image.P_WATCHES];
        if (watches != null) {
            for (CompletableFuture<?> f : watches) {
                @SuppressWarnings("unchecked")
                CompletableFuture<ExitReason> fr = (CompletableFuture<ExitReason>) f;
                Watchers.restoreWatch(p, fr);
            }
        }
    }

    /** Lets a restored process run: what is queued runs on its turns (a waiting one only takes system messages). */
    public static void start(Proc p) {
        p.release();
    }

    /** A restored process that waits for code: its exported state and the version it came from, held or not. */
    public static boolean isWaiting(Proc p) {
        return p.boundVersion() == null;
    }

    // ---- what reaches a restored process through the relay ---------------------------------

    /** {@code watcher} monitors {@code target} with reference {@code refId}; Down at once if either is gone. */
    public static void monitor(Kernel kernel, Pid target, long refId, Pid watcher) {
        Proc w = kernel.table().get(watcher);
        if (w == null) {
            return;
        }
        Proc t = kernel.table().get(target);
        MonitorRef ref = new MonitorRef(refId, target);
        if (t == null) {
            w.enqueue(new dev.molt.api.Down(ref, target, ExitReason.NOPROC));
        } else {
            Watchers.restoreMonitor(t, ref, w);
        }
    }

    /** {@code target}'s half of a link with {@code other} (whose half it has already). */
    public static void link(Kernel kernel, Pid target, Pid other) {
        Proc o = kernel.table().get(other);
        Proc t = kernel.table().get(target);
        if (t != null && o != null) {
            Watchers.restoreLink(t, o);
        } else if (o != null) {
            o.enqueueSystem(new SystemMessage.LinkExit(target, ExitReason.NOPROC));
        }
    }

    /** The monitor {@code refId} of {@code target} taken off (made in the older revision while it was handed over). */
    public static void demonitor(Kernel kernel, Pid target, long refId) {
        Proc t = kernel.table().get(target);
        if (t != null) {
            Watchers.removeMonitor(t, refId);
        }
    }

    /**
     * A link of {@code target} with {@code other} taken off (the older revision's unlink): both halves,
     * since restoring {@code target}'s record gave {@code other} its half here too (see {@link #wire}).
     */
    public static void unlink(Kernel kernel, Pid target, Pid other) {
        Proc t = kernel.table().get(target);
        if (t != null) {
            Watchers.removeLink(t, other);
        }
        Proc o = kernel.table().get(other);
        if (o != null) {
            Watchers.removeLink(o, target);
        }
    }

    /** An outside watch of {@code target}'s exit. */
    public static void watch(Kernel kernel, Pid target, CompletableFuture<ExitReason> f) {
        Proc t = kernel.table().get(target);
        if (t == null) {
            f.complete(ExitReason.NOPROC);
        } else {
            Watchers.restoreWatch(t, f);
        }
    }

    /** A linked process ended ({@code from}), for {@code target}. */
    public static void linkExit(Kernel kernel, Pid target, Pid from, ExitReason reason) {
        Proc t = kernel.table().get(target);
        if (t != null) {
            t.enqueueSystem(new SystemMessage.LinkExit(from, reason));
        }
    }

    /**
     * Owner of {@code p}, a placeholder for a straggler ({@link Image#ARRIVING}): takes the record it
     * exported late. Its messages were queued before anything queued for the placeholder, so they go
     * first; then it runs {@code live} (or waits for code, returning true so that the caller adopts it).
     */
    public static boolean merge(Kernel kernel, Proc p, Object[] record, BehaviourVersion live) {
        p.state(record[Image.P_STATE]);
        ArrayDeque<Object> fresh = queuedOf(record);
        ArrayDeque<Object> before = p.stash();
        if (before != null) {
            fresh.addAll(before);
        }
        p.restash(fresh);
        Watchers.restoreTrap(p, Boolean.TRUE.equals(record[Image.P_TRAP_EXITS]));
        p.restoreCounters((Long) record[Image.P_HANDLED], (Integer) record[Image.P_UPGRADES],
                (Integer) record[Image.P_HANDOVERS] + 1, (Integer) record[Image.P_RESTORES]);
        wire(kernel, p, record);
        p.migration(null);
        if (live != null && p.bind(live)) {
            return false;
        }
        return true;
    }
}
