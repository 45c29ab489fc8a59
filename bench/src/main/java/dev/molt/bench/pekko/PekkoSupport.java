package dev.molt.bench.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.MessageDispatcher;

/**
 * Starts Pekko the way the comparison is fair: the default dispatcher is a fork-join pool of
 * exactly two threads (as many as Molt's workers) handling at most 50 messages per actor per
 * turn (Molt's throughput setting), no throughput deadline, default unbounded mailboxes, logging
 * quiet. {@link #check} reads back at run time what the dispatcher really is.
 */
public final class PekkoSupport {

    /** Threads of the dispatcher; Molt gets the same number of workers. */
    public static final int THREADS = 2;

    /** Messages per actor per turn; Molt gets the same throughput. */
    public static final int THROUGHPUT = 50;

    private PekkoSupport() {
    }

    /** The configuration used, as HOCON, so the report can quote it. */
    public static String configText() {
        return "pekko.actor.default-dispatcher { executor = \"fork-join-executor\", "
                + "fork-join-executor { parallelism-min = " + THREADS + ", parallelism-factor = 1.0, parallelism-max = "
                + THREADS + " }, throughput = " + THROUGHPUT + ", throughput-deadline-time = 0ms }";
    }

    public static ActorSystem start(String name) {
        Config config = ConfigFactory.parseString(configText()
                        + "\npekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off\npekko.log-dead-letters-during-shutdown = off\n")
                .withFallback(ConfigFactory.defaultReference());
        return ActorSystem.create(name, config);
    }

    public static void stop(ActorSystem system) {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Pekko did not terminate within 60 s", e);
        }
    }

    /**
     * The default dispatcher as it runs, not as configured: its class, its throughput and
     * deadline, and the pool a task run on it finds itself in, e.g.
     * {@code Dispatcher[throughput=50, deadline=0 ns] on PekkoForkJoinPool[parallelism=2, asyncMode=true]}.
     */
    public static String check(ActorSystem system) {
        MessageDispatcher d = system.dispatchers().lookup("pekko.actor.default-dispatcher");
        String head = d.getClass().getSimpleName();
        if (d instanceof Dispatcher dispatcher) {
            head += "[throughput=" + dispatcher.throughput() + ", deadline=" + dispatcher.throughputDeadlineTime() + "]";
        }
        CompletableFuture<String> pool = new CompletableFuture<>();
        d.execute(() -> {
            Thread t = Thread.currentThread();
            pool.complete(t instanceof ForkJoinWorkerThread w ? describe(w.getPool()) : t.getClass().getName());
        });
        try {
            return head + " on " + pool.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return head + " on (no answer from the dispatcher: " + e + ")";
        }
    }

    private static volatile ForkJoinPool seenPool;

    /** The dispatcher's pool that {@link #check} found, if a {@link ForkJoinPool}; {@code null} otherwise. */
    public static ForkJoinPool pool() {
        return seenPool;
    }

    private static String describe(ForkJoinPool pool) {
        seenPool = pool;
        return pool.getClass().getSimpleName() + "[parallelism=" + pool.getParallelism() + ", asyncMode="
                + pool.getAsyncMode() + "]";
    }

    /** Thread-name fragment of the default dispatcher's threads (what the thread count looks for). */
    public static final String DISPATCHER_THREAD_MARK = "pekko.actor.default-dispatcher-";
}
