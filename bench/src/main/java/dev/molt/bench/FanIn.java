package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

/**
 * Fan-in: four producer threads (not processes) each send one million messages to one process;
 * a round ends when the process has handled all four million. Measures the multi-producer
 * enqueue under contention and the consumer's batch drain. The message is one shared constant,
 * so no message allocation is measured (Pekko still allocates an envelope per send).
 */
final class FanIn {

    static final int PRODUCERS = 4;
    static final int PER_PRODUCER = 1_000_000;
    static final int TOTAL = PRODUCERS * PER_PRODUCER;

    private FanIn() {
    }

    /** The message every producer sends (fan-out sends it too). */
    public enum Tick { TICK }

    /** Tells the consumer how many ticks make a round and whom to tell when they are in. */
    public record Expect(long count, CountDownLatch done) {
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

    static Workload molt() {
        ProcessRuntime runtime = MoltSupport.start();
        MoltSupport.register(runtime, "fanin", "1.0.0", new ConsumerBehaviour());
        Pid consumer = runtime.spawn("fanin", null);
        ExecutorService producers = producerThreads();
        return new MoltWorkload(runtime, TOTAL) {
            @Override
            public void round() throws Exception {
                CountDownLatch done = new CountDownLatch(1);
                runtime.send(consumer, new Expect(TOTAL, done));
                produce(producers, () -> {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        runtime.send(consumer, Tick.TICK);
                    }
                });
                PingPong.await(done);
            }

            @Override
            public void close() {
                producers.shutdownNow();
                super.close();
            }
        };
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

    static Workload pekko() {
        ActorSystem system = PekkoSupport.start("fanin");
        ActorRef consumer = system.actorOf(Props.create(PekkoConsumer.class, PekkoConsumer::new));
        ExecutorService producers = producerThreads();
        return new PekkoWorkload(system, TOTAL) {
            @Override
            public void round() throws Exception {
                CountDownLatch done = new CountDownLatch(1);
                consumer.tell(new Expect(TOTAL, done), ActorRef.noSender());
                produce(producers, () -> {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        consumer.tell(Tick.TICK, ActorRef.noSender());
                    }
                });
                PingPong.await(done);
            }

            @Override
            public void close() {
                producers.shutdownNow();
                super.close();
            }
        };
    }
}
