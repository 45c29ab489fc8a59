package dev.molt.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.AllForOneStrategy;
import org.apache.pekko.actor.OneForOneStrategy;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.SupervisorStrategy;
import org.apache.pekko.japi.Function;

import com.typesafe.config.ConfigFactory;

import dev.molt.api.Behaviour;
import dev.molt.api.ChildSpec;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.SupervisorSpec;
import dev.molt.api.Supervisors;
import dev.molt.bench.molt.MoltSupport;
import dev.molt.bench.pekko.PekkoSupport;
import dev.molt.supervision.Supervisor;
import dev.molt.supervision.SupervisorsService;

/**
 * What a crash costs under a supervisor: Molt's built-in supervisor beside a Pekko classic parent
 * with the same strategy, each in its own JVM ({@code bench/restart-cost} alternates them).
 *
 * <ul>
 * <li><b>one child</b> (one_for_one, Pekko's {@code OneForOneStrategy}): the time from the crash
 * message's send, on a thread outside the runtime, until the restarted child's start hook has run
 * (Molt: {@code init} of the new process; Pekko: {@code preStart} of the new instance).</li>
 * <li><b>one_for_all of 1,000 children</b> (Pekko's {@code AllForOneStrategy}): one child crashes;
 * the time until all 1,000 have started again.</li>
 * </ul>
 * Both are told to restart without limit and without logging each failure (Molt's runtime log is
 * switched off in this JVM; Pekko's strategy has {@code loggingEnabled = false}), so what is timed
 * is the restart itself. One difference stays, and is the systems' own: Molt restarts a child as a
 * new process with a new pid (as OTP does), Pekko restarts a new instance behind the same
 * {@code ActorRef} and mailbox.
 *
 * <p>Usage: {@code RestartCost molt|pekko ONE_ROUNDS ALL_ROUNDS}. Prints two lines
 * {@code SYSTEM WHAT median=.. p90=.. max=.. us rounds=N java=VERSION}.
 */
public final class RestartCost {

    static final int CHILDREN = 1_000;
    static final String CRASH = "crash";
    /** Released once per child start, by either system's start hook. */
    static final Semaphore STARTED = new Semaphore(0);

    /** Makes one system's tree: {@code children} children under one_for_one, or under one_for_all. */
    interface TreeFactory {
        Tree make(int children, boolean oneForAll);
    }

    /** One system under test: set up a tree, aim at a child (untimed), crash it (timed), tear down. */
    interface Tree extends AutoCloseable {
        /** Finds the child as it is now; the returned action sends it the crash. */
        Runnable crasher(int child) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[0].equals("molt") || args[0].equals("pekko"))) {
            System.err.println("usage: RestartCost molt|pekko ONE_ROUNDS ALL_ROUNDS");
            System.exit(2);
        }
        String system = args[0];
        int oneRounds = Integer.parseInt(args[1]);
        int allRounds = Integer.parseInt(args[2]);
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
        TreeFactory make = system.equals("molt") ? MoltTree::new : PekkoTree::new;
        report(system, "one_for_one restart of 1 child", measure(make, 1, false, oneRounds / 2, oneRounds));
        report(system, "one_for_all restart of " + CHILDREN + " children", measure(make, CHILDREN, true, 3, allRounds));
        System.exit(0);
    }

    /** Microseconds per round: crash child 0, wait for {@code children} starts. */
    static double[] measure(TreeFactory make, int children, boolean all, int warmups, int rounds) throws Exception {
        double[] us = new double[rounds];
        try (Tree tree = make.make(children, all)) {
            await(children, "the tree to start");
            for (int r = -warmups; r < rounds; r++) {
                Runnable crash = tree.crasher(0);
                long t0 = System.nanoTime();
                crash.run();
                await(children, "the restart");
                long t1 = System.nanoTime();
                if (r >= 0) {
                    us[r] = (t1 - t0) / 1_000.0;
                }
            }
        }
        return us;
    }

    private static void await(int starts, String what) throws InterruptedException {
        if (!STARTED.tryAcquire(starts, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(what + " took more than 60 s (" + STARTED.availablePermits() + " of " + starts + ")");
        }
    }

    private static void report(String system, String what, double[] us) {
        System.out.printf(Locale.ROOT, "%s %s median=%.1f p90=%.1f max=%.1f us rounds=%d java=%s%n", system, what,
                Stats.median(us), Stats.quantile(us, 0.9), Stats.max(us), us.length, System.getProperty("java.version"));
    }

    // ---- Molt ------------------------------------------------------------------------------

    /** A child: its init counts a start; "crash" throws. */
    public static final class Child implements Behaviour<Integer> {
        @Override
        public Integer init(ProcessContext ctx, Object argument) {
            STARTED.release();
            return 0;
        }

        @Override
        public Integer handle(ProcessContext ctx, Integer state, Object message) {
            if (CRASH.equals(message)) {
                throw new IllegalStateException("crashed on purpose");
            }
            return state + 1;
        }
    }

    static final class MoltTree implements Tree {
        final ProcessRuntime runtime = MoltSupport.start();
        final Supervisors supervisors;
        final String name = "bench-sup";

        /** {@code children} children under one_for_one, or under one_for_all. */
        MoltTree(int children, boolean oneForAll) {
            MoltSupport.register(runtime, Supervisors.BEHAVIOUR, "1.0.0", new Supervisor());
            MoltSupport.register(runtime, "child", "1.0.0", new Child());
            supervisors = new SupervisorsService(runtime);
            List<ChildSpec> specs = new ArrayList<>();
            for (int i = 0; i < children; i++) {
                specs.add(ChildSpec.worker("c" + i, "child", null));
            }
            SupervisorSpec.Strategy strategy = oneForAll ? SupervisorSpec.Strategy.ONE_FOR_ALL
                    : SupervisorSpec.Strategy.ONE_FOR_ONE;
            supervisors.start(name, new SupervisorSpec(strategy, Integer.MAX_VALUE, Duration.ofSeconds(1), specs));
        }

        @Override
        public Runnable crasher(int child) {
            Pid p = supervisors.whichChildren(name).stream().filter(c -> c.id().equals("c" + child)).findFirst()
                    .orElseThrow().pid();
            return () -> runtime.send(p, CRASH);
        }

        @Override
        public void close() {
            MoltSupport.stop(runtime);
        }
    }

    // ---- Pekko -----------------------------------------------------------------------------

    /** A child: preStart (every new instance, the first and each restart's) counts a start; "crash" throws. */
    static final class PekkoChild extends AbstractActor {
        @Override
        public void preStart() {
            STARTED.release();
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchEquals(CRASH, m -> {
                throw new IllegalStateException("crashed on purpose");
            }).matchAny(m -> { }).build();
        }
    }

    /** The children of the one Pekko tree in this JVM; a restarted child keeps its ref. */
    static volatile ActorRef[] CHILDREN_REFS;

    /** The parent: starts the children and restarts them by its strategy. */
    static final class Parent extends AbstractActor {
        private final SupervisorStrategy strategy;

        Parent(int children, boolean oneForAll) {
            Function<Throwable, SupervisorStrategy.Directive> restart = t -> SupervisorStrategy.restart();
            scala.concurrent.duration.Duration unlimited = scala.concurrent.duration.Duration.Inf();
            this.strategy = oneForAll ? new AllForOneStrategy(-1, unlimited, restart, false)
                    : new OneForOneStrategy(-1, unlimited, restart, false);
            ActorRef[] refs = new ActorRef[children];
            for (int i = 0; i < refs.length; i++) {
                refs[i] = getContext().actorOf(Props.create(PekkoChild.class, PekkoChild::new), "c" + i);
            }
            CHILDREN_REFS = refs; // volatile: the harness reads the refs after this write
        }

        @Override
        public SupervisorStrategy supervisorStrategy() {
            return strategy;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().matchAny(m -> { }).build();
        }
    }

    static final class PekkoTree implements Tree {
        final ActorSystem system;
        final ActorRef parent;

        PekkoTree(int children, boolean oneForAll) {
            system = ActorSystem.create("restart", ConfigFactory.parseString(PekkoSupport.configText()
                    + "\npekko.loglevel = OFF\npekko.stdout-loglevel = OFF\npekko.log-dead-letters = off\n")
                    .withFallback(ConfigFactory.defaultReference()));
            CHILDREN_REFS = null;
            parent = system.actorOf(Props.create(Parent.class, () -> new Parent(children, oneForAll)), "parent");
        }

        @Override
        public Runnable crasher(int child) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (CHILDREN_REFS == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the Pekko parent did not start its children in 60 s");
                }
                Thread.sleep(1); // set up only, never timed
            }
            ActorRef c = CHILDREN_REFS[child];
            return () -> c.tell(CRASH, ActorRef.noSender());
        }

        @Override
        public void close() {
            PekkoSupport.stop(system);
        }
    }

    private RestartCost() {
    }
}
