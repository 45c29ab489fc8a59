package dev.molt.bench.remote;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;

import dev.molt.bench.pekko.PekkoSupport;

/**
 * Pekko's side of {@link RemoteMessages}: an actor system with remoting over Artery TCP on
 * loopback, the harness's dispatcher (two threads, throughput 50), Integer and String messages (Pekko's
 * own primitive serializers; Java serialization stays off), the peer's actors found by path.
 */
final class PekkoRemote implements RemoteMessages.Side {

    static final class Pong extends AbstractActor {
        @Override
        public Receive createReceive() {
            return receiveBuilder().match(Integer.class, n -> getSender().tell(n, getSelf())).build();
        }
    }

    static final class Sink extends AbstractActor {
        private long count;
        private long expected;
        private ActorRef notify;

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(String.class, s -> {
                        count = 0;
                        expected = Long.parseLong(s.substring("expect:".length()));
                        notify = getSender();
                    })
                    .match(Integer.class, i -> {
                        count++;
                        if (expected > 0 && count == expected) {
                            expected = 0;
                            notify.tell("done", getSelf());
                        }
                    }).build();
        }
    }

    static final class Ping extends AbstractActor {
        private final ActorRef pong;
        private final PekkoRemote side;

        Ping(ActorRef pong, PekkoRemote side) {
            this.pong = pong;
            this.side = side;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(String.class, s -> pong.tell(RemoteMessages.ROUND_TRIPS, getSelf()))
                    .match(Integer.class, n -> {
                        if (n <= 1) {
                            side.done.countDown();
                        } else {
                            pong.tell(n - 1, getSelf());
                        }
                    }).build();
        }
    }

    static final class Notify extends AbstractActor {
        private final PekkoRemote side;

        Notify(PekkoRemote side) {
            this.side = side;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder().match(String.class, s -> side.done.countDown()).build();
        }
    }

    private final ActorSystem system;
    private final int peerPort;
    private ActorRef sink;
    private ActorRef ping;
    private ActorRef notify;
    /** Set by the driver's thread before a round's first send (volatile: an actor's thread reads it). */
    volatile CountDownLatch done;

    private PekkoRemote(int port, int peerPort) {
        this.peerPort = peerPort;
        Config remote = ConfigFactory.parseString(PekkoSupport.configText()
                + "\npekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\n"
                + "pekko.log-dead-letters = off\npekko.log-dead-letters-during-shutdown = off\n"
                + "pekko.actor.provider = remote\n"
                + "pekko.remote.warn-about-direct-use = off\n"
                // Artery drops what does not fit its outbound queue (at-most-once delivery): room for
                // a whole fan-in round, so that the round measures throughput, not drops.
                + "pekko.remote.artery.advanced.outbound-message-queue-size = 500000\n"
                + "pekko.remote.artery.transport = tcp\n"
                + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = " + port + "\n");
        system = ActorSystem.create("bench", remote.withFallback(ConfigFactory.load()));
    }

    static PekkoRemote peer(int driverPort, int peerPort) {
        PekkoRemote p = new PekkoRemote(peerPort, driverPort);
        p.system.actorOf(Props.create(Pong.class, Pong::new), "pong");
        p.system.actorOf(Props.create(Sink.class, Sink::new), "sink");
        return p;
    }

    static PekkoRemote driver(int driverPort, int peerPort) {
        return new PekkoRemote(driverPort, peerPort);
    }

    @Override
    public void connect() throws Exception {
        String at = "pekko://bench@127.0.0.1:" + peerPort + "/user/";
        ActorRef pong = system.actorSelection(at + "pong").resolveOne(Duration.ofSeconds(30)).toCompletableFuture().get();
        sink = system.actorSelection(at + "sink").resolveOne(Duration.ofSeconds(30)).toCompletableFuture().get();
        ping = system.actorOf(Props.create(Ping.class, () -> new Ping(pong, this)), "ping");
        notify = system.actorOf(Props.create(Notify.class, () -> new Notify(this)), "notify");
    }

    @Override
    public long round(String workload) throws Exception {
        done = new CountDownLatch(1);
        if (workload.equals("pingpong")) {
            ping.tell("start", ActorRef.noSender());
            MoltRemote.await(done);
            return 2L * RemoteMessages.ROUND_TRIPS;
        }
        long total = (long) RemoteMessages.SENDERS * RemoteMessages.PER_SENDER;
        // Told from this thread before the senders start: Artery's one outbound lane keeps it first.
        sink.tell("expect:" + total, notify); // the sink answers "done" to notify
        Thread[] senders = new Thread[RemoteMessages.SENDERS];
        Integer one = 1;
        for (int i = 0; i < senders.length; i++) {
            senders[i] = new Thread(() -> {
                for (int k = 0; k < RemoteMessages.PER_SENDER; k++) {
                    sink.tell(one, ActorRef.noSender());
                }
            });
            senders[i].start();
        }
        for (Thread t : senders) {
            t.join();
        }
        MoltRemote.await(done);
        return total;
    }

    @Override
    public void close() {
        PekkoSupport.stop(system);
    }
}
