package dev.molt.bench.molt;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;
import dev.molt.bench.pekko.PekkoSupport;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;
import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.RuntimeSettings;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.handover.Image;
import dev.molt.runtime.handover.SnapshotStore;
import dev.molt.runtime.handover.SnapshotWriter;
import dev.molt.runtime.handover.TakeOver;
import dev.molt.runtime.observe.ObserveSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * The one place where the benchmarks reach Molt's runtime core (everything else uses the
 * {@code dev.molt.api} contract): start and stop a runtime configured like the Pekko side (as
 * many workers as Pekko's dispatcher threads, the same throughput per turn), register and
 * withdraw behaviour versions, and the upgrade modes. When the core's classes are renamed, only
 * this file changes.
 *
 * <p>Upgrade modes: {@link #atomic} is a bundle update (withdraw, then register). {@link #rolling}
 * and {@link #canary} register the new version beside the old one and call the runtime's rolling
 * upgrade ({@code MoltRuntime.roll}), as {@code proc:upgrade --rolling} does after installing the
 * new bundle beside the old.
 */
public final class MoltSupport {

    /** Prefix of the names of the runtime's worker threads (what thread dumps and the check look for). */
    public static final String WORKER_THREAD_PREFIX = "molt-worker-";

    private MoltSupport() {
    }

    /** A registered version of a behaviour, as the harness holds it. */
    public record Version(String behaviour, String version, Object handle) {
    }

    /** A canary upgrade in progress: some processes on {@code to}, the rest still on {@code from}. */
    public record Canary(Version from, Version to, Object handle) {
    }

    static RuntimeSettings settings() {
        RuntimeSettings s = RuntimeSettings.defaults()
                .withWorkers(PekkoSupport.THREADS)
                .withThroughput(PekkoSupport.THROUGHPUT);
        // -Dbench.rollingBatch=N tries another rolling window (the page quotes the settings used)
        Integer batch = Integer.getInteger("bench.rollingBatch");
        return batch == null ? s : s.withRollingBatch(batch);
    }

    /**
     * What the runtime measures: its defaults (a message in 64 timed), or with
     * {@code -Dbench.metrics=off} nothing timed, or {@code =all} every message timed, per process too
     * ({@code bench/metrics-cost} runs the three side by side).
     */
    static ObserveSettings observeSettings() {
        String m = System.getProperty("bench.metrics", "default");
        return switch (m) {
            case "default" -> ObserveSettings.defaults();
            case "off" -> ObserveSettings.defaults().withLatencySampling(0);
            case "all" -> ObserveSettings.defaults().withLatencySampling(1).withProcessLatency(true);
            default -> {
                if (!m.chars().allMatch(Character::isDigit) || m.isEmpty()) {
                    throw new IllegalArgumentException("-Dbench.metrics=" + m + ": use default, off, all or a sampling N");
                }
                yield ObserveSettings.defaults().withLatencySampling(Integer.parseInt(m)); // one message in N timed
            }
        };
    }

    /** The settings as the report quotes them. */
    public static String settingsText() {
        return settings() + ", " + observeSettings();
    }

    public static ProcessRuntime start() {
        return new MoltRuntime(settings(), observeSettings());
    }

    public static void stop(ProcessRuntime runtime) {
        ((MoltRuntime) runtime).shutdown();
    }

    /** Makes {@code code} available as {@code version} of {@code behaviour}. */
    public static Version register(ProcessRuntime runtime, String behaviour, String version, Behaviour<?> code) {
        BehaviourVersion b = ((MoltRuntime) runtime).register(behaviour, version, code);
        return new Version(behaviour, version, b);
    }

    /** Withdraws a version registered by {@link #register}, as a service unregistration does. */
    public static void unregister(ProcessRuntime runtime, Version version) {
        ((MoltRuntime) runtime).unregister((BehaviourVersion) version.handle());
    }

    /**
     * Atomic upgrade, as an OSGi bundle update does it: withdraw {@code from} (every process
     * suspends at a message boundary and exports its state), then register the next version
     * (every process imports). Returns when both calls have returned.
     */
    public static Version atomic(ProcessRuntime runtime, Version from, String toVersion, Behaviour<?> to) {
        unregister(runtime, from);
        return register(runtime, from.behaviour(), toVersion, to);
    }

    /**
     * Rolling upgrade: registers {@code to} as {@code toVersion} beside {@code from}, moves
     * {@code from}'s processes onto it a few at a time while the others keep running (the runtime
     * withdraws {@code from} when it is empty), and returns the new version once every process has
     * moved.
     */
    public static Version rolling(ProcessRuntime runtime, Version from, String toVersion, Behaviour<?> to) {
        Version next = register(runtime, from.behaviour(), toVersion, to);
        UpgradeReport r = ((MoltRuntime) runtime).roll(from.behaviour(), from.version(), toVersion, UpgradeOptions.rolling());
        requireMoved(r);
        return next;
    }

    /**
     * Canary upgrade: registers {@code to} beside {@code from} and moves {@code count} of
     * {@code from}'s processes onto it, leaving the rest on {@code from}; returns once those moved.
     */
    public static Canary canary(ProcessRuntime runtime, Version from, String toVersion, Behaviour<?> to, int count) {
        Version next = register(runtime, from.behaviour(), toVersion, to);
        UpgradeReport r = ((MoltRuntime) runtime).roll(from.behaviour(), from.version(), toVersion,
                UpgradeOptions.canary(String.valueOf(count)));
        requireMoved(r);
        return new Canary(from, next, r);
    }

    /** Moves the rest of a canary's processes on; the runtime withdraws the old version when empty. */
    public static Version promote(ProcessRuntime runtime, Canary canary) {
        requireMoved(runtime.promote(canary.from().behaviour()));
        return canary.to();
    }

    /** Moves a canary's processes back; the runtime withdraws the new version. */
    public static Version abort(ProcessRuntime runtime, Canary canary) {
        runtime.abort(canary.from().behaviour());
        return canary.from();
    }

    private static void requireMoved(UpgradeReport r) {
        if (!r.held().isEmpty() || r.failed() > 0) {
            throw new IllegalStateException("the upgrade did not move every process: " + r.summary());
        }
    }

    // ---- a runtime hand-over (what a runtime bundle update does, without the framework) ----

    /** The version of {@code dev.molt.api} a hand-over image names (process-api's package version). */
    static final String API_VERSION = "1.3.0";

    /** What a take-over did: processes rebuilt, of which running on, waiting for code, arriving late. */
    public record TakenOver(int processes, int running, int waiting, int arriving, long nanos) {
    }

    /**
     * Hands every process of {@code runtime} over (each exports itself at its next boundary) and
     * returns the image, as the runtime bundle's deactivation does; the runtime then only passes
     * messages on to whichever runtime takes the image.
     */
    public static Map<String, Object> handOver(ProcessRuntime runtime, long graceNanos) {
        return ((MoltRuntime) runtime).handOver(API_VERSION, "bench", graceNanos);
    }

    /** The System.nanoTime of the first export of the last hand-over of {@code runtime}, or 0. */
    public static long handOverStarted(ProcessRuntime runtime) {
        return ((MoltRuntime) runtime).handOverStarted();
    }

    /** The default grace a runtime bundle gives running handlers ({@code upgradeTimeout}). */
    public static long graceNanos() {
        return settings().upgradeTimeout().toNanos();
    }

    /**
     * {@code runtime} takes the processes of {@code image}: a hand-over's live image
     * ({@code handOver} true) or a snapshot's neutral one (a restore).
     */
    public static TakenOver takeOver(ProcessRuntime runtime, Map<String, Object> image, boolean handOver) {
        TakeOver.Outcome o = ((MoltRuntime) runtime).takeOver(image, handOver);
        return new TakenOver(o.processes(), o.running(), o.waiting(), o.arriving(), o.nanos());
    }

    // ---- snapshots of durable processes (what a durable runtime writes, without the framework) ----

    /**
     * A neutral snapshot of every process of {@code runtime}, each taken at its own boundary while the
     * others run on (the periodic snapshot of a durable runtime: {@code MoltRuntime.snapshot(.., false)}).
     */
    public static Map<String, Object> snapshot(ProcessRuntime runtime) {
        return ((MoltRuntime) runtime).snapshot(API_VERSION, "bench", false);
    }

    /**
     * Writes {@code image} to the snapshot store in {@code directory} as a durable runtime does (encoded
     * by the CBOR codec to a temporary file, forced to disk, renamed over the last one, the directory
     * forced); returns the file's size in bytes.
     */
    public static long writeSnapshot(Path directory, Map<String, Object> image) throws IOException {
        SnapshotStore store = new SnapshotStore(directory);
        int processes = processRecords(image).size();
        if (SnapshotWriter.write(store, image) != processes) {
            throw new IllegalStateException("the snapshot left out processes");
        }
        return Files.size(store.file());
    }

    /** Reads and decodes the snapshot in {@code directory}. */
    public static Map<String, Object> readSnapshot(Path directory) throws IOException {
        return new SnapshotStore(directory).read().orElseThrow(() -> new IllegalStateException("no snapshot in " + directory));
    }

    /** The process records of an image. */
    @SuppressWarnings("unchecked")
    public static List<Object[]> processRecords(Map<String, Object> image) {
        return (List<Object[]>) image.get(Image.K_PROCESSES);
    }

    /** The pid id of a process record. */
    public static long recordPid(Object[] record) {
        return (Long) record[Image.P_PID];
    }

    /** How many messages a process record holds queued. */
    public static int recordQueued(Object[] record) {
        Object[] m = (Object[]) record[Image.P_MESSAGES];
        return m == null ? 0 : m.length;
    }

    /** Processes bound to {@code version} of {@code behaviour}, and processes waiting for code, as the runtime counts them. */
    public static long[] boundAndWaiting(ProcessRuntime runtime, String behaviour, String version) {
        long bound = 0;
        long waiting = 0;
        for (dev.molt.api.BehaviourInfo b : runtime.behaviours()) {
            if (b.name().equals(behaviour)) {
                for (dev.molt.api.BehaviourInfo.VersionInfo v : b.details()) {
                    if (v.version().equals(version)) {
                        bound += v.processes();
                    } else if (v.version().equals("waiting")) {
                        waiting += v.processes();
                    }
                }
            }
        }
        return new long[] {bound, waiting};
    }

    // ---- looking at the worker pool from outside (for the run-time check and slow-round evidence) ----

    /** Answers a call with a one-line description of the pool its handler runs on. */
    static final class PoolProbe implements Behaviour<Boolean> {
        @Override
        public Boolean init(ProcessContext context, Object argument) {
            return Boolean.TRUE;
        }

        @Override
        public Boolean handle(ProcessContext context, Boolean state, Object message) {
            Thread t = Thread.currentThread();
            String pool = t instanceof ForkJoinWorkerThread w ? describe(w.getPool())
                    : ((MoltRuntime) context.runtime()).dispatcherState();
            context.reply(t.getName() + " in " + pool);
            return state;
        }
    }

    private static volatile ForkJoinPool seenPool;

    static String describe(ForkJoinPool pool) {
        seenPool = pool;
        return pool.getClass().getSimpleName() + "[parallelism=" + pool.getParallelism() + ", asyncMode="
                + pool.getAsyncMode() + "]";
    }

    /**
     * What a handler sees of the thread and pool it runs on, asked from outside through a
     * process: e.g. {@code molt-worker-1 in WorkerPool[parallelism=2, asyncMode=true]}.
     */
    public static String probeWorkers(ProcessRuntime runtime) {
        register(runtime, "bench-pool-probe", "1.0.0", new PoolProbe());
        Pid probe = runtime.spawn("bench-pool-probe", null);
        Object answer = runtime.call(probe, "which pool?", Duration.ofSeconds(10));
        runtime.stop(probe);
        return String.valueOf(answer);
    }

    /**
     * The worker pool that {@link #probeWorkers} found, if it is a {@link ForkJoinPool} (the
     * harness samples its queue and thread counts); {@code null} otherwise.
     */
    public static ForkJoinPool pool() {
        return seenPool;
    }
}
