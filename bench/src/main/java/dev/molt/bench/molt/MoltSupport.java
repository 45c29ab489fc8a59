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
import dev.molt.runtime.observe.ObserveSettings;
import java.time.Duration;
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
