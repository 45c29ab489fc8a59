package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

/**
 * Ping-pong: two processes bounce one message; a round is {@link #ROUND_TRIPS} round trips (two
 * messages each). Every hop is a send to an idle process, so this measures the send, the wake-up
 * and the hand-over between the two workers: the latency path, not batching. Each hop allocates
 * one new message in both systems (Molt's carries the reply address, Pekko's the sender ref).
 */
final class PingPong {

    static final int ROUND_TRIPS = 1_000_000;
    static final int HOPS = 2 * ROUND_TRIPS;

    private PingPong() {
    }

    static void await(CountDownLatch done) throws InterruptedException {
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a round did not finish within 120 s");
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

    static Workload molt() {
        ProcessRuntime runtime = MoltSupport.start();
        MoltSupport.register(runtime, "pingpong", "1.0.0", new PlayerBehaviour());
        Pid a = runtime.spawn("pingpong", null);
        Pid b = runtime.spawn("pingpong", null);
        return new MoltWorkload(runtime, HOPS) {
            @Override
            public void round() throws InterruptedException {
                CountDownLatch done = new CountDownLatch(1);
                runtime.send(a, new Ball(b, HOPS, done));
                await(done);
            }
        };
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

    static Workload pekko() {
        ActorSystem system = PekkoSupport.start("pingpong");
        ActorRef a = system.actorOf(Props.create(PekkoPlayer.class, PekkoPlayer::new));
        ActorRef b = system.actorOf(Props.create(PekkoPlayer.class, PekkoPlayer::new));
        return new PekkoWorkload(system, HOPS) {
            @Override
            public void round() throws InterruptedException {
                CountDownLatch done = new CountDownLatch(1);
                a.tell(new PekkoBall(HOPS, done), b);
                await(done);
            }
        };
    }
}
