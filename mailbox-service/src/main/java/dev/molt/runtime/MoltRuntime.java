package dev.molt.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.molt.api.Behaviour;
import dev.molt.api.BehaviourInfo;
import dev.molt.api.ExitReason;
import dev.molt.api.GroupMonitor;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.TimerRef;
import dev.molt.api.UnknownBehaviourException;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.CodeRegistry;
import dev.molt.runtime.groups.ProcessGroups;
import dev.molt.runtime.handover.AcrossApi;
import dev.molt.runtime.handover.HandOver;
import dev.molt.runtime.handover.Image;
import dev.molt.runtime.handover.Relay;
import dev.molt.runtime.handover.Snapshots;
import dev.molt.runtime.handover.TakeOver;
import dev.molt.runtime.neutral.ClassCache;
import dev.molt.runtime.observe.EventStream;
import dev.molt.runtime.observe.Insight;
import dev.molt.runtime.observe.ObserveSettings;
import dev.molt.runtime.observe.Observations;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.LocalNodeSeam;
import dev.molt.runtime.process.Messaging;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.process.ProcessTable;
import dev.molt.runtime.process.Spawner;
import dev.molt.runtime.upgrade.CodeHost;
import dev.molt.runtime.upgrade.UpgradeCoordinator;
import dev.molt.runtime.upgrade.UpgradeHistory;
import dev.molt.runtime.upgrade.UpgradeRecord;

/**
 * The runtime, without any framework: a thin facade that wires the parts and answers the
 * {@link ProcessRuntime} contract. Versions come and go through {@link #register} and
 * {@link #unregister}; the OSGi layer calls them from its service tracker, tests and benchmarks may
 * call them directly. Where the parts live:
 * <ul>
 * <li>{@code dispatch} — the dispatcher that runs turns on a few threads, and its watchdog;</li>
 * <li>{@code mailbox} — the queue and the status bits of one process;</li>
 * <li>{@code process} — the process cell, its system messages, watchers, spawning, messaging and
 * the process table;</li>
 * <li>{@code code} — behaviour versions, the processes of each, the registry;</li>
 * <li>{@code upgrade} — the coordinator, one process's move, records and history;</li>
 * <li>{@code neutral} — neutral data, and how a version's code sees classes;</li>
 * <li>{@code observe} — counters, timings, migration trails and events: what the runtime tells
 * about itself ({@link #insight}, {@link #events}).</li>
 * </ul>
 *
 * <p>Thread rule: everything public may be called from any thread.
 */
public class MoltRuntime implements ProcessRuntime {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    private final Kernel kernel;
    private final CodeRegistry registry;
    private final Spawner spawner;
    private final Messaging messaging;
    private final UpgradeHistory history;
    private final UpgradeCoordinator coordinator;
    private final Observations observations;
    private final Insight insight;
    private final ProcessGroups groups;
    private final LocalNodeSeam localNode;
    private final Snapshots snapshots;
    private volatile CodeHost host;
    private volatile boolean shutdown;
    /**
     * Set once this runtime has handed its processes to a newer revision: the facade then passes sends
     * and calls on through it, in order, and serves everything else through the newer revision's
     * facade ({@link #newerRevision}), for a caller still holding this service. Volatile: written by the
     * deactivating thread, read by any caller.
     */
    private volatile Relay replacedBy;
    /**
     * Completed with the newer revision's facade when it has taken this one's processes (see
     * {@link #newerRevision}); null for a hand-over across a process-api refresh, whose newer facade is no
     * type of this one's API. Written before {@link #replacedBy}, read after it: the volatile
     * write and read of replacedBy order it; volatile itself so that no reader depends on that.
     */
    private volatile CompletableFuture<Object> newerFacade;

    public MoltRuntime(RuntimeSettings settings) {
        this(settings, ObserveSettings.defaults());
    }

    public MoltRuntime(RuntimeSettings settings, ObserveSettings observe) {
        this.kernel = new Kernel(settings);
        this.registry = new CodeRegistry(kernel);
        this.spawner = new Spawner(kernel);
        this.messaging = new Messaging(kernel);
        this.history = new UpgradeHistory(settings.historySize());
        this.host = CodeHost.none(this::unregister);
        this.observations = new Observations(kernel, observe);
        this.insight = new Insight(registry, kernel, observations, history, this::retry);
        this.coordinator = new UpgradeCoordinator(registry, kernel, history, () -> host, observations);
        this.groups = new ProcessGroups(pid -> {
            Proc p = kernel.table().get(pid);
            return p != null && !p.isExited();
        }, messaging::send, ProcessTable::notAlive);
        kernel.runtime(this);
        // A process that ends counts toward a canary's abort, is counted and announced, and leaves
        // its groups before its monitors are told (the observer runs between the two).
        kernel.exitObserver((p, version, reason) -> {
            coordinator.exited(p, version, reason);
            observations.exited(p, version, reason);
            groups.exited(p.pid());
        });
        this.localNode = new LocalNodeSeam(kernel);
        this.snapshots = new Snapshots(kernel);
    }

    // ---- a cluster ---------------------------------------------------------------------

    /** A cluster bundle's router: remote pids go there from now on (local ones never do). */
    public void attachRouter(RemoteRouter router) {
        RemoteRouter before = kernel.router();
        kernel.router(router);
        if (before != null && before != router) {
            before.detach(localNode);
        }
        router.attach(localNode);
    }

    /** The router goes (if it is still the one in use): remote pids are unreachable until another comes. */
    public void detachRouter(RemoteRouter router) {
        if (kernel.router() == router) {
            kernel.router(null);
            router.detach(localNode);
        }
    }

    /** Metrics and details of this runtime (the {@code RuntimeInsight} service). */
    public Insight insight() {
        return insight;
    }

    /** The runtime's events: subscribe a sink (the EventAdmin bridge) to get them. */
    public EventStream events() {
        return observations.events();
    }

    /** Applies new observation settings (sampling, per-process latency, process events) at once. */
    public void observe(ObserveSettings next) {
        observations.apply(next);
    }

    public ObserveSettings observeSettings() {
        return observations.settings();
    }

    /** Where code comes from: the OSGi layer sets itself here. */
    public void host(CodeHost h) {
        this.host = h;
    }

    /** Applies new settings: throughput and timeouts at once; a new worker count gets a new dispatcher. */
    public void reconfigure(RuntimeSettings next) {
        kernel.reconfigure(next);
        history.limit(next.historySize());
    }

    public RuntimeSettings settings() {
        return kernel.settings();
    }

    /** The dispatcher's permits, threads and counts, for diagnostics. */
    public String dispatcherState() {
        return kernel.dispatcher().toString();
    }

    // ---- versions of behaviours ---------------------------------------------------------

    /**
     * Makes {@code version} of behaviour {@code name} available. If it serves (the newest),
     * processes waiting for code (suspended, or held by an earlier failed import) import into it.
     *
     * @throws dev.molt.api.InvalidNameException if the name breaks the naming rule
     */
    public BehaviourVersion register(String name, String version, Behaviour<?> code, BehaviourVersion.Source source) {
        BehaviourVersion v = registry.add(name, version, code, source);
        kernel.noteLoader(code.getClass().getClassLoader(), version);
        observations.registered(v); // told before the processes that wait for it move, as it happens
        coordinator.registered(v);
        return v;
    }

    /** As {@link #register(String, String, Behaviour, BehaviourVersion.Source)}, from no bundle. */
    public BehaviourVersion register(String name, String version, Behaviour<?> code) {
        return register(name, version, code, BehaviourVersion.Source.NONE);
    }

    /**
     * Withdraws a version while its code is still loaded: every process of it exports at its next
     * boundary, then moves to the version that serves now, or waits for the next (see
     * {@link UpgradeCoordinator}).
     */
    public void unregister(BehaviourVersion v) {
        if (replacedBy != null) {
            return; // handed over: the newer revision has the processes, this one moves nothing
        }
        if (!v.isWithdrawn()) {
            observations.withdrawn(v);
            coordinator.withdrawn(v);
        }
    }

    // ---- processes ---------------------------------------------------------------------

    private void checkOpen() {
        if (replacedBy != null) {
            throw replaced();
        }
        if (shutdown) {
            throw Spawner.shutDown();
        }
    }

    /** How long a caller of a handed-over facade waits for the newer revision to take the processes. */
    private static final long NEWER_REVISION_WAIT_SECONDS = 30;

    /**
     * The newer revision's facade, once this one was handed over; null while this one runs its
     * processes. A caller still holding this service is served by the newer revision from then on
     * (sends and calls go through the relay instead, to stay in order with what the image holds).
     * Waits for the newer revision to take the processes: a call made between the two revisions is
     * answered, not refused.
     */
    private ProcessRuntime newerRevision() {
        if (replacedBy == null) {
            return null;
        }
        CompletableFuture<Object> s = newerFacade;
        if (s == null) {
            throw replaced(); // across a process-api refresh: the newer revision's objects are other classes
        }
        try {
            if (s.get(NEWER_REVISION_WAIT_SECONDS, TimeUnit.SECONDS) instanceof ProcessRuntime next) {
                return next;
            }
            throw replaced();
        } catch (ExecutionException e) {
            throw new ProcessException("this revision of the Molt runtime was handed over, and " + e.getCause().getMessage());
        } catch (java.util.concurrent.CancellationException e) {
            throw new ProcessException("this revision of the Molt runtime was handed over, and " + e.getMessage());
        } catch (TimeoutException e) {
            throw new ProcessException("this revision of the Molt runtime was handed over, and no newer revision took its"
                    + " processes within " + NEWER_REVISION_WAIT_SECONDS + " s; see the log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while waiting for the newer revision of the Molt runtime");
        }
    }

    /**
     * The newer revision's facade if it has taken this one's processes already, else null (no wait).
     * From then on a send or call goes to it straight: whatever this revision's relay passed before
     * was queued there when it passed (the relay's sink is synchronous once attached, and what it kept
     * before was queued at the attach, before the future completed), so one sender's order holds, and
     * a process spawned after a second hand-over is found where it lives.
     */
    private ProcessRuntime newerIfTaken() {
        CompletableFuture<Object> s = newerFacade;
        if (s == null || !s.isDone() || s.isCompletedExceptionally()) {
            return null;
        }
        return s.getNow(null) instanceof ProcessRuntime next ? next : null;
    }

    private static ProcessException replaced() {
        return new ProcessException("this revision of the Molt runtime was replaced by a newer one (its bundle was"
                + " updated); get the ProcessRuntime service again");
    }

    @Override
    public Pid spawn(String behaviour, String name, Object argument) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.spawn(behaviour, name, argument);
        }
        checkOpen();
        return spawned(spawner.spawn(registry.existing(behaviour), name, argument), name);
    }

    @Override
    public Pid spawnLinked(Pid linkTo, String behaviour, String name, Object argument) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.spawnLinked(linkTo, behaviour, name, argument);
        }
        checkOpen();
        if (linkTo == null) {
            throw new NoSuchProcessException("no process to link to was given; use spawn for an unlinked process");
        }
        return spawned(spawner.spawn(registry.existing(behaviour), name, argument, linkTo), name);
    }

    /** Tells the observations of a new process; returns its pid. */
    private Pid spawned(Pid pid, String name) {
        if (name != null || observations.settings().processEvents() > 0) {
            Proc p = kernel.table().get(pid); // a name may be a restart; process events may be on
            if (p != null) {
                observations.spawned(p);
            }
        }
        return pid;
    }

    @Override
    public void send(Pid to, Object message) {
        Relay r = replacedBy;
        ProcessRuntime newer = r == null ? null : newerIfTaken();
        if (newer != null) {
            newer.send(to, message);
            return;
        }
        if (r != null && to != null && to.isLocal() && message != null) {
            r.send(to, message); // after anything this sender queued here before: the newer revision has the process
            return;
        }
        messaging.send(to, message);
    }

    @Override
    public void send(String name, Object message) {
        send(resolve(name), message);
    }

    @Override
    public Object call(Pid to, Object message, Duration timeout) {
        Relay r = replacedBy;
        ProcessRuntime newer = r == null ? null : newerIfTaken();
        if (newer != null) {
            return newer.call(to, message, timeout);
        }
        if (r != null && to != null && to.isLocal() && message != null) {
            CompletableFuture<Object> reply = new CompletableFuture<>();
            r.call(to, message, reply);
            try {
                return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new ProcessException("call failed: " + e.getCause());
            } catch (TimeoutException e) {
                reply.completeExceptionally(e);
                throw new dev.molt.api.CallTimeoutException("no reply from process " + to.id() + " within "
                        + timeout.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProcessException("interrupted while calling process " + to.id());
            }
        }
        return messaging.call(to, message, timeout);
    }

    @Override
    public CompletionStage<Object> callAsync(Pid to, Object message, Duration timeout) {
        Relay r = replacedBy;
        ProcessRuntime newer = r == null ? null : newerIfTaken();
        if (newer != null) {
            return newer.callAsync(to, message, timeout);
        }
        if (r != null && to != null && to.isLocal() && message != null) {
            // This revision's timers are gone: the JDK's delayer bounds the wait.
            CompletableFuture<Object> reply = new CompletableFuture<>();
            r.call(to, message, reply);
            return reply.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).minimalCompletionStage();
        }
        return messaging.callAsync(to, message, timeout);
    }

    @Override
    public TimerRef sendAfter(Pid to, Object message, Duration delay) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.sendAfter(to, message, delay);
        }
        checkOpen();
        return messaging.sendAfter(to, message, delay);
    }

    @Override
    public Optional<Pid> whereis(String name) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.whereis(name);
        }
        checkOpen();
        return kernel.table().named(name).map(Proc::pid);
    }

    @Override
    public Pid resolve(String pidOrName) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.resolve(pidOrName);
        }
        if (pidOrName == null || pidOrName.isBlank()) {
            throw new NoSuchProcessException("no process given: name a pid (a number such as 3) or a registered name");
        }
        String t = pidOrName.strip();
        if (t.startsWith("<") || Character.isDigit(t.charAt(0)) || t.startsWith("-")) {
            Pid pid;
            try {
                pid = Pid.parse(t);
            } catch (IllegalArgumentException e) {
                throw new NoSuchProcessException(e.getMessage());
            }
            if (!pid.isLocal()) {
                RemoteRouter r = kernel.router();
                if (r == null) {
                    throw new NoSuchProcessException(t + " names a process on node " + pid.node() + ", but this runtime is"
                            + " in no cluster; install the cluster bundle and configure it (PID dev.molt.cluster)");
                }
                return r.complete(pid);
            }
            return kernel.table().existing(pid).pid();
        }
        RemoteRouter r = kernel.router();
        return whereis(t).or(() -> r == null ? Optional.empty() : r.whereisGlobal(t))
                .orElseThrow(() -> new NoSuchProcessException("no live process is named '" + t
                        + "'; list live processes with proc:ps" + (r == null ? "" : " (and proc:ps --all)")));
    }

    @Override
    public CompletionStage<ExitReason> watch(Pid pid) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.watch(pid);
        }
        checkOpen();
        return messaging.watch(pid);
    }

    @Override
    public boolean stop(Pid pid) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.stop(pid);
        }
        checkOpen();
        return messaging.stop(pid, ExitReason.SHUTDOWN);
    }

    @Override
    public boolean kill(Pid pid, String reason) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.kill(pid, reason);
        }
        checkOpen();
        return messaging.kill(pid, ExitReason.killed(reason));
    }

    @Override
    public List<ProcessInfo> processes() {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.processes();
        }
        checkOpen();
        List<ProcessInfo> out = new ArrayList<>(kernel.table().size());
        for (Proc p : kernel.table().all()) {
            out.add(p.snapshot());
        }
        out.sort(Comparator.comparing(ProcessInfo::pid));
        return out;
    }

    @Override
    public Optional<ProcessInfo> info(Pid pid) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.info(pid);
        }
        checkOpen();
        Proc p = kernel.table().get(pid);
        return p == null ? Optional.empty() : Optional.of(p.snapshot());
    }

    @Override
    public CompletionStage<Object> state(Pid pid) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.state(pid);
        }
        checkOpen();
        return messaging.state(pid);
    }

    @Override
    public List<BehaviourInfo> behaviours() {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.behaviours();
        }
        checkOpen();
        List<BehaviourInfo> out = new ArrayList<>();
        for (BehaviourLine line : registry.lines()) {
            BehaviourVersion serving = line.serving();
            List<String> versions = new ArrayList<>();
            List<BehaviourInfo.VersionInfo> details = new ArrayList<>();
            int total = 0;
            for (BehaviourVersion v : line.versions()) {
                int n = v.members().size();
                total += n;
                versions.add(v.version());
                details.add(new BehaviourInfo.VersionInfo(v.version(), v.bundleId(), v.bundleLabel(), n, v == serving,
                        !line.sameVersionAs(v).isEmpty()));
            }
            int waiting = line.waiting().size();
            if (waiting > 0) {
                total += waiting;
                details.add(new BehaviourInfo.VersionInfo("waiting", -1, null, waiting, false, false));
            }
            out.add(new BehaviourInfo(line.name(), serving == null ? null : serving.version(), versions,
                    serving == null ? -1 : serving.bundleId(), total, details));
        }
        out.sort(Comparator.comparing(BehaviourInfo::name));
        return out;
    }

    @Override
    public List<UpgradeReport> upgradeHistory() {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.upgradeHistory();
        }
        return history.reports();
    }

    // ---- process groups ----------------------------------------------------------------

    @Override
    public void join(String group, Pid pid) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            newer.join(group, pid);
            return;
        }
        checkOpen();
        groups.join(group, pid);
    }

    @Override
    public boolean leave(String group, Pid pid) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.leave(group, pid);
        }
        return groups.leave(group, pid);
    }

    @Override
    public List<Pid> members(String group) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.members(group);
        }
        return groups.members(group);
    }

    @Override
    public List<String> groups() {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.groups();
        }
        return groups.groups();
    }

    @Override
    public GroupMonitor monitorGroup(String group, Pid watcher) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.monitorGroup(group, watcher);
        }
        checkOpen();
        return groups.monitor(group, watcher);
    }

    @Override
    public boolean demonitorGroup(GroupMonitor.Ref ref) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.demonitorGroup(ref);
        }
        return groups.demonitor(ref);
    }

    // ---- upgrades ----------------------------------------------------------------------

    /** Asks a held process to import its kept state again into the version that serves now (see {@code RuntimeInsight.retry}). */
    public void retry(Pid pid) {
        checkOpen();
        coordinator.retry(kernel.table().existing(pid));
    }

    @Override
    public UpgradeReport upgrade(String behaviour, String location) {
        return upgrade(behaviour, location, UpgradeOptions.atomic());
    }

    @Override
    public UpgradeReport upgrade(String behaviour, String location, UpgradeOptions options) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.upgrade(behaviour, location, options);
        }
        checkOpen();
        BehaviourVersion current = findServing(behaviour);
        CodeHost h = host;
        CodeHost.Jar jar = h.read(location);
        try {
            String bsn = h.symbolicName(current);
            if (bsn != null && !bsn.equals(jar.symbolicName())) {
                throw new ProcessException(location + " is bundle " + jar.symbolicName() + ", not " + bsn + " which provides "
                        + current.name() + "; give a jar of the same bundle");
            }
            CodeHost.Declared declared = declared(jar, current.name());
            coordinator.checkPath(current.line(), jar.version(), declared == null ? null : declared.importsFrom());
            if (options.mode() == UpgradeMode.ATOMIC) {
                return atomically(current, jar.version(), () -> h.update(current, jar));
            }
            return beside(current, jar, options);
        } finally {
            h.discard(jar);
        }
    }

    private static CodeHost.Declared declared(CodeHost.Jar jar, String behaviour) {
        if (jar.behaviours().isEmpty()) {
            return null; // built without the capability (an older bnd, or written by hand): nothing to check
        }
        for (CodeHost.Declared d : jar.behaviours()) {
            if (d.name().equals(behaviour)) {
                return d;
            }
        }
        List<String> names = jar.behaviours().stream().map(CodeHost.Declared::name).toList();
        throw new ProcessException(jar.location() + " provides " + names + ", not " + behaviour
                + "; give a jar of " + behaviour);
    }

    /** Rolling or canary: installs the jar beside the running bundle, then moves processes over. */
    private UpgradeReport beside(BehaviourVersion current, CodeHost.Jar jar, UpgradeOptions options) {
        BehaviourLine line = current.line();
        if (jar.version().equals(current.version())) {
            throw new ProcessException(current + " is running already; a " + options.mode().name().toLowerCase()
                    + " upgrade needs another version (reload it with plain proc:upgrade)");
        }
        if (line.find(jar.version()) != null) {
            throw new ProcessException(line.name() + " " + jar.version() + " is registered already; upgrade to another version");
        }
        coordinator.requireNoneUnderWay(line);
        CodeHost h = host;
        // A canary's version must not serve, not even between its registration and the canary's start:
        // spawns would get it, and rollback would take it for the version that ran before.
        boolean pinned = options.mode() == UpgradeMode.CANARY && coordinator.inProgress(line).isEmpty();
        if (pinned) {
            line.pin(current);
        }
        boolean pinHeld = false; // by the upgrade that runs (this one, or another under way)
        try {
            h.installBeside(current, jar);
            BehaviourVersion to;
            try {
                to = line.awaitRegistered(jar.version(), System.nanoTime() + h.registrationTimeout().toNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProcessException("interrupted while waiting for " + line.name() + " " + jar.version() + " to register");
            }
            if (to == null) {
                throw new ProcessException(jar.location() + " was installed beside " + current + ", but its behaviour did"
                        + " not register in time; check the bundle's log (is its component satisfied?)");
            }
            UpgradeReport r;
            try {
                r = coordinator.roll(current, to, options).report();
            } catch (RuntimeException e) {
                // Under way now: another upgrade that began between the check above and this one (the
                // deploy folder and proc:upgrade at once), or this canary, stopped at its stage. A
                // canary, either, holds the line's pin from here on; a rolling upgrade needs none.
                Optional<UpgradeReport> underWay = coordinator.inProgress(line);
                pinHeld = underWay.map(u -> u.mode() == UpgradeMode.CANARY).orElse(false);
                boolean ownCanary = underWay.map(u -> u.mode() == UpgradeMode.CANARY && to.version().equals(u.toVersion()))
                        .orElse(false);
                if (e instanceof ProcessException && underWay.isPresent() && to.members().size() == 0 && !ownCanary) {
                    h.retire(to); // refused for the other one: the bundle just installed goes again, unused
                }
                throw e;
            }
            pinHeld = true;
            return r;
        } finally {
            if (pinned && !pinHeld) {
                line.unpin();
            }
        }
    }

    /** Moves {@code from}'s processes to {@code to}, both registered here (without a framework: tests, benchmarks). */
    public UpgradeReport roll(String behaviour, String fromVersion, String toVersion, UpgradeOptions options) {
        BehaviourLine line = registry.existing(behaviour);
        BehaviourVersion from = line.find(fromVersion);
        BehaviourVersion to = line.find(toVersion);
        if (from == null || to == null) {
            throw new UnknownBehaviourException(behaviour + " has no registered version " + (from == null ? fromVersion : toVersion)
                    + "; registered: " + line.versions());
        }
        return coordinator.roll(from, to, options).report();
    }

    @Override
    public UpgradeReport promote(String behaviour) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.promote(behaviour);
        }
        return coordinator.promote(registry.existing(behaviour)).report();
    }

    @Override
    public UpgradeReport abort(String behaviour) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.abort(behaviour);
        }
        return coordinator.abort(registry.existing(behaviour), "aborted by an operator").report();
    }

    @Override
    public Optional<UpgradeReport> inProgress(String behaviour) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.inProgress(behaviour);
        }
        BehaviourLine line = registry.line(behaviour);
        return line == null ? Optional.empty() : coordinator.inProgress(line);
    }

    @Override
    public UpgradeReport rollback(String behaviour) {
        ProcessRuntime newer = newerRevision();
        if (newer != null) {
            return newer.rollback(behaviour);
        }
        BehaviourLine line = registry.existing(behaviour);
        BehaviourVersion current = line.serving();
        if (current == null) {
            throw new UnknownBehaviourException("behaviour '" + behaviour + "' has no version running to roll back from;"
                    + " start its bundle first");
        }
        String previous = line.previouslyServed();
        if (previous == null) {
            throw new UnknownBehaviourException("behaviour '" + behaviour + "' has no earlier version to roll back to"
                    + " (only " + current.version() + " has run)");
        }
        return atomically(current, previous, () -> host.rollback(current, previous));
    }

    /**
     * Runs a framework change that withdraws {@code current} and registers {@code toVersion}, and
     * waits for its report.
     */
    private UpgradeReport atomically(BehaviourVersion current, String toVersion, Runnable change) {
        BehaviourLine line = current.line();
        long before = coordinator.recordCount(line);
        change.run();
        long deadline = System.nanoTime() + settings().upgradeTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(10);
        try {
            if (coordinator.recordCount(line) == before) {
                // The withdrawal (synchronous in the change) made no record: no process ran the old
                // version and another serves meanwhile. Nothing moves; the report says so.
                BehaviourVersion to = line.awaitRegistered(toVersion, deadline);
                if (to != null && coordinator.recordCount(line) == before) {
                    return coordinator.nothingToMove(line, current.version(), to.version()).report();
                }
            }
            UpgradeRecord r = coordinator.awaitRecordAfter(line, before, deadline);
            if (r == null || !r.awaitSettled(deadline)) {
                throw new ProcessException("the bundle of '" + line.name() + "' was updated but no new version took its"
                        + " processes in time; check the bundle's log (is its component satisfied?)");
            }
            return r.report();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessException("interrupted while waiting for the upgrade of " + line.name());
        }
    }

    private BehaviourVersion findServing(String behaviourOrBundle) {
        if (behaviourOrBundle == null || behaviourOrBundle.isBlank()) {
            throw new UnknownBehaviourException("no behaviour given: name a behaviour or a bundle id");
        }
        String key = behaviourOrBundle.strip();
        BehaviourLine line = registry.line(key);
        if (line != null && line.serving() != null) {
            return line.serving();
        }
        if (key.chars().allMatch(Character::isDigit)) {
            long id = Long.parseLong(key);
            for (BehaviourLine l : registry.lines()) {
                BehaviourVersion s = l.serving();
                if (s != null && s.bundleId() == id) {
                    return s;
                }
            }
            throw new UnknownBehaviourException("bundle " + id + " provides no running behaviour; see proc:ps or lb");
        }
        throw new UnknownBehaviourException("no running behaviour '" + key + "'; known: " + registry.known());
    }

    // ---- a runtime hand-over and a restore ---------------------------------------------

    /**
     * Hands every process to a newer revision of the runtime (see the handover package): each exports
     * itself at its next boundary; the returned image (live form) has them, their timers, groups,
     * rollback history and upgrade history. From then on this facade only passes messages on; its
     * threads end once no process runs here (at once, or when the last straggler's handler returns).
     *
     * @param graceNanos how long to wait for handlers to return before their processes follow late
     */
    public Map<String, Object> handOver(String api, String runtimeVersion, long graceNanos) {
        return handOver(api, runtimeVersion, graceNanos, true);
    }

    /** @param sameApi whether the newer revision sees this one's API classes (then it serves this facade's callers) */
    private Map<String, Object> handOver(String api, String runtimeVersion, long graceNanos, boolean sameApi) {
        Map<String, Object> image = HandOver.newImage(Image.FORM_LIVE, api, runtimeVersion, 0, 0);
        image.put(Image.K_API_CLASS, Pid.class);
        if (sameApi) {
            CompletableFuture<Object> next = new CompletableFuture<>();
            image.put(Image.K_SUCCESSOR, next);
            newerFacade = next;
        }
        HandOver h = new HandOver(kernel, this::stopThreads);
        h.run(image, graceNanos);
        replacedBy = h.relay(); // spawns went on until the image was made (a supervisor's restart); no more now
        image.put(Image.K_LAST_PID, kernel.table().lastPid());
        image.put(Image.K_LAST_REF, kernel.lastRef());
        putTables(image);
        image.put(Image.K_HISTORY, history.reports());
        handOverStarted = h.firstExportNanos();
        return image;
    }

    /**
     * A neutral snapshot of every process (see {@link Snapshots}): each writes itself at its own
     * boundary while the others run on; with {@code freeze} (a framework stop) each handles nothing
     * after. Timers are in it with the time they have left, and groups and rollback's history.
     */
    public Map<String, Object> snapshot(String api, String runtimeVersion, boolean freeze) {
        Map<String, Object> image = HandOver.newImage(Image.FORM_NEUTRAL, api, runtimeVersion, 0, 0);
        // At a stop the timers are taken (cancelled) before the processes are written: one that fired
        // meanwhile would be in neither. A periodic snapshot leaves them running.
        List<Object[]> pending = freeze ? kernel.pendingTimers().takeAll(false) : kernel.pendingTimers().peekAll();
        image.put(Image.K_PROCESSES, snapshots.take(settings().upgradeTimeout().toNanos(), freeze));
        List<Object[]> timers = new ArrayList<>();
        java.util.function.Predicate<Class<?>> exportable = dev.molt.runtime.neutral.Neutral.exportable(kernel.apiLoader());
        for (Object[] t : pending) {
            Pid to = (Pid) t[0];
            if (to.isLocal()) {
                Object message;
                try {
                    message = dev.molt.runtime.neutral.Neutral.toNeutral(t[1], exportable);
                } catch (RuntimeException e) {
                    continue; // no neutral form
                }
                timers.add(new Object[] {to.id(), message, t[2]});
            }
        }
        image.put(Image.K_TIMERS, timers);
        image.put(Image.K_LAST_PID, kernel.table().lastPid());
        image.put(Image.K_LAST_REF, kernel.lastRef());
        putTables(image);
        return image;
    }

    /**
     * A framework stop with durability on: the final snapshot (each process written at its boundary,
     * handling nothing after), then every process ends without {@code terminate} (it goes on after the
     * restart), its pending calls failed and its watchers told {@code shutdown}; then the threads.
     */
    public Map<String, Object> stopDurably(String api, String runtimeVersion) {
        Map<String, Object> image = snapshot(api, runtimeVersion, true);
        shutdown = true;
        endEveryProcess(false, "the stop");
        stopThreads();
        return image;
    }

    /**
     * A hand-over across a refresh of process-api (see {@link AcrossApi}): every version is withdrawn
     * first, so that each process exports its state with its code while that is still loaded; then
     * the hand-over runs as usual, and its image crosses as neutral bytes.
     */
    public Map<String, Object> handOverAcrossApi(String api, String runtimeVersion, long graceNanos) {
        for (BehaviourLine line : registry.lines()) {
            for (BehaviourVersion v : line.versions()) {
                unregister(v);
            }
        }
        return AcrossApi.portable(handOver(api, runtimeVersion, graceNanos, false));
    }

    /** When this runtime's first process exported for a hand-over (System.nanoTime), or 0. */
    private volatile long handOverStarted;

    public long handOverStarted() {
        return handOverStarted;
    }

    /** Groups and rollback's history, into an image. */
    private void putTables(Map<String, Object> image) {
        Map<String, Object> g = new java.util.LinkedHashMap<>();
        List<Object[]> gm = new ArrayList<>();
        groups.exportTo(g, gm);
        image.put(Image.K_GROUPS, g);
        image.put(Image.K_GROUP_MONITORS, gm);
        Map<String, List<String>> served = new java.util.LinkedHashMap<>();
        for (BehaviourLine line : registry.lines()) {
            served.put(line.name(), line.servedVersions());
        }
        image.put(Image.K_SERVED, served);
    }

    private void stopThreads() {
        coordinator.shutdown();
        observations.close();
        kernel.dispatcher().shutdown();
        kernel.timers().shutdownNow();
        ClassCache.clearAll(); // nothing of this revision may stay in the classes that outlive it
    }

    /**
     * Takes the processes of {@code image} (a hand-over's, or a snapshot's): before this runtime is
     * offered as a service, after its behaviours' versions registered.
     *
     * @param handOver a hand-over (counted as one by each process) rather than a restore
     */
    public TakeOver.Outcome takeOver(Map<String, Object> image, boolean handOver) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Object> older = image.get(Image.K_SUCCESSOR) instanceof CompletableFuture<?> f
                ? (CompletableFuture<Object>) f : null;
        try {
            TakeOver.Outcome o = new TakeOver(kernel, registry, coordinator, groups, history, messaging).run(image, handOver);
            if (older != null) {
                older.complete(this); // the older facade's callers are served here from now on
            }
            return o;
        } catch (RuntimeException | Error e) {
            if (older != null) {
                older.completeExceptionally(new IllegalStateException("the newer revision failed to take its processes: " + e));
            }
            throw e;
        }
    }

    // ---- life --------------------------------------------------------------------------

    /**
     * Ends every process with reason {@code shutdown} and waits up to 5 s for them all: stopped
     * ({@code terminate} runs where code is bound) or, without {@code terminate}, killed.
     */
    private void endEveryProcess(boolean terminate, String what) {
        List<CompletableFuture<?>> exits = new ArrayList<>();
        for (Proc p : kernel.table().snapshot()) {
            exits.add(messaging.watch(p.pid()).toCompletableFuture());
            if (terminate) {
                messaging.stop(p.pid(), ExitReason.SHUTDOWN);
            } else {
                messaging.kill(p.pid(), ExitReason.SHUTDOWN);
            }
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "some processes had not ended 5 s after " + what + " began");
        }
    }

    /** Stops every process (terminate runs where code is bound), then the threads. */
    public void shutdown() {
        shutdown = true;
        endEveryProcess(true, "shutdown");
        coordinator.shutdown();
        observations.close();
        kernel.dispatcher().shutdown();
        kernel.timers().shutdownNow();
        ClassCache.clearAll();
        try {
            kernel.dispatcher().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
