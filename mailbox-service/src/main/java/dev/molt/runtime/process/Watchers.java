package dev.molt.runtime.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;

/**
 * Who is told when a process ends (monitors, links, external watches), whether it traps exits,
 * a stop it asked for, and its exit reason: what few processes need, made on first use.
 *
 * <p>Thread rule: the watcher list and the exit reason are guarded by the process's monitor,
 * because any thread may add a watcher; the exit takes them under the same monitor, so a watcher is
 * either told of the exit or refused ({@code noproc}), never forgotten. {@link #stopRequest} and
 * {@link #trapExits} are the owner's.
 */
final class Watchers {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    /** A monitor: {@code watcher} gets a {@link Down} with {@code ref}. */
    private record MonitorWatch(MonitorRef ref, Proc watcher) {
    }

    /** MonitorWatch, Proc (a link) or CompletableFuture (a watch); guarded by the process's monitor. */
    private List<Object> list;
    /** Written under the process's monitor by {@link #end}; volatile for readers without it. */
    private volatile ExitReason exitReason;
    /** Owner. */
    ExitReason stopRequest;
    /** Owner. */
    boolean trapExits;

    /**
     * Any thread: adds a watcher to {@code p}; false if it has ended (the caller reports noproc) or
     * was handed over to a newer runtime ({@code p.isHanded()}: the caller tells the successor). The
     * export reads the list under the same monitor after setting HANDED, so a watcher is in the list
     * it exported or refused here, never neither.
     */
    static boolean add(Proc p, Object w) {
        Watchers ws = p.watchers();
        synchronized (p) {
            if (p.isExited() || p.isHanded()) {
                return false;
            }
            if (ws.list == null) {
                ws.list = new ArrayList<>(2);
            }
            ws.list.add(w);
            return true;
        }
    }

    static boolean remove(Proc p, Predicate<Object> which) {
        Watchers ws = p.watchersIfAny();
        if (ws == null) {
            return false;
        }
        synchronized (p) {
            return ws.list != null && ws.list.removeIf(which);
        }
    }

    /** Owner, ending {@code p}: marks it exited and takes the watchers to tell, in one step. */
    List<Object> end(Proc p, ExitReason reason) {
        synchronized (p) {
            p.setBits(Proc.EXITED);
            exitReason = reason;
            List<Object> ws = list;
            list = null;
            return ws;
        }
    }

    ExitReason exitReason() {
        return exitReason;
    }

    /** Any thread: who watches {@code p} now, for its detail page (read under the same monitor as the list's edits). */
    static Inspection.Watching watching(Proc p) {
        Watchers ws = p.watchersIfAny();
        java.util.List<Pid> links = new ArrayList<>();
        java.util.List<Pid> monitors = new ArrayList<>();
        int watches = 0;
        if (ws != null) {
            synchronized (p) {
                if (ws.list != null) {
                    for (Object w : ws.list) {
                        if (w instanceof MonitorWatch mw) {
                            monitors.add(mw.watcher().pid());
                        } else if (w instanceof Proc linked) {
                            links.add(linked.pid());
                        } else {
                            watches++;
                        }
                    }
                }
            }
        }
        return new Inspection.Watching(links, monitors, watches);
    }

    /**
     * Owner of {@code p}, once it is HANDED: its links, monitors and outside watches, for the image
     * (see {@code handover.Image}): {@code links} gets the linked local pids, {@code monitoredBy}
     * pairs (ref id, watcher pid), {@code watches} the outside futures. Remote watchers are not
     * carried over (a cluster's remote monitors and links go with the old revision).
     */
    static boolean trapsExits(Proc p) {
        Watchers ws = p.watchersIfAny();
        return ws != null && ws.trapExits;
    }

    static void exportTo(Proc p, java.util.List<Long> links, java.util.List<Long> monitoredBy,
                         java.util.List<CompletableFuture<?>> watches) {
        Watchers ws = p.watchersIfAny();
        if (ws == null) {
            return;
        }
        synchronized (p) {
            if (ws.list == null) {
                return;
            }
            for (Object w : ws.list) {
                if (w instanceof MonitorWatch mw) {
                    monitoredBy.add(mw.ref().id());
                    monitoredBy.add(mw.watcher().pid().id());
                } else if (w instanceof Proc linked) {
                    links.add(linked.pid().id());
                } else if (w instanceof CompletableFuture<?> f) {
                    watches.add(f);
                }
            }
        }
    }

    /** Restoring {@code p} (not yet running): it traps exits. */
    static void restoreTrap(Proc p, boolean trap) {
        if (trap) {
            p.watchers().trapExits = true;
        }
    }

    /** Restoring: {@code watcher} monitors {@code target} with {@code ref}; a watcher that has ended is told at once. */
    static void restoreMonitor(Proc target, MonitorRef ref, Proc watcher) {
        if (!add(target, new MonitorWatch(ref, watcher))) {
            watcher.enqueue(new Down(ref, target.pid(), ExitReason.NOPROC));
        }
    }

    /** Restoring: the monitor {@code refId} of {@code target} taken off. */
    static void removeMonitor(Proc target, long refId) {
        remove(target, w -> w instanceof MonitorWatch mw && mw.ref().id() == refId);
    }

    /** Restoring: {@code p}'s half of a link with {@code other} taken off. */
    static void removeLink(Proc p, Pid other) {
        remove(p, w -> w instanceof Proc q && q.pid().equals(other));
    }

    /** Restoring: {@code p}'s half of a link with {@code other}, unless it is there already. */
    static void restoreLink(Proc p, Proc other) {
        Watchers ws = p.watchers();
        synchronized (p) {
            if (ws.list != null && ws.list.contains(other)) {
                return;
            }
        }
        if (!add(p, other) && p.isExited()) {
            other.enqueueSystem(new SystemMessage.LinkExit(p.pid(), p.exitReason() == null ? ExitReason.NOPROC : p.exitReason()));
        }
    }

    /** Restoring: an outside watch of {@code p}'s exit. */
    static void restoreWatch(Proc p, CompletableFuture<ExitReason> f) {
        if (!add(p, f)) {
            ExitReason r = p.exitReason();
            f.complete(r != null ? r : ExitReason.NOPROC);
        }
    }

    /** Tells every watcher taken by {@link #end} that {@code p} ended. */
    static void tellAll(Proc p, List<Object> watchers, ExitReason reason) {
        if (watchers == null) {
            return;
        }
        for (Object w : watchers) {
            try {
                if (w instanceof MonitorWatch mw) {
                    mw.watcher().enqueue(new Down(mw.ref(), p.pid(), reason));
                } else if (w instanceof Proc linked) {
                    linked.enqueueSystem(new SystemMessage.LinkExit(p.pid(), reason));
                } else if (w instanceof CompletableFuture<?> f) {
                    @SuppressWarnings("unchecked")
                    CompletableFuture<ExitReason> fr = (CompletableFuture<ExitReason>) f;
                    fr.complete(reason);
                } else {
                    Remote.ended(w); // a remote monitor or link: its watch goes
                }
            } catch (RuntimeException e) { // a dispatcher shut down meanwhile: the others are still told
                LOG.log(System.Logger.Level.DEBUG, "could not tell " + w + " that " + p + " ended: " + e);
            }
        }
    }

    // ---- what the context offers ---------------------------------------------------------

    static MonitorRef monitor(Proc p, Pid target) {
        MonitorRef ref = new MonitorRef(p.kernel().nextRef(), target);
        if (!target.isLocal()) {
            Remote.monitor(p, ref);
            return ref;
        }
        Proc t = p.kernel().table().get(target);
        if (t == null || !add(t, new MonitorWatch(ref, p))) {
            if (t != null && t.isHanded()) {
                p.kernel().successor().monitor(target, ref, p.pid());
            } else {
                p.enqueue(new Down(ref, target, ExitReason.NOPROC));
            }
        }
        return ref;
    }

    static void demonitor(Proc p, MonitorRef ref) {
        if (!ref.target().isLocal()) {
            Remote.demonitor(p, ref);
            return;
        }
        Proc t = p.kernel().table().get(ref.target());
        if (t != null) {
            remove(t, w -> w instanceof MonitorWatch mw && mw.ref().equals(ref));
            // Handed over: the export may have taken the monitor already. Taking it off there too
            // is harmless when it had not (the newer revision applies this after the image).
            if (t.isHanded()) {
                p.kernel().successor().demonitor(ref.target(), ref);
            }
        }
    }

    static void link(Proc p, Pid other) {
        if (!other.isLocal()) {
            Remote.link(p, other);
            return;
        }
        Proc o = p.kernel().table().get(other);
        if (o == null || o == p || !add(o, p)) {
            if (o == null || o == p || !o.isHanded()) {
                throw ProcessTable.notAlive(other);
            }
            p.kernel().successor().link(other, p.pid());
        }
        add(p, o);
    }

    static void unlink(Proc p, Pid other) {
        if (!other.isLocal()) {
            Remote.unlink(p, other);
            return;
        }
        Proc o = p.kernel().table().get(other);
        remove(p, w -> w == o);
        if (o != null) {
            remove(o, w -> w == p);
            if (o.isHanded()) { // as in demonitor: its half may be in the image already
                p.kernel().successor().unlink(other, p.pid());
            }
        }
    }

    /** Owner of {@code p}: a linked process ended (Erlang's exit signal). */
    static void linkedExited(Proc p, Pid from, ExitReason reason) {
        boolean linked = from.isLocal() ? remove(p, w -> w instanceof Proc q && q.pid().equals(from))
                : remove(p, w -> w instanceof Remote.RemoteLink l && l.remote().equals(from));
        Watchers ws = p.watchersIfAny();
        if (ws != null && ws.trapExits) {
            p.enqueue(new dev.molt.api.ExitSignal(from, reason));
        } else if (linked && reason.isAbnormal()) {
            p.exit(new ExitReason(ExitReason.Kind.LINKED, "linked process " + from.text() + " ended: " + reason.summary()),
                    Proc.Ending.STOP);
        }
    }
}
