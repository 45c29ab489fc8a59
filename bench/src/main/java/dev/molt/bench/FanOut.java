package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import dev.molt.runtime.MoltRuntime;
import java.util.concurrent.CountDownLatch;
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
 * One sender thread sends 100 messages to each of 10,000 processes, round-robin (message 1 to
 * every process, then message 2, ...); an invocation ends when every process has handled its
 * 100. The score is time per message, reported as messages per second. Measures scheduling many
 * small mailboxes: most sends wake a process.
 */
@BenchmarkMode(Mode.SingleShotTime)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FanOut {

    static final int PROCESSES = 10_000;
    static final int PER_PROCESS = 100;

    /** Where the processes find the current round's latch; set before a round starts. */
    public static final class Round {
        volatile CountDownLatch done;
    }

    @Benchmark
    @OperationsPerInvocation(PROCESSES * PER_PROCESS)
    public void molt(MoltSide side) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(PROCESSES);
        side.round.done = done;
        for (int m = 0; m < PER_PROCESS; m++) {
            for (Pid pid : side.pids) {
                side.runtime.send(pid, FanIn.Tick.TICK);
            }
        }
        PingPong.await(done);
    }

    @Benchmark
    @OperationsPerInvocation(PROCESSES * PER_PROCESS)
    public void pekko(PekkoSide side) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(PROCESSES);
        side.round.done = done;
        for (int m = 0; m < PER_PROCESS; m++) {
            for (ActorRef ref : side.refs) {
                ref.tell(FanIn.Tick.TICK, ActorRef.noSender());
            }
        }
        PingPong.await(done);
    }

    // ---- Molt ----

    /** A receiver's state: ticks seen in this round, and where the round's latch is. */
    public record Seen(int count, Round round) {
    }

    public static final class ReceiverBehaviour implements Behaviour<Seen> {
        @Override
        public Seen init(ProcessContext context, Object argument) {
            return new Seen(0, (Round) argument);
        }

        @Override
        public Seen handle(ProcessContext context, Seen state, Object message) {
            int count = state.count() + 1;
            if (count == PER_PROCESS) {
                state.round().done.countDown();
                count = 0;
            }
            return new Seen(count, state.round());
        }
    }

    @State(Scope.Benchmark)
    public static class MoltSide {
        MoltRuntime runtime;
        final Round round = new Round();
        final Pid[] pids = new Pid[PROCESSES];

        @Setup(Level.Trial)
        public void start() {
            runtime = MoltSupport.start();
            MoltSupport.register(runtime, "fanout", "1.0.0", new ReceiverBehaviour());
            for (int i = 0; i < PROCESSES; i++) {
                pids[i] = runtime.spawn("fanout", round);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            runtime.shutdown();
        }
    }

    // ---- Pekko ----

    public static final class PekkoReceiver extends AbstractActor {
        private final Round round;
        private int count;

        public PekkoReceiver(Round round) {
            this.round = round;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(FanIn.Tick.class, t -> {
                if (++count == PER_PROCESS) {
                    round.done.countDown();
                    count = 0;
                }
            }).build();
        }
    }

    @State(Scope.Benchmark)
    public static class PekkoSide {
        ActorSystem system;
        final Round round = new Round();
        final ActorRef[] refs = new ActorRef[PROCESSES];

        @Setup(Level.Trial)
        public void start() {
            system = PekkoSupport.start("fanout");
            for (int i = 0; i < PROCESSES; i++) {
                refs[i] = system.actorOf(Props.create(PekkoReceiver.class, () -> new PekkoReceiver(round)));
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            PekkoSupport.stop(system);
        }
    }
}
