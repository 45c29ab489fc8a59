package dev.molt.runtime.core;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import dev.molt.api.Behaviour;
import dev.molt.api.BehaviourInfo;
import dev.molt.api.CallTimeoutException;
import dev.molt.api.DuplicateNameException;
import dev.molt.api.ExitReason;
import dev.molt.api.InvalidNameException;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.SpawnException;
import dev.molt.api.TimerRef;
import dev.molt.api.UnknownBehaviourException;
import dev.molt.api.UpgradeReport;

/**
 * The runtime, without any framework: it owns processes, names, mailboxes, the worker pool and
 * the timers, and moves processes between versions of their behaviour. Versions come and go
 * through {@link #register} and {@link #unregister}; the OSGi layer calls them from its service
 * tracker, tests and benchmarks may call them directly.
 *
 * <p>Thread rule: everything public may be called from any thread. {@link #register} and
 * {@link #unregister} run the migration on the calling thread and return when it is done (or,
 * for a handler that overran the upgrade timeout, when that process was reported held).
 */
public class MoltRuntime implements ProcessRuntime {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_.\\-]*");

    private final ConcurrentHashMap<Pid, Proc> procs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Proc> names = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong refs = new AtomicLong();
    /** Loaders of withdrawn versions, to spot stale messages (weak: they must be collectable). */
    private final Map<ClassLoader, String> retired = new WeakHashMap<>();
    /**
     * The published upgrades, oldest first; their reports are made when the history is read.
     * Guarded by itself; waiters on it are woken when an upgrade is added.
     */
    private final Deque<Upgrade> history = new ArrayDeque<>();
    private final ScheduledThreadPoolExecutor timers;
    /** Replaced on reconfiguration; volatile so that schedulers see the new pool. */
    private volatile WorkerPool pool;
    /** Replaced on reconfiguration; volatile for the same reason. */
    private volatile RuntimeSettings settings;
    private volatile boolean shutdown;

    public MoltRuntime(RuntimeSettings settings) {
        this.settings = settings;
        this.pool = newPool(settings.workers());
        ClassLoader own = MoltRuntime.class.getClassLoader();
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "molt-timer");
            t.setDaemon(true);
            t.setContextClassLoader(own); // as for the workers
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
    }

    private static WorkerPool newPool(int workers) {
        return new WorkerPool(workers);
    }

    /** Applies new settings: throughput and timeout at once; a new worker count gets a new pool. */
    public void reconfigure(RuntimeSettings next) {
        RuntimeSettings prev = settings;
        settings = next;
        if (next.workers() != prev.workers()) {
            WorkerPool old = pool;
            pool = newPool(next.workers());
            old.shutdown(); // what is queued there still runs
        }
        synchronized (history) {
            while (history.size() > next.historySize()) {
                history.removeFirst();
            }
        }
    }

    public RuntimeSettings settings() {
        return settings;
    }

    WorkerPool pool() {
        return pool;
    }

    int throughput() {
        return settings.throughput();
    }

    long nextRef() {
        return refs.incrementAndGet();
    }

    Proc lookup(Pid pid) {
        return pid == null ? null : procs.get(pid);
    }

    NoSuchProcessException noProc(Pid pid) {
        return new NoSuchProcessException("process " + pid + " is not alive; list live processes with proc:ps");
    }

    // ---- versions of behaviours ---------------------------------------------------------

    /**
     * Makes {@code version} of behaviour {@code name} available. If it is the newest, new
     * processes get it, and processes waiting for code (suspended, or held by an earlier failed
     * import) import their state into it now, on this thread.
     *
     * @param token kept for the host (the OSGi layer keeps the ServiceReference)
     * @throws InvalidNameException if the name is not a valid behaviour name
     */
    public Binding register(String name, String version, Behaviour<?> code, Object token) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidNameException("'" + name + "' is not a behaviour name: start with a letter or '_', then letters, digits, '.', '-', '_'");
        }
        Slot slot = slots.computeIfAbsent(name, n -> new Slot(n, this));
        slot.lock.writeLock().lock();
        try {
            Binding b = new Binding(slot, version, code, token);
            slot.add(b);
            if (slot.active == b) {
                try {
                    adopt(slot, b, true);
                } catch (RuntimeException e) {
                    // The version is registered either way; never leave it half known to the caller.
                    LOG.log(System.Logger.Level.ERROR, "adopting processes of " + name + " into " + version + " failed", e);
                }
            }
            return b;
        } finally {
            slot.lock.writeLock().unlock();
        }
    }

    /** As {@link #register(String, String, Behaviour, Object)} without a token. */
    public Binding register(String name, String version, Behaviour<?> code) {
        return register(name, version, code, null);
    }

    /**
     * Withdraws a version, while its code is still loaded: every process bound to it is
     * suspended at its next message boundary and exports its state (and converts queued
     * messages of its classes); then the runtime lets go of the code. If another version is
     * registered, the processes move to it at once; otherwise they wait, queueing messages.
     */
    public void unregister(Binding b) {
        Slot slot = b.slot;
        slot.lock.writeLock().lock();
        try {
            boolean wasActive = slot.active == b;
            slot.remove(b);
            ClassLoader loader = b.loader();
            if (loader != null) {
                synchronized (retired) {
                    retired.put(loader, b.version);
                }
            }
            List<Proc> bound = new ArrayList<>();
            for (Proc p : procs.values()) {
                if (p.binding == b) {
                    bound.add(p);
                }
            }
            boolean stuck = false;
            if (!bound.isEmpty() || wasActive) {
                // Even with no process, the next version's arrival makes a report (0 migrated):
                // someone may be waiting for it (proc:upgrade).
                Upgrade u = slot.pending != null ? slot.pending : new Upgrade(slot.name, b.version);
                slot.pending = u;
                if (!bound.isEmpty()) {
                    stuck = suspendAll(bound, b, u);
                }
            }
            if (!stuck) {
                // Nothing will call this version again: let go of it. (A stuck handler still
                // needs it to export when it returns; its process drops it then.)
                b.code = null;
            }
            b.token = null;
            if (slot.active != null && slot.pending != null) {
                adopt(slot, slot.active, true);
            }
        } finally {
            slot.lock.writeLock().unlock();
        }
    }

    /** Under the slot's write lock; true if some process overran the timeout. */
    private boolean suspendAll(List<Proc> bound, Binding from, Upgrade u) {
        CountDownLatch latch = new CountDownLatch(bound.size());
        List<Proc> posted = new ArrayList<>();
        for (Proc p : bound) {
            p.markPending();
            if (p.tryAcquire()) {
                try {
                    if (p.binding == from && !p.isExited()) {
                        p.exportFor(from, u);
                    }
                } catch (RuntimeException e) {
                    // exportFor keeps every message and holds the process on a callback's error;
                    // this is the runtime's own failure: log it, never into the framework's thread.
                    LOG.log(System.Logger.Level.ERROR, "suspending " + p + " failed in the runtime", e);
                } finally {
                    latch.countDown();
                    p.release();
                }
            } else {
                posted.add(p);
                p.enqueueSystem(new SystemMessage.Suspend(from, u, latch));
            }
        }
        if (posted.isEmpty()) {
            return false;
        }
        long timeout = settings.upgradeTimeout().toMillis();
        boolean stuck = false;
        if (!await(latch, timeout)) {
            for (Proc p : posted) {
                stuck |= p.stuck(u, timeout);
            }
        }
        return stuck;
    }

    /**
     * Under the slot's write lock: {@code to} takes every process of the slot waiting for code.
     * Imports happen only here, under the lock, so a version can never be withdrawn while a
     * process is importing into it. A waiting process is suspended, so whoever owns it is doing
     * short system work; we wait for it (bounded), and leave any still busy to a later adopt.
     *
     * @param report publish an upgrade report (false for a late adopt of stragglers)
     */
    private void adopt(Slot slot, Binding to, boolean report) {
        adopt(slot, to, report, System.nanoTime() + Math.min(settings.upgradeTimeout().toNanos(), ADOPT_WAIT_NANOS));
    }

    /**
     * How long an adopt waits for the owner of one suspended process (doing short system work)
     * before it leaves the process to a late adopt. Short: the slot's write lock is held meanwhile.
     */
    private static final long ADOPT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private void adopt(Slot slot, Binding to, boolean report, long deadline) {
        List<Proc> waiting = new ArrayList<>();
        for (Proc p : procs.values()) {
            if (p.slot == slot && p.binding == null && !p.isExited()) {
                waiting.add(p);
            }
        }
        Upgrade u = slot.pending;
        if (u == null && waiting.isEmpty()) {
            return;
        }
        if (u == null) {
            u = new Upgrade(slot.name, "held", !report);
        }
        int busy = 0;
        for (Proc p : waiting) {
            if (p.stateLost()) {
                continue; // held where its export failed; no version can import it
            }
            if (!acquire(p, deadline)) {
                // A late adopt's record is never published: the process stays listed where it is
                // (overwriting that would lose its place in a published report). Otherwise it is
                // listed here, unless it ended meanwhile (its exit counted it then).
                if (u.late ? !p.isExited() : p.markHeld(u, "busy with system work during the upgrade; it moves as soon as it is free")) {
                    busy++;
                }
                continue;
            }
            try {
                if (p.binding == null && !p.isExited() && !p.stateLost()) {
                    p.importFor(to, u);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "importing " + p + " failed in the runtime; it stays suspended", e);
            } finally {
                p.release();
            }
        }
        if (busy > 0) {
            LOG.log(System.Logger.Level.WARNING, busy + " processes of " + slot.name + " were busy during the"
                    + " upgrade; they are adopted as soon as they are free");
            adoptLater(slot, report ? 0 : 20);
        }
        if (!report) {
            return;
        }
        slot.pending = null;
        UpgradeReport r = u.publish(to);
        synchronized (history) {
            history.addLast(u);
            while (history.size() > settings.historySize()) {
                history.removeFirst();
            }
            slot.reports++;
            slot.lastReport = r;
            history.notifyAll();
        }
        LOG.log(r.held().isEmpty() ? System.Logger.Level.INFO : System.Logger.Level.WARNING, "upgrade " + r.summary());
    }

    /** Takes ownership of {@code p}, waiting for its owner until {@code deadline} (not if interrupted). */
    private static boolean acquire(Proc p, long deadline) {
        while (!p.tryAcquire()) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(10_000);
        }
        return true;
    }

    /**
     * Asks for an adopt of the slot's waiting processes on the timer thread, under the slot's
     * lock: for a process that exported late (its handler overran the upgrade timeout) or was
     * busy during an adopt. It never imports on the caller's thread. Requests are coalesced (one
     * pending per behaviour), and a late adopt never waits for a busy owner: it tries each process
     * once and, if any was busy, asks again a little later, releasing the lock in between.
     */
    void adoptLater(Slot slot) {
        adoptLater(slot, 0);
    }

    private void adoptLater(Slot slot, long delayMillis) {
        if (!slot.adoptQueued.compareAndSet(false, true)) {
            return; // one is queued already; it will see this process too
        }
        try {
            timers.schedule(() -> withOwnContextLoader(() -> {
                slot.adoptQueued.set(false); // before the scan: a request from now on queues a new one
                slot.lock.writeLock().lock();
                try {
                    Binding active = slot.active;
                    if (active != null) {
                        adopt(slot, active, false, System.nanoTime()); // no wait for busy owners
                    }
                } finally {
                    slot.lock.writeLock().unlock();
                }
            }), delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            slot.adoptQueued.set(false); // the runtime is stopping; nothing to adopt into
        }
    }

    /**
     * Runs {@code task} on the timer thread and puts its context class loader back afterwards: a
     * callback run there (an import, a caller's continuation) must not leave a behaviour's loader.
     */
    private static void withOwnContextLoader(Runnable task) {
        Thread t = Thread.currentThread();
        ClassLoader own = t.getContextClassLoader();
        try {
            task.run();
        } finally {
            t.setContextClassLoader(own);
        }
    }

    private static boolean await(CountDownLatch latch, long millis) {
        try {
            return latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return latch.getCount() == 0;
        }
    }

    /**
     * Owner: the message as the bound code should see it. A message whose class belongs to a
     * withdrawn version (sent by someone who still held that class) goes through that
     * version's neutral form into the current version.
     */
    Object freshen(Proc p, Binding b, Object msg) {
        if (msg == null) {
            return null;
        }
        ClassLoader l = msg.getClass().getClassLoader();
        if (l == null || l == b.loader()) {
            return msg;
        }
        String from;
        synchronized (retired) {
            from = retired.get(l);
        }
        if (from == null) {
            return msg;
        }
        try {
            return b.code.importMessage(p, from, Neutral.toNeutral(msg, l));
        } catch (Exception e) {
            throw new ProcessException("message " + Proc.describe(msg) + " of version " + from + " could not be imported by "
                    + b.version + ": " + e);
        }
    }

    // ---- processes ---------------------------------------------------------------------

    @Override
    public Pid spawn(String behaviour, String name, Object argument) {
        checkOpen();
        Slot slot = behaviour == null ? null : slots.get(behaviour);
        if (slot == null) {
            throw new UnknownBehaviourException("unknown behaviour '" + behaviour + "'; known: " + knownBehaviours()
                    + ". Deploy a bundle that registers it");
        }
        if (name != null && !NAME.matcher(name).matches()) {
            throw new InvalidNameException("'" + name + "' is not a valid process name: start with a letter or '_',"
                    + " then letters, digits, '.', '-', '_'");
        }
        slot.lock.readLock().lock();
        try {
            Binding b = slot.active;
            if (b == null || b.code == null) {
                throw new UnknownBehaviourException("behaviour '" + behaviour + "' has no version registered right now"
                        + " (its bundle is stopped or being updated); start it and try again");
            }
            Proc p = new Proc(new Pid(ids.incrementAndGet()), name, slot);
            Proc holder = name == null ? null : names.putIfAbsent(name, p);
            if (holder != null) {
                throw new DuplicateNameException("the name '" + name + "' is taken by process " + holder.pid
                        + "; choose another name or stop that process");
            }
            p.binding = b;
            p.tryAcquire(); // owned by this thread until init returns: sends queue, nothing runs
            procs.put(p.pid, p);
            try {
                Object s = b.code.init(p, argument);
                if (s == null) {
                    throw new IllegalStateException("init returned null");
                }
                p.state = s;
            } catch (Throwable t) {
                procs.remove(p.pid);
                if (name != null) {
                    names.remove(name, p);
                }
                p.exit(ExitReason.error("init threw", t), false);
                p.release(); // system messages sent meanwhile (a state query, say) get their answer
                throw new SpawnException("init of " + behaviour + " " + b.version + " failed: " + Proc.oneLine(t));
            }
            p.release();
            return p.pid;
        } finally {
            slot.lock.readLock().unlock();
        }
    }

    private String knownBehaviours() {
        List<String> known = new ArrayList<>();
        slots.forEach((n, s) -> {
            if (s.active != null) {
                known.add(n);
            }
        });
        known.sort(null);
        return known.toString();
    }

    void deregister(Proc p) {
        procs.remove(p.pid, p);
        if (p.name != null) {
            names.remove(p.name, p);
        }
    }

    @Override
    public void send(Pid to, Object message) {
        if (message == null) {
            throw new ProcessException("a message cannot be null; send a value");
        }
        Proc p = procs.get(to);
        if (p == null) {
            if (to.id() > ids.get()) {
                throw new NoSuchProcessException("process " + to + " never existed; list live processes with proc:ps");
            }
            return; // a dead process: dropped, as in Erlang
        }
        p.enqueue(message);
    }

    @Override
    public void send(String name, Object message) {
        send(resolve(name), message);
    }

    @Override
    public Object call(Pid to, Object message, Duration timeout) {
        Call c = startCall(to, message);
        try {
            try {
                return c.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // From now on a late reply finds the future done and is dropped; a reply that
                // came just before this line wins instead, and is returned.
                c.completeExceptionally(timedOut(to, Proc.describe(message), timeout));
                return c.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ProcessException("call to " + to + " failed: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.completeExceptionally(new ProcessException("caller interrupted"));
            throw new ProcessException("interrupted while calling " + to);
        }
    }

    private static CallTimeoutException timedOut(Pid to, String message, Duration timeout) {
        return new CallTimeoutException("no reply from " + to + " to " + message + " within "
                + timeout.toMillis() + " ms; the process may be busy or suspended (see proc:info)");
    }

    @Override
    public CompletionStage<Object> callAsync(Pid to, Object message, Duration timeout) {
        Call c;
        try {
            c = startCall(to, message);
        } catch (ProcessException e) {
            return CompletableFuture.failedFuture(e);
        }
        String what = Proc.describe(message); // not the message: the timer must not keep it (or its classes)
        ScheduledFuture<?> t = timers.schedule(() -> withOwnContextLoader(
                () -> c.completeExceptionally(timedOut(to, what, timeout))), timeout.toNanos(), TimeUnit.NANOSECONDS);
        c.whenComplete((v, e) -> t.cancel(false));
        return c.minimalCompletionStage();
    }

    private Call startCall(Pid to, Object message) {
        if (message == null) {
            throw new ProcessException("a message cannot be null; send a value");
        }
        Proc p = procs.get(to);
        if (p == null) {
            throw noProc(to);
        }
        Call c = new Call(message);
        p.enqueue(c);
        if (p.isExited() && p.withdraw(c)) {
            // It ended after we looked it up and its final drain missed this call. (If the call
            // was taken, the handler or the drain answers it, with the better reason.)
            c.completeExceptionally(noProc(to));
        }
        return c;
    }

    @Override
    public TimerRef sendAfter(Pid to, Object message, Duration delay) {
        if (message == null) {
            throw new ProcessException("a message cannot be null; send a value");
        }
        ScheduledFuture<?> f = timers.schedule(() -> {
            Proc p = procs.get(to);
            if (p != null) {
                p.enqueue(message);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public Optional<Pid> whereis(String name) {
        Proc p = name == null ? null : names.get(name);
        return p == null || p.isExited() ? Optional.empty() : Optional.of(p.pid);
    }

    @Override
    public Pid resolve(String pidOrName) {
        if (pidOrName == null || pidOrName.isBlank()) {
            throw new NoSuchProcessException("no process given: name a pid such as <3> or a registered name");
        }
        String t = pidOrName.strip();
        if (t.startsWith("<") || Character.isDigit(t.charAt(0))) {
            Pid pid;
            try {
                pid = Pid.parse(t);
            } catch (IllegalArgumentException e) {
                throw new NoSuchProcessException(e.getMessage());
            }
            if (!procs.containsKey(pid)) {
                throw noProc(pid);
            }
            return pid;
        }
        return whereis(t).orElseThrow(() -> new NoSuchProcessException("no live process is named '" + t
                + "'; list live processes with proc:ps"));
    }

    @Override
    public CompletionStage<ExitReason> watch(Pid pid) {
        CompletableFuture<ExitReason> f = new CompletableFuture<>();
        Proc p = procs.get(pid);
        if (p == null || !p.addWatcher(f)) {
            ExitReason r = p == null ? null : p.exitReason();
            f.complete(r != null ? r : ExitReason.NOPROC);
        }
        return f.minimalCompletionStage();
    }

    @Override
    public boolean stop(Pid pid) {
        return signalExit(pid, new SystemMessage.Exit(ExitReason.SHUTDOWN, true));
    }

    @Override
    public boolean kill(Pid pid, String reason) {
        return signalExit(pid, new SystemMessage.Exit(ExitReason.killed(reason), false));
    }

    private boolean signalExit(Pid pid, SystemMessage.Exit exit) {
        Proc p = procs.get(pid);
        if (p == null || p.isExited()) {
            return false;
        }
        p.enqueueSystem(exit);
        return true;
    }

    @Override
    public List<ProcessInfo> processes() {
        List<ProcessInfo> out = new ArrayList<>(procs.size());
        for (Proc p : procs.values()) {
            out.add(p.snapshot());
        }
        out.sort(Comparator.comparing(ProcessInfo::pid));
        return out;
    }

    @Override
    public Optional<ProcessInfo> info(Pid pid) {
        Proc p = procs.get(pid);
        return p == null ? Optional.empty() : Optional.of(p.snapshot());
    }

    @Override
    public CompletionStage<Object> state(Pid pid) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Proc p = procs.get(pid);
        if (p == null) {
            f.completeExceptionally(noProc(pid));
        } else {
            p.enqueueSystem(new SystemMessage.GetState(f));
        }
        return f.minimalCompletionStage();
    }

    @Override
    public List<BehaviourInfo> behaviours() {
        Map<Slot, Integer> counts = new java.util.HashMap<>();
        for (Proc p : procs.values()) {
            counts.merge(p.slot, 1, Integer::sum);
        }
        List<BehaviourInfo> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            List<String> versions = new ArrayList<>();
            Binding a;
            s.lock.readLock().lock();
            try {
                s.versions.forEach(b -> versions.add(b.version));
                a = s.active;
            } finally {
                s.lock.readLock().unlock();
            }
            out.add(new BehaviourInfo(s.name, a == null ? null : a.version, versions, a == null ? -1 : bundleId(a),
                    counts.getOrDefault(s, 0)));
        }
        out.sort(Comparator.comparing(BehaviourInfo::name));
        return out;
    }

    @Override
    public List<UpgradeReport> upgradeHistory() {
        List<Upgrade> all;
        synchronized (history) {
            all = new ArrayList<>(history);
        }
        return all.stream().map(Upgrade::report).toList();
    }

    // ---- code from jars: needs a host (the OSGi layer) ----------------------------------

    /** The bundle providing {@code b}, or -1 without a framework. */
    protected long bundleId(Binding b) {
        return -1;
    }

    /** Replaces the code of {@code b} from {@code location}; the host's service events do the rest. */
    protected void updateCode(Binding b, String location) {
        throw new ProcessException("updating code from a jar needs the OSGi framework; this runtime runs without one");
    }

    /** Puts back the kept copy of {@code version} in place of {@code current}. */
    protected void rollbackCode(Binding current, String version) {
        throw new ProcessException("rollback needs the OSGi framework; this runtime runs without one");
    }

    @Override
    public UpgradeReport upgrade(String behaviour, String location) {
        Binding b = findBinding(behaviour);
        return awaitReport(b.slot, () -> updateCode(b, location));
    }

    @Override
    public UpgradeReport rollback(String behaviour) {
        Slot slot = behaviour == null ? null : slots.get(behaviour);
        if (slot == null) {
            throw new UnknownBehaviourException("unknown behaviour '" + behaviour + "'; known: " + knownBehaviours());
        }
        Binding current;
        String previous;
        slot.lock.readLock().lock();
        try {
            current = slot.active;
            previous = slot.activeHistory.size() > 1 ? slot.activeHistory.get(1) : null;
        } finally {
            slot.lock.readLock().unlock();
        }
        if (current == null) {
            throw new UnknownBehaviourException("behaviour '" + behaviour + "' has no version running to roll back from;"
                    + " start its bundle first");
        }
        if (previous == null) {
            throw new UnknownBehaviourException("behaviour '" + behaviour + "' has no earlier version to roll back to"
                    + " (only " + current.version + " has run)");
        }
        String to = previous;
        return awaitReport(slot, () -> rollbackCode(current, to));
    }

    private Binding findBinding(String behaviourOrBundle) {
        if (behaviourOrBundle == null || behaviourOrBundle.isBlank()) {
            throw new UnknownBehaviourException("no behaviour given: name a behaviour or a bundle id");
        }
        String key = behaviourOrBundle.strip();
        Slot slot = slots.get(key);
        if (slot != null && slot.active != null) {
            return slot.active;
        }
        if (key.chars().allMatch(Character::isDigit)) {
            long id = Long.parseLong(key);
            for (Slot s : slots.values()) {
                Binding a = s.active;
                if (a != null && bundleId(a) == id) {
                    return a;
                }
            }
            throw new UnknownBehaviourException("bundle " + id + " provides no running behaviour; see proc:ps or lb");
        }
        throw new UnknownBehaviourException("no running behaviour '" + key + "'; known: " + knownBehaviours());
    }

    private UpgradeReport awaitReport(Slot slot, Runnable change) {
        long before;
        synchronized (history) {
            before = slot.reports;
        }
        change.run();
        long deadline = System.nanoTime() + settings.upgradeTimeout().toNanos() * 2 + TimeUnit.SECONDS.toNanos(10);
        synchronized (history) {
            while (slot.reports == before) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ProcessException("the bundle of '" + slot.name + "' was updated but no new version took its"
                            + " processes in time; check the bundle's log (is its component satisfied?)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(history, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProcessException("interrupted while waiting for the upgrade of " + slot.name);
                }
            }
            return slot.lastReport;
        }
    }

    // ---- life --------------------------------------------------------------------------

    private void checkOpen() {
        if (shutdown) {
            throw new ProcessException("the runtime is shut down");
        }
    }

    /** Stops every process (terminate runs where code is bound) and the threads. */
    public void shutdown() {
        shutdown = true;
        List<CompletableFuture<?>> exits = new ArrayList<>();
        for (Proc p : procs.values()) {
            exits.add(watch(p.pid).toCompletableFuture());
            p.enqueueSystem(new SystemMessage.Exit(ExitReason.SHUTDOWN, true));
        }
        try {
            CompletableFuture.allOf(exits.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "some processes had not ended 5 s after shutdown began");
        }
        pool.shutdown();
        timers.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
