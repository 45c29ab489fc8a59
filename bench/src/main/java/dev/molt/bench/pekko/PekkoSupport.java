package dev.molt.bench.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;

/**
 * Starts Pekko the way the comparison is fair: the default dispatcher is a fork-join pool of
 * exactly two threads (as many as Molt's workers) handling at most 50 messages per actor per
 * turn (Molt's throughput setting), default unbounded mailboxes, logging quiet.
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
                + THREADS + " }, throughput = " + THROUGHPUT + " }";
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
}
