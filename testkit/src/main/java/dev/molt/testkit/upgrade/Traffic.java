package dev.molt.testkit.upgrade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.molt.testkit.Await;

import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;

/**
 * Drives a scenario's traffic: several sender threads send sequence-numbered messages
 * ({@code List.of(sender, seq)}, see {@link SeenSequences}) to the processes, and one caller
 * thread keeps calling them, for as long as the scenario runs.
 *
 * <p>The traffic comes in rounds so that it overlaps every step: the scenario releases a round,
 * then performs a step while each sender sends that round's share. The driver is the phaser's one
 * party; senders only wait on it, so a failed driver leaves no sender blocked for long.
 *
 * <p>Thread rules: {@link #start}, {@link #releaseRound} and {@link #finish} are called by the
 * scenario's thread; {@link #sent} is read after {@link #finish} (the join orders the senders'
 * writes before the read).
 */
final class Traffic {

    private final ProcessRuntime runtime;
    private final List<Pid> pids;
    private final int senders;
    private final int perSenderPerRound;
    private final int rounds;
    private final Object callMessage;
    private final Duration timeout;

    private final Phaser released = new Phaser(1);
    private final long[][] sent;
    private final List<Thread> threads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopCalling = new AtomicBoolean();
    private final AtomicLong answered = new AtomicLong();
    private final LongAdder sentSoFar = new LongAdder();
    private Thread caller;

    Traffic(ProcessRuntime runtime, List<Pid> pids, int senders, int perSenderPerRound, int rounds, Object callMessage,
            Duration timeout) {
        this.runtime = runtime;
        this.pids = List.copyOf(pids);
        this.senders = senders;
        this.perSenderPerRound = perSenderPerRound;
        this.rounds = rounds;
        this.callMessage = callMessage;
        this.timeout = timeout;
        this.sent = new long[senders][pids.size()];
    }

    static String senderName(int sender) {
        return "s" + sender;
    }

    void start() {
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread t = new Thread(() -> send(sender), "molt-testkit-sender-" + s);
            // Daemon: a scenario that failed half-way leaves nothing that keeps the JVM up.
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        caller = new Thread(this::call, "molt-testkit-caller");
        caller.setDaemon(true);
        caller.start();
    }

    private void send(int sender) {
        String name = senderName(sender);
        int n = pids.size();
        try {
            for (int r = 0; r < rounds; r++) {
                if (released.awaitAdvanceInterruptibly(r, timeout.toMillis(), TimeUnit.MILLISECONDS) < 0) {
                    return; // abandoned: the scenario failed and sends no more rounds
                }
                for (int i = 0; i < perSenderPerRound; i++) {
                    // Each sender walks the processes from its own offset, so that the senders'
                    // messages to one process interleave.
                    int k = (int) (((long) sender * 7919 + (long) r * perSenderPerRound + i) % n);
                    runtime.send(pids.get(k), List.of(name, ++sent[sender][k]));
                    sentSoFar.increment();
                }
            }
        } catch (Exception e) {
            failures.add(name + ": " + e);
        }
    }

    private void call() {
        while (!stopCalling.get()) {
            Pid p = pids.get(ThreadLocalRandom.current().nextInt(pids.size()));
            try {
                runtime.call(p, callMessage, timeout);
                answered.incrementAndGet();
            } catch (Exception e) {
                failures.add("call " + callMessage + " to " + p + ": " + e);
            }
        }
    }

    /** Lets the senders send round {@code round} (0-based; rounds are released in order). */
    void releaseRound(int round) {
        if (released.getPhase() != round) {
            throw new IllegalStateException("round " + round + " released out of turn; phase " + released.getPhase());
        }
        released.arrive();
    }

    /**
     * Waits until the senders are half-way through {@code round}, so that the step that follows
     * finds messages handled by the old code, messages queued, and messages still to come.
     */
    void awaitHalfOf(int round) {
        long target = (long) senders * perSenderPerRound * round + Math.max(1, (long) senders * perSenderPerRound / 2);
        Await.until("the senders to be half-way through round " + (round + 1) + " (" + target + " messages sent)", timeout,
                () -> sentSoFar.sum() >= target || !failures.isEmpty());
    }

    /** Waits for the senders to send everything, then stops the caller. */
    void finish() throws InterruptedException {
        for (Thread t : threads) {
            t.join(timeout.toMillis());
            if (t.isAlive()) {
                failures.add(t.getName() + " had not finished " + timeout.toMillis() + " ms after its last round");
            }
        }
        stopCalling.set(true);
        caller.join(timeout.toMillis());
    }

    /** Stops everything at once (a failed scenario). */
    void abandon() {
        stopCalling.set(true);
        released.forceTermination();
    }

    long sent(int sender, int process) {
        return sent[sender][process];
    }

    long answered() {
        return answered.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }
}
