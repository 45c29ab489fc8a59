package dev.molt.runtime.upgrade;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.molt.api.Behaviour;
import dev.molt.api.ExitReason;
import dev.molt.api.ProcessException;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;
import dev.molt.runtime.RuntimeSettings;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.CodeRegistry;
import dev.molt.runtime.code.Member;
import dev.molt.runtime.code.VersionRange;
import dev.molt.runtime.dispatch.Dispatcher;
import dev.molt.runtime.neutral.Neutral;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.process.Texts;

/**
 * The upgrade: one component that decides which processes move where, hands each its step
 * ({@link Migrations}), and waits on the record ({@link UpgradeRecord}); nothing it starts calls
 * back into it. It holds no lock while it waits for a process, so spawns, sends, calls and listings
 * never wait behind an upgrade.
 *
 * <h2>Modes</h2>
 * <ul>
 * <li><b>Atomic</b> ({@link #withdrawn}, {@link #registered}): the framework withdraws a version
 * (an update, a refresh, a stop) while its code is still loaded; every process of it exports at its
 * next boundary, on whichever worker runs it, all in parallel. The withdrawal waits for them, but
 * not for a process that stays in one handler (it exports when the handler returns, with the code
 * it runs), so one busy process never delays the others. Exported processes import as soon as a
 * version serves (at once if another is registered; else when the next registers).</li>
 * <li><b>Rolling</b> and <b>canary</b> ({@link #roll}, {@link #promote}, {@link #abort}): both
 * versions are registered; a few processes at a time ({@code rollingBatch}) export and import in
 * one step each, while the rest run on. A canary moves a subset and stops; too many crashes of
 * the subset within the window abort it.</li>
 * </ul>
 *
 * <p>Thread rule: {@link #withdrawn} and {@link #registered} run on the framework's event thread;
 * {@link #roll}, {@link #promote} and {@link #abort} on their caller's (an automatic abort on the
 * coordinator's own thread). Per behaviour, the state below is guarded by its {@link Line}'s monitor.
 */
public final class UpgradeCoordinator {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");
    /** How long a turn must have run, twice in a row, before a withdrawal stops waiting for its process. */
    private static final long BUSY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final CodeRegistry registry;
    private final Kernel kernel;
    private final UpgradeHistory history;
    private final Supplier<CodeHost> host;
    private final UpgradeObserver observer;
    private final ConcurrentHashMap<BehaviourLine, Line> lines = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "molt-upgrade");
        t.setDaemon(true);
        t.setContextClassLoader(UpgradeCoordinator.class.getClassLoader());
        return t;
    });

    /** What is under way for one behaviour. Guarded by its own monitor. */
    private static final class Line {
        /** An atomic upgrade whose version went away, waiting for the next to register. */
        UpgradeRecord pendingAtomic;
        /** A rolling or canary upgrade under way (one at a time). */
        UpgradeRecord rolling;
        Canary canary;
        /** The newest record and how many there were, for callers that wait for "the next report". */
        UpgradeRecord latest;
        long count;
    }

    /** A canary at its stage: the versions, and the crashes of its processes in the window. */
    private static final class Canary {
        final UpgradeRecord record;
        final BehaviourVersion from;
        final BehaviourVersion to;
        final boolean keepOld;
        final ArrayDeque<Long> crashTimes = new ArrayDeque<>();
        final List<String> crashes = new ArrayList<>();
        boolean aborting;

        Canary(UpgradeRecord record, BehaviourVersion from, BehaviourVersion to, boolean keepOld) {
            this.record = record;
            this.from = from;
            this.to = to;
            this.keepOld = keepOld;
        }
    }

    public UpgradeCoordinator(CodeRegistry registry, Kernel kernel, UpgradeHistory history, Supplier<CodeHost> host,
                              UpgradeObserver observer) {
        this.registry = registry;
        this.kernel = kernel;
        this.history = history;
        this.host = host;
        this.observer = observer;
    }

    private Line line(BehaviourLine l) {
        return lines.computeIfAbsent(l, k -> new Line());
    }

    private RuntimeSettings settings() {
        return kernel.settings();
    }

    /**
     * Under {@code lu}'s monitor: a new record, in the history, announced, and told to whoever waits
     * for one. It knows how many processes it sets out to move; with a target ({@code to}, for an
     * upgrade whose moves are added one by one: rolling, canary, retries) it also does not complete
     * until {@link UpgradeRecord#adding}(false). An atomic upgrade learns its target when it registers.
     */
    private UpgradeRecord begin(Line lu, BehaviourLine line, String from, UpgradeMode mode, String to, int planned) {
        UpgradeRecord r = new UpgradeRecord(line.name(), from, mode, observer);
        r.plan(to, planned);
        history.add(r);
        r.announce();
        lu.latest = r;
        lu.count++;
        lu.notifyAll();
        return r;
    }

    // ---- atomic: the framework withdraws and registers versions ---------------------------

    /**
     * A version is going away while its code is still loaded (the framework's UNREGISTERING):
     * every process of it exports at its next boundary; see the class comment for the wait.
     */
    public void withdrawn(BehaviourVersion v) {
        BehaviourLine line = v.line();
        boolean wasServing = line.serving() == v;
        registry.remove(v);
        List<Member> members = v.members().close(v::dispose);
        BehaviourVersion target = line.serving();
        Line lu = line(line);
        UpgradeRecord rec;
        synchronized (lu) {
            if (lu.canary != null && lu.canary.to == v && !lu.canary.aborting) {
                // The canary's new version went away under it (its bundle stopped): the canary is over.
                lu.canary.record.aborted("aborted: version " + v.version() + " was withdrawn");
                line.unpin();
                lu.canary = null;
                lu.rolling = null;
            }
            if (members.isEmpty() && !(wasServing && target == null)) {
                return; // nothing ran it and something else serves: nobody waits for a report
            }
            rec = lu.pendingAtomic != null ? lu.pendingAtomic : begin(lu, line, v.version(), UpgradeMode.ATOMIC, null, members.size());
            if (target == null) {
                lu.pendingAtomic = rec;
            }
        }
        List<Move> moves = new ArrayList<>(members.size());
        for (Member m : members) {
            Move mv = new Move(rec, v, null, (Proc) m, () -> { });
            rec.add(mv);
            moves.add(mv);
        }
        if (target != null) {
            rec.target(target.version());
        }
        post(moves);
        scheduleOverdue(rec);
        awaitBoundaries(moves, target != null);
    }

    /**
     * An atomic upgrade that moved nothing: {@code from} had no processes and another version served
     * while it went. Recorded all the same, so that the history shows every change of code.
     */
    public UpgradeRecord nothingToMove(BehaviourLine line, String from, String to) {
        Line lu = line(line);
        UpgradeRecord rec;
        synchronized (lu) {
            rec = begin(lu, line, from, UpgradeMode.ATOMIC, to, 0);
        }
        rec.adding(false);
        return rec;
    }

    private void post(List<Move> moves) {
        for (Move mv : moves) {
            try {
                mv.process.enqueueSystem(Migrations.exportTask(mv));
            } catch (RejectedExecutionException shutDown) {
                mv.record.ended(mv); // the runtime is stopping: the process goes with it
            }
        }
    }

    /**
     * Waits until the moves have exported (and, with a version to go to, imported), except those
     * whose process stays in one handler: those move when their handler returns. Bounded by the
     * upgrade timeout.
     */
    private void awaitBoundaries(List<Move> moves, boolean andImports) {
        long deadline = System.nanoTime() + settings().upgradeTimeout().toNanos();
        Dispatcher d = kernel.dispatcher();
        Map<Move, Long> seen = new HashMap<>();
        long nextLook = System.nanoTime() + BUSY_NANOS;
        List<Move> pending = moves;
        UpgradeRecord rec = moves.isEmpty() ? null : moves.get(0).record;
        try {
            while (!pending.isEmpty() && System.nanoTime() < deadline) {
                synchronized (rec) {
                    pending = unfinished(pending, andImports);
                }
                if (pending.isEmpty()) {
                    return;
                }
                if (System.nanoTime() >= nextLook) {
                    boolean allBusy = true;
                    for (Move m : pending) {
                        long turn = d.turnRunning(m.process);
                        Long before = seen.put(m, turn);
                        allBusy &= turn >= 0 && before != null && before == turn;
                    }
                    if (allBusy) {
                        return; // each is in one long handler: they move at their boundary
                    }
                    nextLook = System.nanoTime() + BUSY_NANOS;
                }
                rec.awaitChange(TimeUnit.MILLISECONDS.toNanos(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Under the record's monitor: the moves still waiting for their process's boundary (or import). */
    private static List<Move> unfinished(List<Move> moves, boolean andImports) {
        List<Move> out = new ArrayList<>();
        for (Move m : moves) {
            if (m.step == Move.Step.REQUESTED || (andImports && m.step == Move.Step.EXPORTED)) {
                out.add(m);
            }
        }
        return out;
    }

    /** At the upgrade timeout, moves still waiting for a handler are reported held (they still move later). */
    private void scheduleOverdue(UpgradeRecord rec) {
        long ms = settings().upgradeTimeout().toMillis();
        try {
            kernel.timers().schedule(() -> Kernel.withOwnContextLoader(() -> {
                for (Move m : rec.unsettledMoves()) {
                    rec.overdue(m, "handler still running after " + ms + " ms (upgrade timeout); held until it"
                            + " returns, then migrated with its queued messages");
                }
            }), ms, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shutDown) {
            // the runtime is stopping
        }
    }

    /**
     * A version registered (the framework's REGISTERED): if it serves, processes waiting for code
     * (those of a withdrawn version, and held ones, retried) import into it.
     */
    public void registered(BehaviourVersion v) {
        BehaviourLine line = v.line();
        warnIfDuplicate(v);
        Line lu = line(line);
        UpgradeRecord rec;
        synchronized (lu) {
            rec = lu.pendingAtomic;
            if (line.serving() != v) {
                return; // registered beside a newer one (or pinned by a canary): nobody moves to it now
            }
            lu.pendingAtomic = null;
        }
        List<Member> waiting = line.waiting().snapshot();
        UpgradeRecord counting = rec;
        if (counting == null && !waiting.isEmpty()) {
            synchronized (lu) {
                counting = begin(lu, line, "held", UpgradeMode.ATOMIC, v.version(), waiting.size());
            }
        } else if (counting != null) {
            counting.adding(true); // held processes join it one by one, on their own turns
            counting.target(v.version());
        }
        try {
            CountDownLatch imported = new CountDownLatch(waiting.size());
            for (Member m : waiting) {
                try {
                    ((Proc) m).enqueueSystem(Migrations.importTask(v, counting, imported::countDown));
                } catch (RejectedExecutionException shutDown) {
                    return;
                }
            }
            // The imports run on the workers, in parallel; the framework's thread (Bundle.update's
            // caller) returns when they are done, so that an update returns with its processes moved.
            try {
                imported.await(settings().upgradeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            if (counting != null) {
                counting.adding(false);
            }
        }
    }

    /**
     * Processes restored with an exported state (from a snapshot, or moving when the runtime was
     * handed over), owned by the restoring thread: each imports into the version of its behaviour
     * that serves, now or when one registers, exactly as after a withdrawal.
     *
     * @param exportedFrom the version each state came from, in the order of {@code procs}
     */
    public void adoptWaiting(BehaviourLine line, List<Proc> procs, List<String> exportedFrom) {
        if (procs.isEmpty()) {
            return;
        }
        BehaviourVersion serving = line.serving();
        Line lu = line(line);
        UpgradeRecord rec;
        synchronized (lu) {
            rec = lu.pendingAtomic != null ? lu.pendingAtomic
                    : begin(lu, line, exportedFrom.get(0), UpgradeMode.ATOMIC, null, procs.size());
            if (serving == null) {
                lu.pendingAtomic = rec;
            }
        }
        for (int i = 0; i < procs.size(); i++) {
            Proc p = procs.get(i);
            Move mv = new Move(rec, null, null, p, () -> { });
            mv.exportedFrom = exportedFrom.get(i);
            mv.exportedAt = System.nanoTime();
            mv.stateLost = p.state() == null;
            rec.add(mv);
            rec.exported(mv, 0);
            p.migration(mv);
            if (mv.stateLost) {
                rec.held(mv, "its state was lost before the runtime was replaced (its export had failed); kill it");
            }
        }
        if (serving != null) {
            rec.target(serving.version());
            for (Proc p : procs) {
                p.enqueueSystem(Migrations.importTask(serving, rec, () -> { }));
            }
        }
    }

    private void warnIfDuplicate(BehaviourVersion v) {
        List<BehaviourVersion> same = v.line().sameVersionAs(v);
        if (!same.isEmpty()) {
            BehaviourVersion serving = v.line().serving();
            LOG.log(System.Logger.Level.WARNING, "behaviour " + v.name() + " " + v.version() + " is registered twice: by "
                    + v.bundleLabel() + " and by " + same.get(0).bundleLabel() + "; "
                    + (serving == null ? "neither" : serving.bundleLabel()) + " serves new processes. Stop one of them");
        }
    }

    /**
     * Asks a held process to import its kept state again into the version that serves now; returns
     * once the step is queued on the process (its record, a new one, tells how it went).
     *
     * @throws ProcessException naming why it cannot, and what to do instead
     */
    public void retry(Proc p) {
        BehaviourLine line = p.line();
        if (p.status() != dev.molt.api.ProcessStatus.HELD) {
            throw new ProcessException(p + " is not held (it is " + p.status() + "); only a held process can be retried");
        }
        if (p.boundVersion() != null) {
            throw new ProcessException(p + " is still in a handler; it moves by itself when the handler returns");
        }
        if (p.migration() instanceof Move m && m.stateLost) {
            throw new ProcessException(p + " lost its state (its export failed) and cannot be retried; kill it"
                    + " (proc:kill " + p.pid().id() + ")");
        }
        BehaviourVersion v = line.serving();
        if (v == null) {
            throw new ProcessException("no version of " + line.name() + " serves now; deploy one, then retry");
        }
        Line lu = line(line);
        UpgradeRecord rec;
        synchronized (lu) {
            rec = begin(lu, line, "held", UpgradeMode.ATOMIC, v.version(), 1);
        }
        try {
            p.enqueueSystem(Migrations.importTask(v, rec, () -> rec.adding(false)));
        } catch (RejectedExecutionException shutDown) {
            rec.adding(false);
            throw new ProcessException("the runtime is shut down");
        }
    }

    // ---- rolling and canary ---------------------------------------------------------------

    /**
     * Moves {@code from}'s processes to {@code to} (both registered) a few at a time; for a canary,
     * only the selection, then stops. Runs on the caller's thread.
     *
     * @return the record: completed (rolling) or at its canary stage
     */
    public UpgradeRecord roll(BehaviourVersion from, BehaviourVersion to, UpgradeOptions options) {
        BehaviourLine line = from.line();
        if (to.line() != line || from == to) {
            throw new ProcessException("a rolling upgrade goes between two versions of one behaviour");
        }
        Line lu = line(line);
        UpgradeRecord rec;
        List<Proc> all = procsOf(from);
        List<Proc> chosen = options.mode() == UpgradeMode.CANARY ? CanarySelection.select(all, options.canary()) : all;
        synchronized (lu) {
            if (lu.rolling != null) {
                throw new ProcessException("an upgrade of " + line.name() + " is under way (" + lu.rolling.report().summary()
                        + "); wait for it, or promote or abort it");
            }
            // Moves are added a batch at a time: settling a batch does not complete the record.
            rec = begin(lu, line, from.version(), options.mode(), to.version(), chosen.size());
            lu.rolling = rec;
            if (options.mode() == UpgradeMode.CANARY) {
                rec.canaryStage(true);
                line.pin(from); // new processes keep getting the old version while the canary runs
                lu.canary = new Canary(rec, from, to, options.keepOld());
            }
        }
        prepare(from);
        prepare(to);
        try {
            moveAll(rec, chosen, from, to);
        } catch (RuntimeException | Error e) {
            if (options.mode() == UpgradeMode.CANARY) {
                // The canary stays at its stage with the processes it moved, the old version still
                // pinned: promote or abort it as any canary (abort moves them back).
                LOG.log(System.Logger.Level.WARNING, "canary of " + line.name() + " " + to.version() + " stopped while"
                        + " moving its share (" + Texts.oneLine(e) + "); it waits to be promoted or aborted");
            } else {
                stopped(lu, line, rec, from, to, e);
            }
            throw e;
        } finally {
            rec.adding(false);
        }
        if (options.mode() != UpgradeMode.CANARY) {
            finish(lu, line, rec, from, options.keepOld());
        }
        return rec;
    }

    /** Refuses, before anything is installed, a rolling or canary upgrade while another is under way. */
    public void requireNoneUnderWay(BehaviourLine line) {
        Line lu = line(line);
        synchronized (lu) {
            if (lu.rolling != null) {
                throw new ProcessException("an upgrade of " + line.name() + " is under way (" + lu.rolling.report().summary()
                        + "); wait for it, or promote or abort it");
            }
        }
    }

    /** Moves the rest of the canary's old version to the new one, then retires the old one. */
    public UpgradeRecord promote(BehaviourLine line) {
        Line lu = line(line);
        Canary c;
        synchronized (lu) {
            c = lu.canary;
            if (c == null || c.aborting) {
                throw new ProcessException("no canary of " + line.name() + " is waiting to be promoted; see proc:history");
            }
            lu.canary = null;
            c.record.adding(true);
            c.record.canaryStage(false);
            line.unpin(); // new processes get the new version from now on
        }
        try {
            moveAll(c.record, procsOf(c.from), c.from, c.to);
        } catch (RuntimeException | Error e) {
            stopped(lu, line, c.record, c.from, c.to, e);
            throw e;
        } finally {
            c.record.adding(false);
        }
        finish(lu, line, c.record, c.from, c.keepOld);
        return c.record;
    }

    /** Moves the canary's processes back to the old version, and retires the new one. */
    public UpgradeRecord abort(BehaviourLine line, String why) {
        Line lu = line(line);
        Canary c;
        synchronized (lu) {
            c = lu.canary;
            if (c == null || c.aborting) {
                throw new ProcessException("no canary of " + line.name() + " is under way to abort; see proc:history");
            }
            c.aborting = true;
        }
        UpgradeRecord back;
        List<Proc> canaries = procsOf(c.to);
        synchronized (lu) {
            back = begin(lu, line, c.to.version(), UpgradeMode.ROLLING, c.from.version(), canaries.size());
        }
        try {
            moveAll(back, canaries, c.to, c.from);
        } catch (RuntimeException | Error e) {
            // The canary stays, pinned to the old version, so that the abort can be asked again
            // (it moves the rest back); only this attempt's record ends.
            synchronized (lu) {
                c.aborting = false;
            }
            back.aborted("stopped halfway: " + Texts.oneLine(e) + "; the canary of " + c.to.version()
                    + " is still under way: abort it again (proc:abort " + line.name() + ")");
            throw e;
        } finally {
            back.adding(false);
        }
        String crashes = c.crashes.isEmpty() ? "" : "; canary crashes: " + String.join("; ", c.crashes);
        c.record.aborted(why + crashes);
        // An abort someone asked for is news (INFO); one the canary's crashes caused needs attention.
        LOG.log(c.crashes.isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "canary of " + line.name()
                + " " + c.to.version() + " " + why + crashes + "; its processes moved back to " + c.from.version());
        // The new version goes while the pin still holds: unpinned first, the line would serve it
        // until it was gone, and a process spawned meanwhile (a supervisor restarting the canary
        // child whose crash caused this abort) would start on the version being removed.
        host.get().retire(c.to);
        synchronized (lu) {
            lu.canary = null;
            lu.rolling = null;
            line.unpin();
        }
        return c.record;
    }

    /**
     * A rolling move or a promotion stopped halfway (its thread was interrupted): the behaviour is
     * no longer under way, and both versions stay registered, each serving the processes it has;
     * the record says so. Nothing is retired, so no process loses its code. (A canary's own move
     * and an abort keep the canary instead: see {@link #roll} and {@link #abort}.)
     */
    private void stopped(Line lu, BehaviourLine line, UpgradeRecord rec, BehaviourVersion from, BehaviourVersion to,
                         Throwable why) {
        synchronized (lu) {
            // One upgrade is under way per behaviour, and only its own thread gets here; a promotion
            // has unpinned already, a rolling upgrade never pinned.
            lu.rolling = null;
            lu.canary = null;
        }
        rec.aborted("stopped halfway: " + Texts.oneLine(why) + "; " + from.version() + " and " + to.version()
                + " both stay registered, each running the processes it has (proc:ps " + line.name() + ")");
    }

    private void finish(Line lu, BehaviourLine line, UpgradeRecord rec, BehaviourVersion from, boolean keepOld) {
        synchronized (lu) {
            if (lu.rolling == rec) {
                lu.rolling = null;
            }
        }
        if (!keepOld) {
            host.get().retire(from); // processes still in a long handler move atomically at its boundary
        }
    }

    /** Warms a version's state classes on this thread (see {@link Neutral#prepare}); a failure here is the move's to report. */
    private static void prepare(BehaviourVersion v) {
        Behaviour<Object> code = v.code();
        if (code != null) {
            try {
                Neutral.prepare(code.getClass());
            } catch (RuntimeException | LinkageError e) {
                LOG.log(System.Logger.Level.DEBUG, "could not prepare " + v + ": " + e);
            }
        }
    }

    private static List<Proc> procsOf(BehaviourVersion v) {
        List<Proc> out = new ArrayList<>();
        for (Member m : v.members().snapshot()) {
            out.add((Proc) m);
        }
        out.sort(Comparator.comparing(Proc::pid));
        return out;
    }

    /**
     * Moves {@code procs} from {@code from} to {@code to}, {@code rollingBatch} in flight at a time;
     * a move still waiting for its process after the upgrade timeout is reported held (it moves when
     * its handler returns) and no longer holds a slot.
     */
    private void moveAll(UpgradeRecord rec, List<Proc> procs, BehaviourVersion from, BehaviourVersion to) {
        RuntimeSettings s = settings();
        RollingWindow window = new RollingWindow(s.rollingBatch());
        long timeoutMs = s.upgradeTimeout().toMillis();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Set<Move> inFlight = ConcurrentHashMap.newKeySet();
        try {
            for (Proc p : procs) {
                // Room in the window; a move still waiting for its process after the upgrade timeout
                // is reported held (it moves when its handler returns) and leaves the window.
                while (!rec.awaitUntil(() -> inFlight.size() < window.size(), timeoutNanos)) {
                    markOverdue(rec, inFlight, timeoutMs);
                }
                Move[] self = new Move[1];
                Move mv = new Move(rec, from, to, p, () -> {
                    // Under the record's monitor, after the step that settled it (exportedAt was
                    // written by the process before that step, so it is visible here).
                    Move m = self[0];
                    inFlight.remove(m);
                    window.settled(m.step == Move.Step.DONE && m.exportedAt != 0 ? System.nanoTime() - m.exportedAt : -1);
                });
                self[0] = mv;
                inFlight.add(mv);
                rec.add(mv);
                post(List.of(mv));
            }
            if (!rec.awaitUntil(inFlight::isEmpty, timeoutNanos)) {
                markOverdue(rec, inFlight, timeoutMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while moving processes of " + rec.behaviour());
        }
    }

    private static void markOverdue(UpgradeRecord rec, Set<Move> inFlight, long timeoutMs) {
        for (Move m : new LinkedHashSet<>(inFlight)) {
            rec.overdue(m, "handler still running after " + timeoutMs + " ms (upgrade timeout); held until it returns,"
                    + " then migrated with its queued messages");
        }
    }

    // ---- canary crash watch ----------------------------------------------------------------

    /** A process ended: a crash of a canary's process counts toward its automatic abort. */
    public void exited(Proc p, BehaviourVersion version, ExitReason reason) {
        if (version == null || !reason.isAbnormal() || reason.kind() == ExitReason.Kind.KILLED) {
            return;
        }
        Line lu = lines.get(version.line());
        if (lu == null) {
            return;
        }
        RuntimeSettings s = settings();
        String why;
        synchronized (lu) {
            Canary c = lu.canary;
            if (c == null || c.to != version || c.aborting) {
                return;
            }
            long now = System.nanoTime();
            c.crashTimes.addLast(now);
            c.crashes.add("process " + p.pid().id() + ": " + reason.summary());
            long windowStart = now - s.canaryWindow().toNanos();
            while (!c.crashTimes.isEmpty() && c.crashTimes.peekFirst() < windowStart) {
                c.crashTimes.removeFirst();
            }
            if (c.crashTimes.size() < s.canaryMaxCrashes()) {
                return;
            }
            why = "aborted automatically: " + c.crashTimes.size() + " crashes of canary processes within "
                    + s.canaryWindow().toSeconds() + " s";
        }
        BehaviourLine line = version.line();
        try {
            background.execute(() -> {
                try {
                    abort(line, why);
                } catch (ProcessException alreadyOver) {
                    // promoted or aborted meanwhile
                }
            });
        } catch (RejectedExecutionException shutDown) {
            // the runtime is stopping
        }
    }

    // ---- what is under way, what may run -------------------------------------------------

    /** The rolling or canary upgrade of {@code line} under way, if any. */
    public Optional<UpgradeReport> inProgress(BehaviourLine line) {
        Line lu = lines.get(line);
        if (lu == null) {
            return Optional.empty();
        }
        synchronized (lu) {
            UpgradeRecord r = lu.canary != null ? lu.canary.record : lu.rolling;
            return r == null ? Optional.empty() : Optional.of(r.report());
        }
    }

    /** How many records {@code line} has had: a caller notes it, changes code, then waits for the next. */
    public long recordCount(BehaviourLine line) {
        Line lu = line(line);
        synchronized (lu) {
            return lu.count;
        }
    }

    /** The newest record of {@code line} once there are more than {@code count}; null after the deadline. */
    public UpgradeRecord awaitRecordAfter(BehaviourLine line, long count, long deadlineNanos) throws InterruptedException {
        Line lu = line(line);
        synchronized (lu) {
            while (lu.count <= count) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lu, left);
            }
            return lu.latest;
        }
    }

    /**
     * Refuses, before anything stops, a new version of {@code line} that declares it cannot import
     * from a version processes run now (or wait with).
     */
    public void checkPath(BehaviourLine line, String newVersion, VersionRange importsFrom) {
        if (importsFrom == null) {
            return;
        }
        Map<String, Integer> running = new java.util.TreeMap<>();
        for (BehaviourVersion v : line.versions()) {
            int n = v.members().size();
            if (n > 0) {
                running.merge(v.version(), n, Integer::sum);
            }
        }
        for (Member m : line.waiting().snapshot()) {
            Proc.Migration mg = ((Proc) m).migration();
            if (mg != null && mg.exportedFrom() != null) {
                running.merge(mg.exportedFrom(), 1, Integer::sum);
            }
        }
        List<String> outside = new ArrayList<>();
        running.forEach((version, n) -> {
            if (!importsFrom.includes(version)) {
                outside.add(version + " (" + n + (n == 1 ? " process)" : " processes)"));
            }
        });
        if (!outside.isEmpty()) {
            throw new ProcessException("cannot upgrade " + line.name() + " to " + newVersion + ": it imports from "
                    + importsFrom + ", but processes run " + String.join(", ", outside) + "; upgrade them to a version"
                    + " in that range first, or deploy one that imports from them. Nothing was changed");
        }
    }

    public void shutdown() {
        background.shutdownNow();
    }
}
