package dev.molt.runtime.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import dev.molt.api.Behaviour;
import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.ReplyHandle;

/**
 * A process: its mailbox (inherited), its state, the version of code it is bound to, and the
 * loop that hands it one message at a time.
 *
 * <p>Thread rule: every field without a note below is touched only by the owner (see
 * {@link Mailbox}): the pool thread in {@link #run}, a spawner during {@code init}, or an upgrade
 * coordinator working inline. Watchers (monitors, links, external watches) are guarded by this
 * object's monitor, because any thread may add one; exit takes them under the same monitor, so
 * a watcher is either told of the exit or refused with {@code noproc}, never forgotten.
 *
 * <p>Upgrade: the coordinator marks {@link #upgradePhase} {@code PENDING} and either exports
 * inline (idle process) or posts {@link SystemMessage.Suspend}, which the owner handles at the
 * next message boundary. If the coordinator's wait runs out, it CASes the phase to {@code STUCK}
 * and reports the process held; the owner, when its handler finally returns, CASes to
 * {@code DONE} or finds {@code STUCK} and imports at once if a new version is there. Exactly one
 * of the two CASes from {@code PENDING} wins, so the report and the process agree.
 */
final class Proc extends Mailbox implements ProcessContext {

    static final int IDLE = 0;
    static final int PENDING = 1;
    static final int DONE = 2;
    static final int STUCK = 3;

    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(Proc.class, "upgradePhase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    final Pid pid;
    final String name;
    /** The behaviour's slot; also how a process reaches its runtime (one field less per process). */
    final Slot slot;

    /**
     * The code this process runs, or null while suspended or held. Volatile because the upgrade
     * coordinator selects processes by it; written only by the owner.
     */
    volatile Binding binding;
    /** The live state while bound; the exported neutral state while suspended or held. */
    Object state;
    private Call current;

    /** See the class comment; every transition is a CAS. */
    @SuppressWarnings("unused")
    private volatile int upgradePhase;

    // For listings from any thread; written by the owner (single writer, volatile publish).
    volatile ProcessStatus status = ProcessStatus.RUNNING;
    volatile long handled;

    /** What only some processes need; null until first needed (see {@link Side}). */
    private volatile Side side;

    /**
     * What few processes need — upgrade bookkeeping, a stop request, exit trapping, watchers,
     * the exit reason — kept apart so that an idle process stays small: a million of them must
     * fit in well under 1 GiB. Created once, under the process's monitor ({@link #side()}).
     */
    static final class Side {
        /** Owner: the version that exported the kept state (while suspended or held). */
        String stateVersion;
        /** Owner: the export itself failed, no state can be imported; the process stays held. */
        boolean stateLost;
        /** Owner. */
        long suspendedAt;
        /** Owner: the upgrade this process is part of, until it is imported. */
        Upgrade upgrade;
        /**
         * Guarded by the process's monitor (the coordinator and the adopt write it while another
         * thread may own the process): the upgrade whose report lists this process as held, until
         * the process moves or ends. That report then counts it (see {@link #importFor}, {@link #exit}).
         */
        Upgrade heldIn;
        /** Owner. */
        ExitReason stopRequest;
        /** Owner. */
        boolean trapExits;
        /** Written by the owner, read by listings. */
        volatile String heldReason;
        /** Written by the owner, read by listings. */
        volatile int upgrades;
        /** Guarded by the process's monitor: MonitorWatch, Proc (a link) or CompletableFuture (a watch). */
        List<Object> watchers;
        /** Guarded by the process's monitor. */
        ExitReason exitReason;
    }

    private record MonitorWatch(MonitorRef ref, Proc watcher) {
    }

    Proc(Pid pid, String name, Slot slot) {
        this.pid = pid;
        this.name = name;
        this.slot = slot;
    }

    @Override
    Executor executor() {
        return slot.rt.pool();
    }

    /** The side facts, created on first use; the double check reads a volatile. */
    Side side() {
        Side s = side;
        if (s == null) {
            synchronized (this) {
                s = side;
                if (s == null) {
                    side = s = new Side();
                }
            }
        }
        return s;
    }

    String stateVersion() {
        Side s = side;
        return s == null ? null : s.stateVersion;
    }

    boolean stateLost() {
        Side s = side;
        return s != null && s.stateLost;
    }

    // ---- the loop ----------------------------------------------------------------------

    @Override
    public void run() {
        boolean fullTurn = false;
        try {
            drainSystem();
            int budget = slot.rt.throughput();
            while (budget > 0 && !isSuspended() && !isExited()) {
                Object m = pollUser();
                if (m == null) {
                    break;
                }
                budget--;
                invoke(m);
                if (hasSystemMessages()) {
                    drainSystem();
                }
            }
            fullTurn = budget == 0;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "runtime fault in process " + pid + "; it ends", t);
            exit(ExitReason.error("runtime fault", t), false);
        } finally {
            WorkerPool.restoreContextLoader();
            release();
        }
        if (fullTurn) {
            // A full turn and (probably) more to do, and this process is queued again on this
            // worker: first let one process scheduled from outside the pool run (not nested).
            slot.rt.pool().yieldToSubmissions();
        }
    }

    private void drainSystem() {
        SystemMessage s;
        while ((s = pollSystem()) != null) {
            onSystem(s);
        }
    }

    void onSystem(SystemMessage s) {
        if (s instanceof SystemMessage.GetState g) {
            readState(g.result());
            return;
        }
        if (s instanceof SystemMessage.Suspend sus) {
            try {
                if (binding == sus.from() && !isExited()) {
                    exportFor(sus.from(), sus.upgrade());
                } else {
                    PHASE.compareAndSet(this, PENDING, DONE); // nothing to export: never report it stuck
                }
            } finally {
                sus.done().countDown();
            }
            return;
        }
        if (isExited()) {
            return;
        }
        if (s instanceof SystemMessage.Exit e) {
            exit(e.reason(), e.runTerminate());
        } else if (s instanceof SystemMessage.LinkExit le) {
            boolean linked = removeWatcher(w -> w instanceof Proc p && p.pid.equals(le.from()));
            Side x = side;
            if (x != null && x.trapExits) {
                enqueue(new ExitSignal(le.from(), le.reason()));
            } else if (linked && le.reason().isAbnormal()) {
                exit(new ExitReason(ExitReason.Kind.LINKED, "linked process " + le.from() + " ended: "
                        + le.reason().summary()), true);
            }
        }
    }

    private void invoke(Object m) {
        Binding b = binding;
        Call call = m instanceof Call c ? c : null;
        Object msg = call != null ? call.message : m;
        try {
            msg = slot.rt.freshen(this, b, msg);
        } catch (RuntimeException e) {
            // Exit first, then wake the caller: a caller that looks must find the process gone.
            exit(ExitReason.error("a message of an older version could not be imported", e), true);
            if (call != null) {
                call.completeExceptionally(e);
            }
            return;
        }
        current = call;
        // Counted before the handler runs, not after: a reply completes the caller inside
        // handle, and a caller that then lists the process must find its call counted.
        handled++;
        Object next;
        try {
            next = b.code.handle(this, state, msg);
        } catch (Throwable t) {
            current = null;
            ExitReason r = ExitReason.error("handle(" + describe(msg) + ") threw", t);
            // Exit first, then wake the caller: a caller that calls again must find the process gone.
            exit(r, true);
            if (call != null) {
                call.completeExceptionally(new ProcessExitedException("process " + pid + " crashed handling the call: "
                        + r.summary()));
            }
            return;
        }
        current = null;
        if (call != null && !call.claimed) {
            call.completeExceptionally(new ProcessExitedException("process " + pid + " (" + slot.name + " " + b.version
                    + ") handled the call " + describe(msg) + " without replying"));
        }
        if (next == null) {
            exit(ExitReason.error("bad return value: handle returned null for " + describe(msg)), false);
            return;
        }
        state = next;
        Side x = side;
        if (x != null && x.stopRequest != null) {
            exit(x.stopRequest, true);
        }
    }

    private void readState(CompletableFuture<Object> result) {
        if (isExited()) {
            result.completeExceptionally(slot.rt.noProc(pid));
            return;
        }
        Binding b = binding;
        if (b == null) {
            result.complete(state);
            return;
        }
        try {
            result.complete(Neutral.toNeutral(b.code.exportState(this, state), b.loader()));
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }

    // ---- upgrade ---------------------------------------------------------------------

    boolean markPending() {
        return PHASE.compareAndSet(this, IDLE, PENDING) || PHASE.compareAndSet(this, DONE, PENDING);
    }

    /** Owner: suspends, exports the state and converts queued messages of the outgoing code. */
    void exportFor(Binding from, Upgrade u) {
        Side x = side();
        x.suspendedAt = System.nanoTime();
        setBits(SUSPENDED);
        status = ProcessStatus.SUSPENDED;
        x.upgrade = u;
        ClassLoader old = from.loader();
        Behaviour<Object> code = from.code;
        try {
            state = Neutral.toNeutral(code.exportState(this, state), old);
            x.stateLost = false;
        } catch (Throwable t) {
            String rendered = describe(state);
            state = null;
            x.stateLost = true;
            hold(u, "export by " + from.version + " failed: " + oneLine(t) + "; its last state was "
                    + abbreviate(rendered));
        }
        long converted = 0;
        ArrayDeque<Object> q = stashAll();
        int n = q.size();
        for (int i = 0; i < n; i++) {
            Object e = q.poll();
            try {
                Call c = e instanceof Call cc ? cc : null;
                Object msg = c != null ? c.message : e;
                if (Neutral.references(msg, old)) {
                    Object out = new Converted(from.version, Neutral.toNeutral(code.exportMessage(this, msg), old));
                    converted++;
                    if (c != null) {
                        c.message = out;
                    } else {
                        e = out;
                    }
                }
            } catch (Throwable t) {
                // The message stays as it is, and the process really stays held: importing it
                // would hand the new code an object of the old classes.
                x.stateLost = true;
                hold(u, "exportMessage by " + from.version + " failed for " + describe(e) + ": " + oneLine(t)
                        + "; the message is kept, the process stays held until it is killed");
            } finally {
                q.add(e); // in its place: nothing queued is lost by an error
            }
        }
        stashSize = q.size();
        u.converted(converted);
        x.stateVersion = from.version;
        binding = null;
        if (!PHASE.compareAndSet(this, PENDING, DONE)) {
            boolean late;
            synchronized (this) { // see reportStuck: the coordinator's STUCK and its report are one step
                late = (int) PHASE.getVolatile(this) == STUCK;
                PHASE.setVolatile(this, DONE);
            }
            if (late) {
                // The coordinator gave up waiting and reported us held. Imports happen only under
                // the slot's lock, so ask for one instead of importing here.
                slot.rt.adoptLater(slot);
            }
        }
    }

    /** Owner: imports the kept state (and converted messages) with {@code to}, and resumes. */
    void importFor(Binding to, Upgrade u) {
        Behaviour<Object> code = to.code;
        Side x = side();
        if (code == null || x.stateLost) {
            return;
        }
        String from = x.stateVersion;
        Upgrade h;
        synchronized (this) {
            h = x.heldIn;
        }
        // The record this import is counted in. A late adopt's own record is never published:
        // a process that moves late to the version of the upgrade that listed it as held (its
        // stuck handler returned, or it was busy at the adopt) is counted by that upgrade.
        Upgrade rec = u.late && h != null && h.publishedTo(to) ? h : u;
        binding = to; // so that version(), toNeutral() and stateType() speak for the new code
        try {
            Object s = code.importState(this, x.stateVersion, state);
            if (s == null) {
                throw new IllegalStateException("importState returned null");
            }
            List<Object> converted = new ArrayList<>();
            if (stash != null) {
                for (Object e : stash) {
                    Object msg = e instanceof Call c ? c.message : e;
                    converted.add(msg instanceof Converted cv ? code.importMessage(this, cv.fromVersion(), cv.neutral()) : msg);
                }
                int i = 0;
                ArrayDeque<Object> fresh = new ArrayDeque<>(stash.size());
                for (Object e : stash) {
                    Object msg = converted.get(i++);
                    if (e instanceof Call c) {
                        c.message = msg;
                        fresh.add(c);
                    } else {
                        fresh.add(msg);
                    }
                }
                stash = fresh.isEmpty() ? null : fresh;
                stashSize = fresh.size();
            }
            state = s;
            x.stateVersion = null;
            x.upgrades++;
            x.heldReason = null;
            x.upgrade = null;
            status = ProcessStatus.RUNNING;
            clearBits(SUSPENDED);
            if (h != null) {
                synchronized (this) {
                    x.heldIn = null; // an earlier upgrade that listed it as held and is not rec keeps it listed
                }
            }
            // Counted before the process is released, so whoever it answers next reads the
            // updated history.
            rec.migrated(pid, System.nanoTime() - x.suspendedAt);
            if (rec.late) {
                LOG.log(System.Logger.Level.INFO, "process " + pid + " of " + slot.name + " moved late from "
                        + from + " to " + to.version);
            }
        } catch (Throwable t) {
            binding = null;
            hold(rec, "import by " + to.version + " of the state from " + x.stateVersion + " failed: " + oneLine(t));
        }
    }

    private void hold(Upgrade u, String reason) {
        status = ProcessStatus.HELD;
        side().heldReason = reason;
        if (u != null && !u.late) { // a late record is never published: stay listed where it is
            markHeld(u, reason);
        }
        LOG.log(System.Logger.Level.WARNING, "process " + pid + (name == null ? "" : " (" + name + ")") + " of "
                + slot.name + " is held: " + reason);
    }

    /**
     * Any thread: lists this process as held in {@code u}'s report, unless it has ended (its exit
     * counted it already). One step under the monitor, with {@link #exit}'s, so that a process is
     * never both held and failed in one report.
     */
    synchronized boolean markHeld(Upgrade u, String reason) {
        if (isExited()) {
            return false;
        }
        side().heldIn = u;
        u.held(pid, name, reason);
        return true;
    }

    /**
     * Coordinator: the wait ran out. Marks the process stuck and reports it held, in one step
     * under this process's monitor, so that the owner (which checks STUCK under the same monitor
     * after its late export) never has its later status overwritten by this report.
     */
    synchronized boolean stuck(Upgrade u, long waitedMillis) {
        if (!PHASE.compareAndSet(this, PENDING, STUCK)) {
            return false;
        }
        reportStuck(u, waitedMillis);
        return true;
    }

    private void reportStuck(Upgrade u, long waitedMillis) {
        if (status == ProcessStatus.HELD) {
            return; // already held for a reason of its own (an export that failed): keep that reason
        }
        String reason = "handler still running after " + waitedMillis + " ms (upgrade timeout); held until it"
                + " returns, then migrated with its queued messages";
        side().heldReason = reason;
        status = ProcessStatus.HELD;
        markHeld(u, reason);
        LOG.log(System.Logger.Level.WARNING, "process " + pid + " of " + slot.name + " is held: " + reason);
    }

    // ---- exit ------------------------------------------------------------------------

    /** Owner: ends the process. Idempotent. */
    void exit(ExitReason reason, boolean runTerminate) {
        if (isExited()) {
            return;
        }
        Binding b = binding;
        if (runTerminate && b != null && b.code != null) {
            try {
                b.code.terminate(this, state, reason);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "terminate of process " + pid + " threw; exit reason stays "
                        + reason.summary(), t);
            }
        }
        List<Object> ws;
        Side x;
        synchronized (this) {
            x = side();
            // Counted in one upgrade, before anyone can see the process gone: the one whose
            // report lists it as held (never older than the one it was exported in: a held
            // process is exported again only after an import that cleared heldIn), else the one
            // it is part of. An earlier upgrade that listed it keeps listing it, as when it moves.
            Upgrade counted = x.heldIn != null ? x.heldIn : x.upgrade;
            if (counted != null) {
                counted.failed(pid);
            }
            x.heldIn = null;
            x.upgrade = null;
            setBits(EXITED);
            x.exitReason = reason;
            ws = x.watchers;
            x.watchers = null;
        }
        status = ProcessStatus.EXITED;
        slot.rt.deregister(this);
        Object m;
        ProcessExitedException gone = null;
        while ((m = pollUser()) != null) {
            if (m instanceof Call c) {
                if (gone == null) {
                    gone = new ProcessExitedException("process " + pid + " ended (" + reason.summary() + ") before answering");
                }
                c.completeExceptionally(gone);
            }
        }
        state = null;
        binding = null;
        stash = null;
        stashSize = 0;
        if (reason.isAbnormal() && reason.kind() == ExitReason.Kind.ERROR) {
            LOG.log(System.Logger.Level.WARNING, "process " + pid + " of " + slot.name + " ended: " + reason.detail());
        }
        if (ws != null) {
            for (Object w : ws) {
                try {
                    tell(w, reason);
                } catch (RuntimeException e) { // a pool shut down meanwhile: the others are still told
                    LOG.log(System.Logger.Level.DEBUG, "could not tell " + w + " that " + pid + " ended: " + e);
                }
            }
        }
    }

    /** Tells one watcher that this process ended. */
    private void tell(Object w, ExitReason reason) {
        if (w instanceof MonitorWatch mw) {
            mw.watcher().enqueue(new Down(mw.ref(), pid, reason));
        } else if (w instanceof Proc linked) {
            linked.enqueueSystem(new SystemMessage.LinkExit(pid, reason));
        } else if (w instanceof CompletableFuture<?> f) {
            @SuppressWarnings("unchecked")
            CompletableFuture<ExitReason> fr = (CompletableFuture<ExitReason>) f;
            fr.complete(reason);
        }
    }

    /** Any thread: adds a watcher; false if the process has ended (the caller reports noproc). */
    synchronized boolean addWatcher(Object w) {
        if (isExited()) {
            return false;
        }
        Side x = side();
        if (x.watchers == null) {
            x.watchers = new ArrayList<>(2);
        }
        x.watchers.add(w);
        return true;
    }

    synchronized boolean removeWatcher(java.util.function.Predicate<Object> which) {
        Side x = side;
        return x != null && x.watchers != null && x.watchers.removeIf(which);
    }

    synchronized ExitReason exitReason() {
        Side x = side;
        return x == null ? null : x.exitReason;
    }

    ProcessInfo snapshot() {
        Binding b = binding;
        String v = b != null ? b.version : stateVersion();
        Side x = side;
        return new ProcessInfo(pid, name, slot.name, v == null ? "?" : v, status, depth(), handled,
                x == null ? 0 : x.upgrades, x == null ? null : x.heldReason);
    }

    // ---- ProcessContext ---------------------------------------------------------------

    @Override
    public Pid self() {
        return pid;
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public String behaviour() {
        return slot.name;
    }

    @Override
    public String version() {
        Binding b = binding;
        return b != null ? b.version : stateVersion();
    }

    @Override
    public ProcessRuntime runtime() {
        return slot.rt;
    }

    @Override
    public boolean isCall() {
        return current != null;
    }

    @Override
    public void reply(Object value) {
        claim().complete(value);
    }

    @Override
    public ReplyHandle replyLater() {
        return claim();
    }

    private Call claim() {
        Call c = current;
        if (c == null) {
            throw new IllegalStateException("the message being handled is not a call: there is nobody to reply to");
        }
        if (c.claimed) {
            throw new IllegalStateException("this call was already answered (or taken with replyLater)");
        }
        c.claimed = true;
        return c;
    }

    @Override
    public void stop(ExitReason reason) {
        side().stopRequest = reason == null ? ExitReason.NORMAL : reason;
    }

    @Override
    public MonitorRef monitor(Pid target) {
        MonitorRef ref = new MonitorRef(slot.rt.nextRef(), target);
        Proc t = slot.rt.lookup(target);
        if (t == null || !t.addWatcher(new MonitorWatch(ref, this))) {
            enqueue(new Down(ref, target, ExitReason.NOPROC));
        }
        return ref;
    }

    @Override
    public void demonitor(MonitorRef ref) {
        Proc t = slot.rt.lookup(ref.target());
        if (t != null) {
            t.removeWatcher(w -> w instanceof MonitorWatch mw && mw.ref().equals(ref));
        }
    }

    @Override
    public void link(Pid other) {
        Proc o = slot.rt.lookup(other);
        if (o == null || o == this || !o.addWatcher(this)) {
            throw slot.rt.noProc(other);
        }
        addWatcher(o);
    }

    @Override
    public void unlink(Pid other) {
        Proc o = slot.rt.lookup(other);
        removeWatcher(w -> w == o);
        if (o != null) {
            o.removeWatcher(w -> w == this);
        }
    }

    @Override
    public void trapExits(boolean trap) {
        side().trapExits = trap;
    }

    @Override
    public Object toNeutral(Object value) {
        Binding b = binding;
        return Neutral.toNeutral(value, b == null ? null : b.loader());
    }

    @Override
    public Object fromNeutral(Object neutral, Type type) {
        Binding b = binding;
        if (b == null || b.code == null) {
            throw new IllegalStateException("no code is bound to process " + pid);
        }
        return Neutral.fromNeutral(neutral, type, b.loader());
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> Class<S> stateType() {
        Binding b = binding;
        return (Class<S>) (b == null || b.code == null ? Object.class : Neutral.stateType(b.code.getClass()));
    }

    // ---- text ------------------------------------------------------------------------

    /** A message or state as text, for errors; never throws (a user's toString may). */
    static String describe(Object msg) {
        try {
            return abbreviate(String.valueOf(msg));
        } catch (Throwable t) {
            return msg.getClass().getName() + " (its toString threw " + t.getClass().getSimpleName() + ")";
        }
    }

    static String abbreviate(String s) {
        s = s.replace('\n', ' ');
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    static String oneLine(Throwable t) {
        try {
            return abbreviate(t.toString());
        } catch (Throwable again) {
            return t.getClass().getName();
        }
    }

    @Override
    public String toString() {
        return "process " + pid + (name == null ? "" : " (" + name + ")");
    }
}
