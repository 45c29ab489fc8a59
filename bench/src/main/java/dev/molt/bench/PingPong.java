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
 * Two processes bounce one message back and forth; the score is messages handled per second.
 * Every hop is a send to an idle process, so this measures the send, the wake-up and the
 * hand-over between the two workers: the latency path, not batching.
 */
@BenchmarkMode(Mode.Throughput)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PingPong {

    /** Messages per invocation: one rally. */
    static final int HOPS = 20_000;

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void molt(MoltSide side) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        side.runtime.send(side.a, new Ball(side.b, HOPS, done));
        await(done);
    }

    @Benchmark
    @OperationsPerInvocation(HOPS)
    public void pekko(PekkoSide side) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        side.a.tell(new PekkoBall(HOPS, done), side.b);
        await(done);
    }

    static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a rally did not finish within 60 s");
        }
    }

    // ---- Molt ----

    /** The message: who to return it to, how many hops are left. */
    public record Ball(Pid replyTo, int remaining, CountDownLatch done) {
    }

    /** A stateless player: the state is one shared constant. */
    public record Player() {
        static final Player INSTANCE = new Player();
    }

    public static final class PlayerBehaviour implements Behaviour<Player> {
        @Override
        public Player init(ProcessContext context, Object argument) {
            return Player.INSTANCE;
        }

        @Override
        public Player handle(ProcessContext context, Player state, Object message) {
            Ball ball = (Ball) message;
            if (ball.remaining() <= 1) {
                ball.done().countDown();
            } else {
                context.runtime().send(ball.replyTo(), new Ball(context.self(), ball.remaining() - 1, ball.done()));
            }
            return state;
        }
    }

    @State(Scope.Benchmark)
    public static class MoltSide {
        MoltRuntime runtime;
        Pid a;
        Pid b;

        @Setup(Level.Trial)
        public void start() {
            runtime = MoltSupport.start();
            MoltSupport.register(runtime, "pingpong", "1.0.0", new PlayerBehaviour());
            a = runtime.spawn("pingpong", null);
            b = runtime.spawn("pingpong", null);
        }

        @TearDown(Level.Trial)
        public void stop() {
            runtime.shutdown();
        }
    }

    // ---- Pekko ----

    public record PekkoBall(int remaining, CountDownLatch done) {
    }

    public static final class PekkoPlayer extends AbstractActor {
        @Override
        public Receive createReceive() {
            return receiveBuilder().match(PekkoBall.class, ball -> {
                if (ball.remaining() <= 1) {
                    ball.done().countDown();
                } else {
                    getSender().tell(new PekkoBall(ball.remaining() - 1, ball.done()), getSelf());
                }
            }).build();
        }
    }

    @State(Scope.Benchmark)
    public static class PekkoSide {
        ActorSystem system;
        ActorRef a;
        ActorRef b;

        @Setup(Level.Trial)
        public void start() {
            system = PekkoSupport.start("pingpong");
            a = system.actorOf(Props.create(PekkoPlayer.class, PekkoPlayer::new));
            b = system.actorOf(Props.create(PekkoPlayer.class, PekkoPlayer::new));
        }

        @TearDown(Level.Trial)
        public void stop() {
            PekkoSupport.stop(system);
        }
    }
}
