package dev.molt.runtime.process;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.molt.api.Behaviour;
import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.ReplyHandle;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.Member;
import dev.molt.runtime.dispatch.Dispatcher;
import dev.molt.runtime.mailbox.Mailbox;
import dev.molt.runtime.neutral.ClassView;
import dev.molt.runtime.neutral.MigrationNotes;
import dev.molt.runtime.neutral.Neutral;

/**
 * A process: its mailbox (inherited), its state, the version it runs, and the turn that hands it
 * one message at a time. It is also the {@link ProcessContext} its behaviour's callbacks get.
 *
 * <p>Thread rule: every field without a note is touched only by the owner (see {@link Mailbox}):
 * the worker running its turn, a spawner during {@code init}, or a caller running it inline.
 * {@link #version} is volatile for listings; {@link #handled} is written by the owner alone and
 * published with release stores. What an upgrade needs (the exported state's origin, a hold) is in
 * the {@link #move} the upgrade gives the process; what few processes need (watchers, exit
 * trapping, a stop request, the exit reason) is in a {@link Watchers} made on first use, so that an
 * idle process stays small: a million of them must fit in well under 1 GiB.
 */
public final class Proc extends Mailbox<SystemMessage> implements ProcessContext, Member {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");
    private static final VarHandle COUNTERS;
    private static final VarHandle MOVE;
    private static final int UPGRADES_SHIFT = 48;
    private static final long HANDLED_MASK = (1L << UPGRADES_SHIFT) - 1;

    static {
        try {
            COUNTERS = MethodHandles.lookup().findVarHandle(Proc.class, "counters", long.class);
            MOVE = MethodHandles.lookup().findVarHandle(Proc.class, "move", Migration.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Pid pid;
    private final String name;
    private final BehaviourLine line;
    /** The version this process runs, or null while its state is exported (moving, waiting for code, held). */
    private volatile BehaviourVersion version;
    /** The live state while bound; the exported neutral state while not. */
    private Object state;
    private Call current;
    /**
     * Messages handed to a handler (the low 48 bits) and upgrades gone through (the high 16, stopping
     * at 65535), in one word so that an idle process carries no second counter. Single writer (the
     * owner); release stores, acquire loads for listings.
     */
    @SuppressWarnings("unused")
    private long counters;
    /**
     * The upgrade step this process is in, if any (see the upgrade package). Written by the owner;
     * also set from null by an upgrade that gave up waiting ({@link #showMigration}). Volatile for listings.
     */
    private volatile Migration move;
    /**
     * Runtime hand-overs (low 16 bits) and restores from a snapshot (high 16) this process went
     * through. Written only while it is restored, before it first runs (its release CAS publishes
     * it); an int, so a listing reads it whole.
     */
    private int lives;
    /** Made once, under this object's monitor; volatile for the double check. */
    private volatile Watchers watchers;
    /** Notes of a default migration under way (owner only, during an import). */
    private MigrationNotes.OneProcess importNotes;
    /** Links of the {@link dev.molt.runtime.code.Members} set this process is in; guarded by that set. */
    private Member prevMember;
    private Member nextMember;

    /**
     * What the upgrade package keeps on a process between its export and its import: the process
     * only stores it and answers listings from it.
     */
    public interface Migration {
        /** The version the exported state came from. */
        String exportedFrom();

        /** Why the process is held, or null while it simply moves. */
        String heldReason();

        /** The export itself failed: no state can be imported; the process stays held until killed. */
        boolean stateLost();

        /** The process ended before it moved. */
        void ended();
    }

    Proc(Pid pid, String name, BehaviourLine line) {
        this.pid = pid;
        this.name = name;
        this.line = line;
    }

    Kernel kernel() {
        return (Kernel) line.owner();
    }

    @Override
    protected Dispatcher dispatcher() {
        return kernel().dispatcher();
    }

    public Pid pid() {
        return pid;
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    String nameOrNull() {
        return name;
    }

    public BehaviourLine line() {
        return line;
    }

    public BehaviourVersion boundVersion() {
        return version;
    }

    // ---- the turn ----------------------------------------------------------------------

    @Override
    public void turn() {
        if (isHanded()) {
            try {
                passOnQueued(); // a newer runtime has it: nothing runs here any more
            } finally {
                release();
            }
            return;
        }
        boolean wholeTurn = false;
        try {
            drainSystem();
            if (isHanded()) {
                passOnQueued(); // it exported itself in that system message: what follows is the successor's
                return;
            }
            Kernel k = kernel();
            int budget = k.settings().throughput();
            int timingMask = k.timingMask();
            while (budget > 0 && !isSuspended() && !isExited()) {
                Object m = pollUser();
                if (m == null) {
                    break;
                }
                budget--;
                invoke(m, timingMask);
                if (hasSystemMessages()) {
                    drainSystem();
                    if (isHanded()) {
                        passOnQueued();
                        return;
                    }
                }
            }
            wholeTurn = budget == 0;
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "runtime fault in process " + pid.id() + "; it ends", t);
            exit(ExitReason.error("runtime fault", t), Ending.KILL);
        } finally {
            release(wholeTurn);
        }
    }

    /** Owner, once handed over: everything queued goes to the successor, system messages first (see {@link Successor}). */
    @Override
    protected void passOnQueued() {
        Successor to = kernel().successor();
        SystemMessage s;
        while ((s = pollSystem()) != null) {
            if (s instanceof SystemMessage.Migrate m) {
                m.task().notRun(this); // an upgrade's step: settled here, the successor has its own coordinator
            } else {
                to.signal(pid, s);
            }
        }
        Object m;
        while ((m = pollUserLinked()) != null) {
            if (m instanceof Call c) {
                to.call(pid, c.message, c);
            } else {
                to.send(pid, m);
            }
        }
    }

    /** Owner: the system messages, up to an export for a hand-over (the rest are the successor's). */
    private void drainSystem() {
        SystemMessage s;
        while (!isHanded() && (s = pollSystem()) != null) {
            SystemMessages.handle(this, s);
        }
    }

    /** @param timingMask the handler is timed when the message count and-ed with this is 0 (see {@link Kernel#timingMask}) */
    private void invoke(Object m, int timingMask) {
        BehaviourVersion v = version;
        Call call = m instanceof Call c ? c : null;
        if (call != null) {
            call.taken = true; // from here on, this turn answers it (see Call.taken)
        }
        Object msg = call != null ? call.message : m;
        try {
            msg = deliverable(v, msg);
        } catch (Exception e) {
            // Exit first, then wake the caller: a caller that looks must find the process gone.
            ExitReason r = ExitReason.error("the message " + Texts.describe(msg) + " could not be converted for "
                    + v.version() + ": " + Texts.oneLine(e));
            exit(r, Ending.STOP);
            if (call != null) {
                call.completeExceptionally(new ProcessExitedException("process " + pid.id() + " ended: " + r.firstLine(), r));
            }
            return;
        }
        current = call;
        // Counted before the handler runs, not after: a reply completes the caller inside
        // handle, and a caller that then lists the process must find its call counted.
        long count = (long) COUNTERS.getOpaque(this) + 1;
        COUNTERS.setRelease(this, count);
        boolean timed = (count & timingMask) == 0; // the mask only reaches the low (handled) bits
        long began = timed ? System.nanoTime() : 0;
        Object next;
        try {
            next = v.code().handle(this, state, msg);
            if (timed) {
                kernel().timings().handled(this, System.nanoTime() - began);
            }
        } catch (Throwable t) {
            current = null;
            ExitReason r = ExitReason.error("handle(" + Texts.describe(msg) + ") threw", t);
            // Exit first, then wake the caller: a caller that calls again must find the process gone.
            exit(r, Ending.STOP);
            if (call != null) {
                call.completeExceptionally(new ProcessExitedException("process " + pid.id() + " crashed handling the call: "
                        + r.firstLine(), r));
            }
            return;
        }
        current = null;
        if (call != null && !call.claimed) {
            call.completeExceptionally(new ProcessExitedException("process " + pid.id() + " (" + line.name() + " "
                    + v.version() + ") handled the call " + Texts.describe(msg) + " without replying"));
        }
        if (next == null) {
            exit(ExitReason.error("bad return value: handle returned null for " + Texts.describe(msg)), Ending.KILL);
            return;
        }
        state = next;
        Watchers w = watchers;
        if (w != null && w.stopRequest != null) {
            exit(w.stopRequest, Ending.STOP);
        }
    }

    /**
     * The message as {@code v}'s code may see it (the conversion rule): as it is when every object in
     * it is of a class the code sees as the same; through the code's {@code importMessage} when it
     * holds structs (a struct literal typed in a shell, say) or objects of classes the code does not
     * see as the same (an older version's record, a refreshed protocol bundle's), which are first
     * turned into structs.
     */
    private Object deliverable(BehaviourVersion v, Object msg) throws Exception {
        ClassView view = v.view();
        ClassView.Fit fit = view.fit(msg);
        if (fit == ClassView.Fit.AS_IS) {
            return msg;
        }
        String from = v.version();
        Object neutral = msg;
        if (fit == ClassView.Fit.CONVERT) {
            String origin = kernel().versionOf(msg.getClass());
            from = origin != null ? origin : from;
            neutral = Neutral.toNeutral(msg, c -> !view.sees(c));
        }
        return v.code().importMessage(this, from, neutral);
    }

    @Override
    protected void messageWaited(long nanos) {
        kernel().timings().waited(this, nanos);
    }

    // ---- binding (for the spawner and the upgrade package) ------------------------------

    /** Owner: the state, live or exported. */
    public Object state() {
        return state;
    }

    /** Owner. */
    public void state(Object s) {
        state = s;
    }

    /** The upgrade step this process is in, or null. */
    public Migration migration() {
        return move;
    }

    /** Owner: enters or leaves an upgrade step. */
    public void migration(Migration m) {
        move = m;
    }

    /**
     * Any thread (an upgrade that gave up waiting for this process's handler): shows {@code m} as
     * this process's step, so listings say HELD, unless the process has a step already. A CAS from
     * null: the owner's own writes win (it sets its step when it reaches the boundary).
     */
    public boolean showMigration(Migration m) {
        return MOVE.compareAndSet(this, (Migration) null, m);
    }


    /** Owner: the messages queued now, moved into the stash for conversion in place. */
    public ArrayDeque<Object> stashQueued() {
        return stashAll();
    }

    /** Owner: the stash (converted messages ahead of the queue), or null. */
    public ArrayDeque<Object> stash() {
        return stash;
    }

    /** Owner: replaces the stash with {@code fresh} (same order, converted). */
    public void restash(ArrayDeque<Object> fresh) {
        stash = fresh == null || fresh.isEmpty() ? null : fresh;
        stashSize = stash == null ? 0 : stash.size();
    }

    /**
     * Owner: joins {@code v}'s processes and resumes user messages. False, and nothing changed, if
     * {@code v} is being withdrawn (its set is closed).
     */
    public boolean bind(BehaviourVersion v) {
        // One set at a time: the links are reused, so leave the waiting set before joining.
        boolean waited = line.waiting().remove(this);
        if (!v.members().add(this)) {
            if (waited) {
                line.waiting().add(this);
            }
            return false;
        }
        version = v;
        clearBits(SUSPENDED);
        return true;
    }

    /** Owner: leaves its version (the state is now exported) and waits with the line's unbound processes. */
    public void unbind() {
        setBits(SUSPENDED);
        BehaviourVersion v = version;
        version = null;
        if (v != null) {
            leaveVersion(v);
        }
        line.waiting().add(this);
    }

    private void leaveVersion(BehaviourVersion v) {
        // A withdrawn version's set runs its disposal when its last process leaves.
        v.members().remove(this);
    }

    /** Owner, during an import: where {@link #fromNeutral} notes what a default migration dropped or defaulted. */
    public void importNotes(MigrationNotes.OneProcess notes) {
        importNotes = notes;
    }

    // ---- exit ------------------------------------------------------------------------

    /** How a process ends. */
    enum Ending {
        /** {@code terminate} runs (a stop, a crash, a linked exit). */
        STOP,
        /** {@code terminate} does not run (a kill, a broken contract). */
        KILL
    }

    /** Owner: ends the process. Idempotent. */
    void exit(ExitReason reason, Ending how) {
        if (isExited()) {
            return;
        }
        BehaviourVersion v = version;
        if (how == Ending.STOP && v != null && v.code() != null) {
            try {
                v.code().terminate(this, state, reason);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "terminate of process " + pid.id() + " threw; exit reason stays "
                        + reason.summary(), t);
            }
        }
        java.util.List<Object> told = watchers().end(this, reason);
        Migration m = move;
        if (m != null) {
            m.ended(); // counted as failed by its upgrade before anyone can see the process gone
        }
        kernel().table().remove(this);
        if (v != null) {
            version = null;
            leaveVersion(v);
        } else {
            line.waiting().remove(this);
        }
        failQueuedCalls(reason);
        state = null;
        stash = null;
        stashSize = 0;
        if (reason.isAbnormal() && reason.kind() == ExitReason.Kind.ERROR) {
            // One line where people look (the console shows warnings); the frames in the full log.
            LOG.log(System.Logger.Level.WARNING, "process " + pid.id() + " of " + line.name() + " ended: " + reason.firstLine());
            LOG.log(System.Logger.Level.INFO, "process " + pid.id() + " of " + line.name() + " ended: " + reason.detail());
        }
        try {
            kernel().exitObserver().exited(this, v, reason);
        } catch (RuntimeException | LinkageError e) {
            // An observer's fault must not keep the monitors and links from being told.
            LOG.log(System.Logger.Level.ERROR, "the exit of process " + pid.id() + " could not be observed: " + e, e);
        }
        Watchers.tellAll(this, told, reason);
    }

    private void failQueuedCalls(ExitReason reason) {
        ProcessExitedException gone = null;
        Object m;
        while ((m = pollUser()) != null) {
            if (m instanceof Call c) {
                if (gone == null) {
                    gone = new ProcessExitedException("process " + pid.id() + " ended (" + reason.summary()
                            + ") before answering", reason);
                }
                c.completeExceptionally(gone);
            }
        }
    }

    /** The watchers, made on first use; the double check reads a volatile. */
    Watchers watchers() {
        Watchers w = watchers;
        if (w == null) {
            synchronized (this) {
                w = watchers;
                if (w == null) {
                    watchers = w = new Watchers();
                }
            }
        }
        return w;
    }

    Watchers watchersIfAny() {
        return watchers;
    }

    /** The exit reason once ended, else null. */
    public ExitReason endedWith() {
        return exitReason();
    }

    /** The exit reason once ended, else null. */
    ExitReason exitReason() {
        Watchers w = watchers;
        return w == null ? null : w.exitReason();
    }

    // ---- listings ----------------------------------------------------------------------

    public ProcessStatus status() {
        if (isExited()) {
            return ProcessStatus.EXITED;
        }
        Migration m = move;
        if (m != null && m.heldReason() != null) {
            return ProcessStatus.HELD;
        }
        return version == null ? ProcessStatus.SUSPENDED : ProcessStatus.RUNNING;
    }

    public ProcessInfo snapshot() {
        BehaviourVersion v = version;
        Migration m = move;
        String shown = v != null ? v.version() : m != null ? m.exportedFrom() : null;
        long c = (long) COUNTERS.getAcquire(this);
        return new ProcessInfo(pid, name, line.name(), shown == null ? "?" : shown, status(), depth(),
                c & HANDLED_MASK, (int) (c >>> UPGRADES_SHIFT), m == null ? null : m.heldReason(), handOvers(), restores());
    }

    /** Hand-overs this process went through. */
    public int handOvers() {
        return lives & 0xFFFF;
    }

    /** Restores from a snapshot this process went through. */
    public int restores() {
        return lives >>> 16;
    }

    /** Restoring, before it runs: its counters as the image has them. */
    void restoreCounters(long handled, int upgrades, int handOvers, int restores) {
        COUNTERS.setRelease(this, (handled & HANDLED_MASK) | ((long) Math.min(upgrades, 0xFFFF) << UPGRADES_SHIFT));
        lives = Math.min(handOvers, 0xFFFF) | (Math.min(restores, 0xFFFF) << 16);
    }

    long handledCount() {
        return ((long) COUNTERS.getAcquire(this)) & HANDLED_MASK;
    }

    int upgradeCount() {
        return (int) (((long) COUNTERS.getAcquire(this)) >>> UPGRADES_SHIFT);
    }

    /** Owner, after an import: one more upgrade for {@code proc:info}. */
    public void countUpgrade() {
        long c = (long) COUNTERS.getOpaque(this);
        if ((c >>> UPGRADES_SHIFT) < 0xFFFF) {
            COUNTERS.setRelease(this, c + (1L << UPGRADES_SHIFT));
        }
    }

    // ---- ProcessContext ---------------------------------------------------------------

    @Override
    public Pid self() {
        return pid;
    }

    @Override
    public String behaviour() {
        return line.name();
    }

    @Override
    public String version() {
        BehaviourVersion v = version;
        if (v != null) {
            return v.version();
        }
        Migration m = move;
        return m == null ? null : m.exportedFrom();
    }

    @Override
    public ProcessRuntime runtime() {
        return kernel().runtime();
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
        watchers().stopRequest = reason == null ? ExitReason.NORMAL : reason;
    }

    @Override
    public MonitorRef monitor(Pid target) {
        return Watchers.monitor(this, target);
    }

    @Override
    public void demonitor(MonitorRef ref) {
        Watchers.demonitor(this, ref);
    }

    @Override
    public void link(Pid other) {
        Watchers.link(this, other);
    }

    @Override
    public void unlink(Pid other) {
        Watchers.unlink(this, other);
    }

    @Override
    public void trapExits(boolean trap) {
        watchers().trapExits = trap;
    }

    @Override
    public <T> T blocking(Callable<T> work) throws Exception {
        try (Dispatcher.Blocking scope = dispatcher().blocking()) {
            return work.call();
        }
    }

    @Override
    public Object toNeutral(Object value) {
        return Neutral.toNeutral(value, Neutral.exportable(kernel().apiLoader()));
    }

    @Override
    public Object fromNeutral(Object neutral, Type type) {
        BehaviourVersion v = version;
        ClassView view = v == null ? null : v.view();
        if (view == null) {
            throw new IllegalStateException("no code is bound to process " + pid.id());
        }
        return Neutral.fromNeutral(neutral, type, view, importNotes);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> Class<S> stateType() {
        BehaviourVersion v = version;
        Behaviour<Object> code = v == null ? null : v.code();
        return (Class<S>) (code == null ? Object.class : Neutral.stateType(code.getClass()));
    }

    // ---- membership links ----------------------------------------------------------------

    @Override
    public Member prevMember() {
        return prevMember;
    }

    @Override
    public Member nextMember() {
        return nextMember;
    }

    @Override
    public void linkMember(Member prev, Member next) {
        prevMember = prev;
        nextMember = next;
    }

    @Override
    public String toString() {
        return "process " + pid.id() + (name == null ? "" : " (" + name + ")");
    }
}
