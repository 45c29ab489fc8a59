package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import dev.molt.runtime.MoltRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Four producer threads (not processes) each send one million messages to one process; an
 * invocation ends when the process has handled all four million. The score is time per message,
 * which the report turns into messages per second. Measures the multi-producer enqueue under
 * contention and the consumer's batch drain.
 */
@BenchmarkMode(Mode.SingleShotTime)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FanIn {

    static final int PRODUCERS = 4;
    static final int PER_PRODUCER = 1_000_000;
    static final int TOTAL = PRODUCERS * PER_PRODUCER;

    /** The message every producer sends: one shared constant, so no allocation is measured. */
    public enum Tick { TICK }

    /** Tells the consumer how many ticks make a round and whom to tell when they are in. */
    public record Expect(long count, CountDownLatch done) {
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public void molt(MoltSide side) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        side.runtime.send(side.consumer, new Expect(TOTAL, done));
        produce(side.producers, () -> {
            for (int i = 0; i < PER_PRODUCER; i++) {
                side.runtime.send(side.consumer, Tick.TICK);
            }
        });
        PingPong.await(done);
    }

    @Benchmark
    @OperationsPerInvocation(TOTAL)
    public void pekko(PekkoSide side) throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        side.consumer.tell(new Expect(TOTAL, done), ActorRef.noSender());
        produce(side.producers, () -> {
            for (int i = 0; i < PER_PRODUCER; i++) {
                side.consumer.tell(Tick.TICK, ActorRef.noSender());
            }
        });
        PingPong.await(done);
    }

    /** Runs {@code work} on every producer thread at once and waits for all of them. */
    static void produce(ExecutorService producers, Runnable work) throws Exception {
        List<Future<?>> sent = new ArrayList<>(PRODUCERS);
        for (int p = 0; p < PRODUCERS; p++) {
            sent.add(producers.submit(work));
        }
        for (Future<?> f : sent) {
            f.get();
        }
    }

    static ExecutorService producerThreads() {
        return Executors.newFixedThreadPool(PRODUCERS, r -> {
            Thread t = new Thread(r, "fan-in-producer");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- Molt ----

    /** The consumer's state: ticks still expected in this round, and whom to tell. */
    public record Tally(long remaining, CountDownLatch done) {
    }

    public static final class ConsumerBehaviour implements Behaviour<Tally> {
        @Override
        public Tally init(ProcessContext context, Object argument) {
            return new Tally(0, null);
        }

        @Override
        public Tally handle(ProcessContext context, Tally state, Object message) {
            if (message instanceof Expect expect) {
                return new Tally(expect.count(), expect.done());
            }
            long left = state.remaining() - 1;
            if (left == 0) {
                state.done().countDown();
            }
            return new Tally(left, state.done());
        }
    }

    @State(Scope.Benchmark)
    public static class MoltSide {
        MoltRuntime runtime;
        Pid consumer;
        ExecutorService producers;

        @Setup(Level.Trial)
        public void start() {
            runtime = MoltSupport.start();
            MoltSupport.register(runtime, "fanin", "1.0.0", new ConsumerBehaviour());
            consumer = runtime.spawn("fanin", null);
            producers = producerThreads();
        }

        @TearDown(Level.Trial)
        public void stop() {
            producers.shutdownNow();
            runtime.shutdown();
        }
    }

    // ---- Pekko ----

    public static final class PekkoConsumer extends AbstractActor {
        private long remaining;
        private CountDownLatch done;

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(Tick.class, t -> {
                        if (--remaining == 0) {
                            done.countDown();
                        }
                    })
                    .match(Expect.class, e -> {
                        remaining = e.count();
                        done = e.done();
                    })
                    .build();
        }
    }

    @State(Scope.Benchmark)
    public static class PekkoSide {
        ActorSystem system;
        ActorRef consumer;
        ExecutorService producers;

        @Setup(Level.Trial)
        public void start() {
            system = PekkoSupport.start("fanin");
            consumer = system.actorOf(Props.create(PekkoConsumer.class, PekkoConsumer::new));
            producers = producerThreads();
        }

        @TearDown(Level.Trial)
        public void stop() {
            producers.shutdownNow();
            PekkoSupport.stop(system);
        }
    }
}
