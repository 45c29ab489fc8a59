package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.ProcessContext;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import dev.molt.api.ProcessRuntime;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

/**
 * Spawn rate and retained heap per idle process, measured with the clock and the garbage
 * collector rather than JMH (a JMH invocation cannot keep a million processes and then ask how
 * much they weigh).
 *
 * <p>Each round starts a fresh runtime, takes the heap in use after full collections, spawns
 * {@code count} idle processes from one thread (timed), collects again and takes the heap again.
 * The difference divided by the count is what one idle process costs. The processes' user state
 * is one shared constant (Molt) or a field-less actor (Pekko: its 16-byte actor object is counted,
 * since Pekko cannot have an actor without one), and the harness keeps no reference to them: the
 * runtime alone keeps them alive, as it would in production.
 *
 * <p>Pekko creates an actor asynchronously (the constructor runs on the dispatcher after
 * {@code actorOf} returns), so its spawn time runs until every constructor has run.
 *
 * <p>Usage: {@code SpawnMemory molt|pekko COUNT ROUNDS OUTPUT.properties KEY}. Run in its own JVM;
 * the figures go under {@code KEY.molt.} or {@code KEY.pekko.}.
 */
public final class SpawnMemory {

    /** The state of every idle process: one shared constant, so no user state is counted. */
    public record Idle() {
        static final Idle INSTANCE = new Idle();
    }

    public static final class IdleBehaviour implements Behaviour<Idle> {
        @Override
        public Idle init(ProcessContext context, Object argument) {
            return Idle.INSTANCE;
        }

        @Override
        public Idle handle(ProcessContext context, Idle state, Object message) {
            return state;
        }
    }

    /** A Pekko actor with no fields; counts its creation so the spawn timer can stop. */
    public static final class IdleActor extends AbstractActor {
        public IdleActor(CountDownLatch created) {
            created.countDown();
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().build();
        }
    }

    public static void main(String[] args) throws Exception {
        String system = args[0];
        int count = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        String key = args[4] + "." + system;

        double[] rate = new double[rounds];
        double[] bytes = new double[rounds];
        // One small warm-up round so the spawn path is compiled before it is timed.
        measure(system, Math.min(count, 100_000));
        for (int r = 0; r < rounds; r++) {
            double[] m = measure(system, count);
            rate[r] = m[0];
            bytes[r] = m[1];
            System.out.printf("%s round %d: %,.0f spawns/s, %.1f bytes/process%n", system, r + 1, m[0], m[1]);
        }
        Results results = Results.read(out);
        results.put(key + ".spawn.count", count);
        results.put(key + ".spawn.rounds", rounds);
        results.put(key + ".spawn.perSecond.median", Stats.median(rate));
        results.put(key + ".spawn.perSecond.all", Arrays.toString(rate));
        results.put(key + ".idle.bytesPerProcess.median", Stats.median(bytes));
        results.put(key + ".idle.bytesPerProcess.all", Arrays.toString(bytes));
        results.write(out);
        System.exit(0);
    }

    /** One round: {spawns per second, retained bytes per process}. */
    static double[] measure(String system, int count) throws Exception {
        return switch (system) {
            case "molt" -> measureMolt(count);
            case "pekko" -> measurePekko(count);
            default -> throw new IllegalArgumentException("unknown system '" + system + "': use molt or pekko");
        };
    }

    static double[] measureMolt(int count) {
        ProcessRuntime runtime = MoltSupport.start();
        MoltSupport.register(runtime, "idle", "1.0.0", new IdleBehaviour());
        runtime.spawn("idle", null); // first spawn loads classes; not counted
        long before = heapAfterGc();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            runtime.spawn("idle", null);
        }
        long elapsed = System.nanoTime() - t0;
        long after = heapAfterGc();
        double[] result = {count / (elapsed / 1e9), (after - before) / (double) count};
        MoltSupport.stop(runtime);
        return result;
    }

    static double[] measurePekko(int count) throws InterruptedException {
        ActorSystem system = PekkoSupport.start("spawn");
        CountDownLatch warm = new CountDownLatch(1);
        system.actorOf(Props.create(IdleActor.class, warm));
        warm.await();
        long before = heapAfterGc();
        CountDownLatch created = new CountDownLatch(count);
        Props props = Props.create(IdleActor.class, created);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            system.actorOf(props);
        }
        if (!created.await(300, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Pekko did not create " + count + " actors in 300 s");
        }
        long elapsed = System.nanoTime() - t0;
        long after = heapAfterGc();
        double[] result = {count / (elapsed / 1e9), (after - before) / (double) count};
        PekkoSupport.stop(system);
        return result;
    }

    /** Heap in use once repeated full collections stop freeing anything. */
    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(last - used) < 64 * 1024) {
                return used;
            }
            last = used;
        }
        return last;
    }
}
