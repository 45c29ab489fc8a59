package dev.molt.bench;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

/**
 * Fan-out: one sender thread (the harness's main thread) sends 100 messages to each of 10,000
 * processes, round-robin (message 1 to every process, then message 2, ...); a round ends when
 * every process has handled its 100. The processes exist before the first round (their creation
 * is not timed). Measures scheduling many small mailboxes from outside the pool: most sends wake
 * a process, and the sender competes with both workers for two cores.
 */
final class FanOut {

    static final int PROCESSES = 10_000;
    static final int PER_PROCESS = 100;
    static final int TOTAL = PROCESSES * PER_PROCESS;

    private FanOut() {
    }

    /** Where the processes find the current round's latch; set before a round starts. */
    public static final class Round {
        volatile CountDownLatch done;
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

    static Workload molt() {
        ProcessRuntime runtime = MoltSupport.start();
        MoltSupport.register(runtime, "fanout", "1.0.0", new ReceiverBehaviour());
        Round round = new Round();
        Pid[] pids = new Pid[PROCESSES];
        for (int i = 0; i < PROCESSES; i++) {
            pids[i] = runtime.spawn("fanout", round);
        }
        return new MoltWorkload(runtime, TOTAL) {
            @Override
            public void round() throws InterruptedException {
                CountDownLatch done = new CountDownLatch(PROCESSES);
                round.done = done;
                for (int m = 0; m < PER_PROCESS; m++) {
                    for (Pid pid : pids) {
                        runtime.send(pid, FanIn.Tick.TICK);
                    }
                }
                PingPong.await(done);
            }
        };
    }

    // ---- Pekko ----

    public static final class PekkoReceiver extends AbstractActor {
        private final Round round;
        private int count;

        public PekkoReceiver(Round round, CountDownLatch created) {
            this.round = round;
            created.countDown();
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

    static Workload pekko() throws InterruptedException {
        ActorSystem system = PekkoSupport.start("fanout");
        Round round = new Round();
        ActorRef[] refs = new ActorRef[PROCESSES];
        // actorOf returns before the actor exists; wait for every constructor, so that no
        // creation is left for the first round to finish.
        CountDownLatch created = new CountDownLatch(PROCESSES);
        for (int i = 0; i < PROCESSES; i++) {
            refs[i] = system.actorOf(Props.create(PekkoReceiver.class, () -> new PekkoReceiver(round, created)));
        }
        PingPong.await(created);
        return new PekkoWorkload(system, TOTAL) {
            @Override
            public void round() throws InterruptedException {
                CountDownLatch done = new CountDownLatch(PROCESSES);
                round.done = done;
                for (int m = 0; m < PER_PROCESS; m++) {
                    for (ActorRef ref : refs) {
                        ref.tell(FanIn.Tick.TICK, ActorRef.noSender());
                    }
                }
                PingPong.await(done);
            }
        };
    }
}
