package dev.molt.runtime.observe;

import java.util.HashMap;
import java.util.WeakHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.UpgradeReport;
import dev.molt.api.admin.MoltEvents;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.upgrade.UpgradeObserver;
import dev.molt.runtime.upgrade.UpgradeRecord;

/**
 * What the runtime tells about itself: the one place the facade, the upgrade records and the exit
 * path report to. It keeps the counters and the migration trails, feeds the timings, and turns
 * what happened into {@link RuntimeEvent}s on the {@link EventStream} (only while a sink listens).
 * Data flows one way: the runtime calls in; nothing here calls the runtime.
 *
 * <p>Thread rule: any thread; every method is quick and never blocks (see {@link UpgradeObserver}
 * for the calls made under an upgrade record's monitor). Settings are volatile: a reconfiguration
 * applies from the next event.
 */
public final class Observations implements UpgradeObserver, Kernel.ExitObserver {

    /** What the runtime counts of one behaviour beyond what its live processes show. */
    static final class Counters {
        final LongAdder exited = new LongAdder();
        final LongAdder crashes = new LongAdder();
        final LongAdder restarts = new LongAdder();
        /** Messages handled by processes that have ended (the live ones count their own). */
        final LongAdder handledByEnded = new LongAdder();
        /** When the last crashes happened (nanoTime), at most {@link #RECENT} of them; guarded by itself. */
        private final java.util.ArrayDeque<Long> crashTimes = new java.util.ArrayDeque<>();

        void crashed(long now) {
            crashes.increment();
            synchronized (crashTimes) {
                crashTimes.addLast(now);
                if (crashTimes.size() > RECENT) {
                    crashTimes.removeFirst();
                }
            }
        }

        /** Crashes within the last {@code windowNanos} (counting at most {@link #RECENT}). */
        long crashesWithin(long now, long windowNanos) {
            synchronized (crashTimes) {
                long n = 0;
                for (long t : crashTimes) {
                    if (now - t <= windowNanos) {
                        n++;
                    }
                }
                return n;
            }
        }
    }

    /** Crash times kept per behaviour, for its crashes of the last minute. */
    static final int RECENT = 1000;

    /** Names whose last process ended abnormally, for counting restarts; at most this many. */
    private static final int ABNORMAL_NAMES = 10_000;

    private final Kernel kernel;
    private final EventStream events = new EventStream();
    private final Timings timings = new Timings();
    private final MigrationTrails trails;
    private final ConcurrentHashMap<BehaviourLine, Counters> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, BehaviourLine> endedAbnormally = new ConcurrentHashMap<>();
    private final LongAdder exited = new LongAdder();
    private final LongAdder crashes = new LongAdder();
    private final LongAdder handledByEnded = new LongAdder();
    /** Each upgrade's pauses; weak, so a record that leaves the history takes its histogram along. */
    private final Map<UpgradeRecord, Histogram> pauses = new WeakHashMap<>();
    private volatile ObserveSettings settings;
    private ScheduledFuture<?> ticker;

    public Observations(Kernel kernel, ObserveSettings settings) {
        this.kernel = kernel;
        this.trails = new MigrationTrails(settings.migrationTrails());
        apply(settings);
    }

    /** Applies new settings: the sampling at once (from the next send and turn), the rest from the next event. */
    public synchronized void apply(ObserveSettings next) {
        settings = next;
        trails.limit(next.migrationTrails());
        timings.perProcess(next.processLatency());
        if (next.latencySampling() > 0) {
            kernel.timings(timings, next.timingMask());
            if (ticker == null) {
                try {
                    long slot = LatencyWindow.SLOT_NANOS;
                    ticker = kernel.timers().scheduleAtFixedRate(() -> Kernel.withOwnContextLoader(timings::tick), slot, slot,
                            TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException shutDown) {
                    // the runtime is stopping
                }
            }
        } else {
            kernel.timings(Kernel.Timings.NONE, -1);
        }
    }

    public ObserveSettings settings() {
        return settings;
    }

    public EventStream events() {
        return events;
    }

    Timings timings() {
        return timings;
    }

    MigrationTrails trails() {
        return trails;
    }

    Counters countersOf(BehaviourLine line) {
        return counters.computeIfAbsent(line, l -> new Counters());
    }

    long exited() {
        return exited.sum();
    }

    long crashes() {
        return crashes.sum();
    }

    long handledByEnded() {
        return handledByEnded.sum();
    }

    public void close() {
        synchronized (this) {
            if (ticker != null) {
                ticker.cancel(false);
            }
        }
        events.close();
    }

    // ---- behaviour versions --------------------------------------------------------------

    public void registered(BehaviourVersion v) {
        post(MoltEvents.BEHAVIOUR_REGISTERED, v);
    }

    public void withdrawn(BehaviourVersion v) {
        post(MoltEvents.BEHAVIOUR_WITHDRAWN, v);
    }

    private void post(String topic, BehaviourVersion v) {
        if (events.isOn()) {
            Map<String, Object> p = new HashMap<>();
            p.put(MoltEvents.BEHAVIOUR, v.name());
            p.put(MoltEvents.VERSION, v.version());
            p.put(MoltEvents.BUNDLE_ID, v.bundleId());
            p.put(MoltEvents.BUNDLE, v.bundleLabel());
            events.post(new RuntimeEvent(topic, p));
        }
    }

    // ---- processes ---------------------------------------------------------------------

    /** A process was spawned (after its init returned). Cheap unless it has a name that crashed, or process events are on. */
    public void spawned(Proc p) {
        String name = p.name().orElse(null);
        if (name != null && !endedAbnormally.isEmpty() && endedAbnormally.remove(name, p.line())) {
            countersOf(p.line()).restarts.increment();
        }
        if (sampled(p.pid()) && events.isOn()) {
            Map<String, Object> props = processProperties(p.pid(), name, p.line().name(), p.version());
            events.post(new RuntimeEvent(MoltEvents.PROCESS_SPAWNED, props));
        }
    }

    private boolean sampled(Pid pid) {
        int n = settings.processEvents();
        return n > 0 && pid.id() % n == 0;
    }

    private static Map<String, Object> processProperties(Pid pid, String name, String behaviour, String version) {
        Map<String, Object> props = new HashMap<>();
        props.put(MoltEvents.PID, pid.id());
        if (name != null) {
            props.put(MoltEvents.NAME, name);
        }
        props.put(MoltEvents.BEHAVIOUR, behaviour);
        if (version != null) {
            props.put(MoltEvents.VERSION, version);
        }
        return props;
    }

    @Override
    public void exited(Proc p, BehaviourVersion version, ExitReason reason) {
        BehaviourLine line = p.line();
        Counters c = countersOf(line);
        ProcessInfo info = p.snapshot();
        c.exited.increment();
        exited.increment();
        c.handledByEnded.add(info.handled());
        handledByEnded.add(info.handled());
        if (reason.kind() == ExitReason.Kind.ERROR) {
            c.crashed(System.nanoTime());
            crashes.increment();
        }
        String name = info.name();
        if (name != null && reason.isAbnormal() && endedAbnormally.size() < ABNORMAL_NAMES) {
            endedAbnormally.put(name, line);
        }
        timings.ended(p);
        if (info.upgrades() > 0) {
            trails.ended(p.pid());
        }
        if (sampled(p.pid()) && events.isOn()) {
            Map<String, Object> props = processProperties(p.pid(), name, line.name(), version == null ? null : version.version());
            props.put(MoltEvents.EXIT_KIND, reason.kind().name());
            props.put(MoltEvents.REASON, reason.summary());
            events.post(new RuntimeEvent(MoltEvents.PROCESS_EXITED, props));
        }
    }

    // ---- upgrades (under the record's monitor: see UpgradeObserver) ------------------------

    @Override
    public boolean wantsEvents() {
        return events.isOn();
    }

    @Override
    public void started(UpgradeRecord r) {
        postReport(MoltEvents.UPGRADE_STARTED, r);
    }

    @Override
    public void progressed(UpgradeRecord r) {
        postReport(MoltEvents.UPGRADE_PROGRESS, r);
    }

    @Override
    public void moved(UpgradeRecord r, Pid pid, String from, String to, long pauseNanos) {
        trails.moved(pid, from, to, r.mode(), pauseNanos);
        Histogram h;
        synchronized (pauses) {
            h = pauses.computeIfAbsent(r, k -> {
                Histogram fresh = new Histogram(2);
                fresh.setAutoResize(true);
                return fresh;
            });
        }
        synchronized (h) { // the moves of one upgrade end on several workers at once
            h.recordValue(Math.max(0, pauseNanos));
        }
    }

    /** The pauses of {@code r}'s processes, or null if none moved (copied under the histogram's monitor, as written). */
    Histogram pausesOf(UpgradeRecord r) {
        Histogram h;
        synchronized (pauses) {
            h = pauses.get(r);
        }
        if (h == null) {
            return null;
        }
        synchronized (h) {
            return h.copy();
        }
    }

    @Override
    public void held(UpgradeRecord r, Pid pid, String name, String from, String to, String reason) {
        trails.held(pid, from, to, r.mode(), reason);
        if (events.isOn()) {
            Map<String, Object> p = reportProperties(r.report());
            p.put(MoltEvents.PID, pid.id());
            if (name != null) {
                p.put(MoltEvents.NAME, name);
            }
            p.put(MoltEvents.REASON, reason);
            events.post(new RuntimeEvent(MoltEvents.UPGRADE_HELD, p));
        }
    }

    @Override
    public void settled(UpgradeRecord r) {
        UpgradeReport.Outcome o = r.outcome();
        postReport(o == UpgradeReport.Outcome.CANARY ? MoltEvents.UPGRADE_CANARY : MoltEvents.UPGRADE_COMPLETED, r);
    }

    @Override
    public void aborted(UpgradeRecord r) {
        postReport(MoltEvents.UPGRADE_ABORTED, r);
    }

    private void postReport(String topic, UpgradeRecord r) {
        if (events.isOn()) {
            events.post(new RuntimeEvent(topic, reportProperties(r.report())));
        }
    }

    static Map<String, Object> reportProperties(UpgradeReport r) {
        Map<String, Object> p = new HashMap<>();
        p.put(MoltEvents.BEHAVIOUR, r.behaviour());
        p.put(MoltEvents.FROM, r.fromVersion());
        if (r.toVersion() != null) {
            p.put(MoltEvents.TO, r.toVersion());
        }
        p.put(MoltEvents.MODE, r.mode().name());
        p.put(MoltEvents.OUTCOME, r.outcome().name());
        p.put(MoltEvents.STARTED, r.started().toEpochMilli());
        p.put(MoltEvents.PROCESSES, r.processes());
        p.put(MoltEvents.MIGRATED, r.migrated());
        p.put(MoltEvents.HELD, r.held().size());
        p.put(MoltEvents.FAILED, r.failed());
        p.put(MoltEvents.TOTAL_NANOS, r.total().toNanos());
        p.put(MoltEvents.LONGEST_PAUSE_NANOS, r.longestPause().toNanos());
        p.put(MoltEvents.SUMMARY, r.summary());
        if (r.note() != null) {
            p.put(MoltEvents.REASON, r.note());
        }
        return p;
    }
}
