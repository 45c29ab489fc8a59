package dev.molt.runtime.handover;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.UpgradeReport;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.CodeRegistry;
import dev.molt.runtime.groups.ProcessGroups;
import dev.molt.runtime.neutral.Neutral;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Messaging;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.process.ProcessImage;
import dev.molt.runtime.process.SystemMessage;
import dev.molt.runtime.upgrade.UpgradeCoordinator;
import dev.molt.runtime.upgrade.UpgradeHistory;

/**
 * The incoming runtime's side: rebuilds the process table of an {@link Image} (a hand-over's live
 * image, or a snapshot's neutral one) and, for a hand-over, takes what reached the old revision since
 * through its relay. A live process whose version is registered here runs on at once with the very
 * state it had; a process whose state is exported waits for its behaviour and imports as after any
 * withdrawal ({@code importState(context, fromVersion, state)}).
 *
 * <p>Thread rule: {@link #run} on the activating thread, before this runtime's service is
 * registered; the relay's entries then arrive on whatever thread queued them in the old revision.
 */
public final class TakeOver {

    /** What a take-over did, for the log, the shell and the benchmark. */
    public record Outcome(int processes, int running, int waiting, int arriving, int timers, long nanos) {
    }

    private final Kernel kernel;
    private final CodeRegistry registry;
    private final UpgradeCoordinator coordinator;
    private final ProcessGroups groups;
    private final UpgradeHistory history;
    private final Messaging messaging;

    public TakeOver(Kernel kernel, CodeRegistry registry, UpgradeCoordinator coordinator, ProcessGroups groups,
                    UpgradeHistory history, Messaging messaging) {
        this.kernel = kernel;
        this.registry = registry;
        this.coordinator = coordinator;
        this.groups = groups;
        this.history = history;
        this.messaging = messaging;
    }

    /**
     * Rebuilds the table of {@code image}.
     *
     * @param handOver true for a runtime hand-over (a process's hand-over count goes up), false for a
     *                 restore from a snapshot (its restore count does)
     */
    /**
     * Whether this revision can take {@code image}: the same layout, and for a live image the same API
     * classes (after a refresh of process-api the objects in it are of classes this revision does not see).
     */
    public static String refusal(Map<String, Object> image) {
        if (!Integer.valueOf(Image.FORMAT).equals(image.get(Image.K_FORMAT))) {
            return "the image's layout is " + image.get(Image.K_FORMAT) + ", this runtime reads " + Image.FORMAT;
        }
        if (Image.FORM_LIVE.equals(image.get(Image.K_FORM)) && image.get(Image.K_API_CLASS) != Pid.class) {
            return "process-api was refreshed with the runtime (API " + image.get(Image.K_API) + " before); a live"
                    + " table cannot cross an API refresh yet";
        }
        return null;
    }

    /**
     * Fails what a refused image holds for callers (their calls and watches) and drops the rest; what
     * reached the old revision since goes the same way.
     */
    @SuppressWarnings("unchecked")
    public static int discard(Map<String, Object> image, String why) {
        List<Object[]> records = (List<Object[]>) image.getOrDefault(Image.K_PROCESSES, List.of());
        RuntimeException lost = new java.util.concurrent.CancellationException("the Molt runtime was replaced and could"
                + " not take this process over (" + why + ")");
        for (Object[] r : records) {
            for (Object f : new Object[][] {(Object[]) r[Image.P_CALLS], (Object[]) r[Image.P_WATCHES]}) {
                if (f != null) {
                    for (Object x : (Object[]) f) {
                        if (x instanceof CompletableFuture<?> cf) {
                            cf.completeExceptionally(lost);
                        }
                    }
                }
            }
        }
        if (image.get(Image.K_SUCCESSOR) instanceof CompletableFuture<?> next) {
            // The older facade's callers learn that no revision serves them.
            next.completeExceptionally(new java.util.concurrent.CancellationException("the newer revision did not take"
                    + " its processes (" + why + ")"));
        }
        Object relay = image.get(Image.K_RELAY);
        if (relay != null) {
            ((Consumer<Consumer<Object[]>>) relay).accept(e -> {
                for (Object x : e) {
                    if (x instanceof CompletableFuture<?> cf) {
                        cf.completeExceptionally(lost);
                    }
                }
            });
        }
        return records.size();
    }

    /** An image no revision took: its processes end as at a shutdown (watches told, calls failed). */
    @SuppressWarnings("unchecked")
    public static void endUnclaimed(Map<String, Object> image) {
        List<Object[]> records = (List<Object[]>) image.getOrDefault(Image.K_PROCESSES, List.of());
        for (Object[] r : records) {
            Object[] watches = (Object[]) r[Image.P_WATCHES];
            if (watches != null) {
                for (Object x : watches) {
                    ((CompletableFuture<Object>) x).complete(ExitReason.SHUTDOWN);
                }
            }
            r[Image.P_WATCHES] = null;
        }
        discard(image, "the runtime was stopped and no newer revision started");
    }

    @SuppressWarnings("unchecked")
    public Outcome run(Map<String, Object> image, boolean handOver) {
        long began = System.nanoTime();
        kernel.table();
        kernel.refsAfter(((Number) image.getOrDefault(Image.K_LAST_REF, 0L)).longValue());
        // Pids of processes that ended before the image was made are never handed out again.
        ProcessImage.pidsAfter(kernel, ((Number) image.getOrDefault(Image.K_LAST_PID, 0L)).longValue());
        Map<String, List<String>> served = (Map<String, List<String>>) image.get(Image.K_SERVED);
        if (served != null) {
            served.forEach((b, vs) -> registry.lineFor(b).restoreServed(vs));
        }
        List<UpgradeReport> reports = (List<UpgradeReport>) image.get(Image.K_HISTORY);
        if (reports != null) {
            history.takeEarlier(reports);
        }
        List<Object[]> records = (List<Object[]>) image.getOrDefault(Image.K_PROCESSES, List.of());
        List<Proc> made = new ArrayList<>(records.size());
        List<Object[]> madeRecords = new ArrayList<>(records.size());
        Map<BehaviourLine, List<Proc>> waiting = new HashMap<>();
        Map<BehaviourLine, List<String>> waitingFrom = new HashMap<>();
        int running = 0;
        int arriving = 0;
        for (Object[] r : records) {
            BehaviourLine line = registry.lineFor((String) r[Image.P_BEHAVIOUR]);
            long bundle = (Long) r[Image.P_BUNDLE];
            BehaviourVersion live = Image.isBound(bundle) ? liveVersion(line, (String) r[Image.P_VERSION], bundle) : null;
            if (live != null && r[Image.P_STATE] != null
                    && live.view().fit(r[Image.P_STATE]) == dev.molt.runtime.neutral.ClassView.Fit.CONVERT) {
                live = null; // the behaviour's bundle was refreshed meanwhile: its state holds the old classes
            }
            if (Image.isBound(bundle) && live == null) {
                exportWithoutCode(r); // its version went meanwhile: the state waits, as if exported
            }
            Proc p = ProcessImage.restore(kernel, line, r, live, handOver);
            if (p == null) {
                continue; // its name is taken (cannot happen in a fresh runtime)
            }
            made.add(p);
            madeRecords.add(r);
            if (bundle == Image.ARRIVING) {
                p.migration(new Arriving((String) r[Image.P_VERSION]));
                arriving++;
            } else if (ProcessImage.isWaiting(p)) {
                waiting.computeIfAbsent(line, l -> new ArrayList<>()).add(p);
                waitingFrom.computeIfAbsent(line, l -> new ArrayList<>()).add((String) r[Image.P_VERSION]);
            } else {
                running++;
            }
        }
        for (int i = 0; i < made.size(); i++) {
            ProcessImage.wire(kernel, made.get(i), madeRecords.get(i));
        }
        Map<String, ?> g = (Map<String, ?>) image.get(Image.K_GROUPS);
        if (g != null) {
            groups.restore(g, (List<?>) image.getOrDefault(Image.K_GROUP_MONITORS, List.of()));
        }
        List<Object[]> timers = (List<Object[]>) image.getOrDefault(Image.K_TIMERS, List.of());
        List<Object> timerRefs = (List<Object>) image.get(Image.K_TIMER_REFS);
        for (int i = 0; i < timers.size(); i++) {
            Object[] t = timers.get(i);
            CompletableFuture<Object> ref = timerRefs != null && i < timerRefs.size()
                    ? (CompletableFuture<Object>) timerRefs.get(i) : null;
            kernel.pendingTimers().scheduleCarried(new Pid(((Number) t[Image.T_TO]).longValue()), t[Image.T_MESSAGE],
                    ((Number) t[Image.T_LEFT_NANOS]).longValue(), ref);
        }
        waiting.forEach((line, procs) -> coordinator.adoptWaiting(line, procs, waitingFrom.get(line)));
        // What reached the old revision after the image goes in first, while the processes are still
        // owned here (it queues): a restored sender must not overtake what was sent before it.
        Object relay = image.get(Image.K_RELAY);
        if (relay != null) {
            ((Consumer<Consumer<Object[]>>) relay).accept(this::arrived);
        }
        for (Proc p : made) {
            ProcessImage.start(p);
        }
        int w = waiting.values().stream().mapToInt(List::size).sum();
        return new Outcome(made.size(), running, w, arriving, timers.size(), System.nanoTime() - began);
    }

    private static BehaviourVersion liveVersion(BehaviourLine line, String version, long bundle) {
        for (BehaviourVersion v : line.versions()) {
            if (v.version().equals(version) && v.bundleId() == bundle) {
                return v;
            }
        }
        return null;
    }

    /** A live state whose code is not here: kept if it is neutral as it is (records become structs), else lost. */
    private void exportWithoutCode(Object[] r) {
        try {
            r[Image.P_STATE] = Neutral.toNeutral(r[Image.P_STATE], Neutral.exportable(kernel.apiLoader()));
        } catch (RuntimeException e) {
            r[Image.P_STATE] = null;
        }
        r[Image.P_BUNDLE] = Image.NEUTRAL;
    }

    /** One entry of the old revision's relay (see {@link Relay}): on the thread that made it there. */
    private void arrived(Object[] e) {
        String kind = (String) e[Relay.KIND];
        Pid pid = new Pid((Long) e[Relay.PID]);
        Object a = e[Relay.A];
        Object b = e[Relay.B];
        switch (kind) {
            case Relay.SEND -> {
                Proc p = kernel.table().get(pid);
                if (p != null) {
                    p.enqueue(a);
                }
            }
            case Relay.CALL -> {
                Proc p = kernel.table().get(pid);
                if (p != null) {
                    p.enqueue(ProcessImage.bridged(a, (CompletableFuture<?>) b));
                } else {
                    ((CompletableFuture<?>) b).completeExceptionally(
                            dev.molt.runtime.process.ProcessTable.notAlive(pid));
                }
            }
            case Relay.STOP -> messaging.stop(pid, (ExitReason) a);
            case Relay.KILL -> messaging.kill(pid, (ExitReason) a);
            case Relay.EXIT -> ProcessImage.linkExit(kernel, pid, (Pid) a, (ExitReason) b);
            case Relay.STATE -> {
                @SuppressWarnings("unchecked")
                CompletableFuture<Object> f = (CompletableFuture<Object>) a;
                messaging.state(pid).whenComplete((v, x) -> {
                    if (x != null) {
                        f.completeExceptionally(x);
                    } else {
                        f.complete(v);
                    }
                });
            }
            case Relay.MONITOR -> ProcessImage.monitor(kernel, pid, (Long) a, new Pid((Long) b));
            case Relay.LINK -> ProcessImage.link(kernel, pid, new Pid((Long) a));
            case Relay.DEMONITOR -> ProcessImage.demonitor(kernel, pid, (Long) a);
            case Relay.UNLINK -> ProcessImage.unlink(kernel, pid, new Pid((Long) a));
            case Relay.WATCH -> {
                @SuppressWarnings("unchecked")
                CompletableFuture<ExitReason> f = (CompletableFuture<ExitReason>) a;
                ProcessImage.watch(kernel, pid, f);
            }
            case Relay.TIMER -> {
                @SuppressWarnings("unchecked")
                CompletableFuture<Object> ref = e.length > Relay.REF ? (CompletableFuture<Object>) e[Relay.REF] : null;
                kernel.pendingTimers().scheduleCarried(pid, a, (Long) b, ref);
            }
            case Relay.LATE -> late(pid, (Object[]) a);
            case Relay.ENDED -> messaging.kill(pid, (ExitReason) a);
            default -> { } // a kind of a later layout: nothing this revision can do with it
        }
    }

    /** A straggler's record: its placeholder takes it on its own turn. */
    private void late(Pid pid, Object[] r) {
        Proc p = kernel.table().get(pid);
        if (p == null) {
            // Its placeholder ended meanwhile (killed here): whoever waits on it is told.
            failFutures(r, new dev.molt.api.ProcessExitedException("process " + pid.id() + " ended before it arrived"
                    + " from the runtime before", ExitReason.NOPROC));
            return;
        }
        BehaviourLine line = p.line();
        long bundle = (Long) r[Image.P_BUNDLE];
        BehaviourVersion live = Image.isBound(bundle) ? liveVersion(line, (String) r[Image.P_VERSION], bundle) : null;
        if (Image.isBound(bundle) && live == null) {
            exportWithoutCode(r);
        }
        p.enqueueSystem(new SystemMessage.Migrate(new SystemMessage.MigrationTask() {
            @Override
            public void runOn(Proc q) {
                if (ProcessImage.merge(kernel, q, r, live)) {
                    coordinator.adoptWaiting(line, List.of(q), List.of((String) r[Image.P_VERSION]));
                }
            }
        }));
    }

    /** Fails a record's calls and tells its outside watches the process is gone. */
    private static void failFutures(Object[] r, RuntimeException why) {
        Object[] calls = (Object[]) r[Image.P_CALLS];
        if (calls != null) {
            for (Object f : calls) {
                if (f instanceof CompletableFuture<?> cf) {
                    cf.completeExceptionally(why);
                }
            }
        }
        Object[] watches = (Object[]) r[Image.P_WATCHES];
        if (watches != null) {
            for (Object f : watches) {
                if (f instanceof CompletableFuture<?> cf) {
                    @SuppressWarnings("unchecked")
                    CompletableFuture<Object> w = (CompletableFuture<Object>) cf;
                    w.complete(ExitReason.NOPROC);
                }
            }
        }
    }

    /** A placeholder's step: it shows the version it ran, and waits for its record. */
    private record Arriving(String exportedFrom) implements Proc.Migration {
        @Override
        public String heldReason() {
            return null;
        }

        @Override
        public boolean stateLost() {
            return false;
        }

        @Override
        public void ended() {
        }
    }
}
