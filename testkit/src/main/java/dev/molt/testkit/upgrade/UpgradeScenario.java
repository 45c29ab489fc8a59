package dev.molt.testkit.upgrade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeReport;
import dev.molt.testkit.Await;
import dev.molt.testkit.LogCapture;

/**
 * Proves an upgrade safe under load: spawns processes of the behaviour's current version, drives
 * sequence-numbered traffic from several senders and a caller throughout, performs the steps
 * (an update to version M, a rollback, ...), and then asserts, failing with an
 * {@link AssertionError} that says what went wrong:
 * <ul>
 * <li>every step's report moved every process, none held, none failed;</li>
 * <li>the class loader of each replaced revision was garbage-collected;</li>
 * <li>no message was lost, duplicated or reordered (per sender and process, read from the
 *     exported state by a {@link SequenceReader}; the protocol is on {@link SeenSequences});</li>
 * <li>every call was answered;</li>
 * <li>the test's own {@link StateCheck} holds for every process;</li>
 * <li>nothing was logged at WARNING or above unless declared with {@link #expectLog}.</li>
 * </ul>
 *
 * <pre>
 * scenario("chatroom").processes(100).senders(4).messagesPerSender(10_000).call("count")
 *         .then(UpgradeSteps.update(v2Url)).then(UpgradeSteps.rollback())
 *         .checkState((pid, state, sent) -&gt; assertEquals(sent, ((Struct) state).get("posts")))
 *         .run();
 * </pre>
 *
 * <p>Runs inside the container (a Pax Exam test method), on the test's thread.
 */
public final class UpgradeScenario {

    private final BundleContext context;
    private final ProcessRuntime runtime;
    private final String behaviour;
    private int processes = 10;
    private IntFunction<Object> spawnArgument = i -> null;
    private int senders = 3;
    private int messagesPerSender = 3_000;
    private Object callMessage;
    private SequenceReader sequences = SequenceReader.fields();
    private StateCheck stateCheck = (pid, state, sent) -> { };
    private final List<UpgradeStep> steps = new ArrayList<>();
    private final List<String> expectedLog = new ArrayList<>();
    private LogCapture log;
    private Duration timeout = Await.DEFAULT;

    private UpgradeScenario(BundleContext context, ProcessRuntime runtime, String behaviour) {
        this.context = Objects.requireNonNull(context, "context");
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.behaviour = Objects.requireNonNull(behaviour, "behaviour");
    }

    public static UpgradeScenario of(BundleContext context, ProcessRuntime runtime, String behaviour) {
        return new UpgradeScenario(context, runtime, behaviour);
    }

    /** How many processes to spawn (default 10). */
    public UpgradeScenario processes(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a scenario needs at least one process, not " + n);
        }
        this.processes = n;
        return this;
    }

    /** The {@code init} argument of the i-th process (default null). */
    public UpgradeScenario spawnArgument(IntFunction<Object> argument) {
        this.spawnArgument = argument;
        return this;
    }

    /** How many sender threads (default 3). */
    public UpgradeScenario senders(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a scenario needs at least one sender, not " + n);
        }
        this.senders = n;
        return this;
    }

    /** Sequenced messages each sender sends over the whole scenario (default 3,000). */
    public UpgradeScenario messagesPerSender(int n) {
        this.messagesPerSender = n;
        return this;
    }

    /** The message the caller thread calls with; every version must answer it. Required. */
    public UpgradeScenario call(Object message) {
        this.callMessage = message;
        return this;
    }

    /** How to read the sequences from the exported state (default: fields lastSeq and outOfOrder). */
    public UpgradeScenario sequences(SequenceReader reader) {
        this.sequences = reader;
        return this;
    }

    /** The test's own check of each process's final state. */
    public UpgradeScenario checkState(StateCheck check) {
        this.stateCheck = check;
        return this;
    }

    /** Adds a step, performed after the ones before while the traffic runs. */
    public UpgradeScenario then(UpgradeStep step) {
        steps.add(step);
        return this;
    }

    /** A log entry matching {@code regex} is expected, and does not fail the scenario. */
    public UpgradeScenario expectLog(String regex) {
        expectedLog.add(regex);
        return this;
    }

    /** Records the log in {@code capture} (a test's own) instead of one the scenario opens. */
    public UpgradeScenario log(LogCapture capture) {
        this.log = capture;
        return this;
    }

    /** How long any one wait may take (default 30 s). */
    public UpgradeScenario timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** Runs the scenario; returns what it did, or throws an {@link AssertionError}. */
    public ScenarioResult run() throws Exception {
        if (callMessage == null) {
            throw new IllegalStateException("give the scenario a call message that every version answers: .call(\"get\")");
        }
        if (steps.isEmpty()) {
            throw new IllegalStateException("give the scenario at least one step: .then(UpgradeSteps.update(url))");
        }
        boolean ownLog = log == null;
        LogCapture capture = ownLog ? LogCapture.start(context) : log;
        expectedLog.forEach(capture::expect);
        try {
            return runWith(capture);
        } finally {
            if (ownLog) {
                capture.close();
            }
        }
    }

    private ScenarioResult runWith(LogCapture capture) throws Exception {
        Await.onServiceEvents(context, "(" + dev.molt.api.Behaviour.NAME + "=" + behaviour + ")",
                behaviour + " to be registered", timeout, () -> info().active() != null);
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            pids.add(runtime.spawn(behaviour, spawnArgument.apply(i)));
        }
        int rounds = steps.size() + 1;
        int perRound = Math.max(1, messagesPerSender / rounds);
        Traffic traffic = new Traffic(runtime, pids, senders, perRound, rounds, callMessage, timeout);
        List<UpgradeReport> reports = new ArrayList<>();
        traffic.start();
        try {
            for (int i = 0; i < steps.size(); i++) {
                traffic.releaseRound(i);
                traffic.awaitHalfOf(i);
                reports.addAll(perform(i, steps.get(i)));
            }
            traffic.releaseRound(steps.size());
            traffic.finish();
        } finally {
            traffic.abandon();
        }
        if (!traffic.failures().isEmpty()) {
            List<String> f = traffic.failures();
            throw new AssertionError(f.size() + " send(s) or call(s) failed during the scenario (every call should be answered): "
                    + f.subList(0, Math.min(10, f.size())));
        }
        if (traffic.answered() == 0) {
            throw new AssertionError("no call " + callMessage + " was answered during the scenario");
        }
        long total = checkDelivery(pids, traffic);
        capture.assertNothingUnexpected();
        return new ScenarioResult(reports, total, traffic.answered());
    }

    private List<UpgradeReport> perform(int index, UpgradeStep step) throws Exception {
        BehaviourInfo before = info();
        Bundle bundle = context.getBundle(before.bundleId());
        if (bundle == null) {
            throw new AssertionError("no bundle provides " + behaviour + " before step " + (index + 1) + " (" + step.describe() + ")");
        }
        String what = "step " + (index + 1) + " (" + step.describe() + ", from " + behaviour + " " + before.active() + ")";
        ProvidingRevisions oldCode = ProvidingRevisions.of(context, behaviour);
        UpgradeStep.Result result = step.perform(new StepContext(context, runtime, behaviour, bundle, before.processes(), timeout));
        int moved = 0;
        for (UpgradeReport r : result.reports()) {
            if (!r.held().isEmpty()) {
                throw new AssertionError(what + " held " + r.held().size() + " process(es): " + r.held() + "; " + r.summary());
            }
            if (r.failed() != 0) {
                throw new AssertionError(what + ": " + r.failed() + " process(es) failed; " + r.summary());
            }
            moved += r.migrated();
        }
        if (moved != result.expectedMoved()) {
            throw new AssertionError(what + " moved " + moved + " process(es), expected " + result.expectedMoved() + ": " + result.reports());
        }
        oldCode.awaitRetiredCollected(context, behaviour, what, timeout);
        return result.reports();
    }

    /** Checks every process's sequences and the test's state check; returns the messages sent. */
    private long checkDelivery(List<Pid> pids, Traffic traffic) throws Exception {
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (int k = 0; k < pids.size(); k++) {
            Pid pid = pids.get(k);
            // The last sends may still be queued, and a state query is answered ahead of queued
            // messages: a call queues behind them all, so its answer means they were handled.
            runtime.call(pid, callMessage, timeout);
            Object state = runtime.state(pid).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            SeenSequences seen = sequences.read(state);
            long toThis = 0;
            for (int s = 0; s < senders; s++) {
                String sender = Traffic.senderName(s);
                long sent = traffic.sent(s, k);
                toThis += sent;
                Long last = seen.lastSeq().get(sender);
                if (sent > 0 && last == null) {
                    problems.add("lost: " + pid + " handled none of the " + sent + " messages from " + sender);
                } else if (last != null && last < sent) {
                    problems.add("lost: " + pid + " handled " + sender + "'s messages up to seq " + last + " of " + sent);
                } else if (last != null && last > sent) {
                    problems.add("duplicated: " + pid + " saw seq " + last + " from " + sender + ", but " + sent + " were sent");
                }
            }
            for (String sender : seen.lastSeq().keySet()) {
                if (!sender.matches("s\\d+") || Integer.parseInt(sender.substring(1)) >= senders) {
                    problems.add("invented: " + pid + " saw messages from " + sender + ", a sender the scenario never ran");
                }
            }
            if (seen.handled() != SeenSequences.UNKNOWN && seen.handled() < toThis) {
                problems.add("lost: " + pid + " handled " + seen.handled() + " sequenced message(s) of the " + toThis + " sent to it");
            } else if (seen.handled() != SeenSequences.UNKNOWN && seen.handled() > toThis) {
                problems.add("duplicated: " + pid + " handled " + seen.handled() + " sequenced message(s), but " + toThis
                        + " were sent to it");
            } else if (seen.outOfOrder() != 0) {
                problems.add((seen.handled() == toThis ? "reordered: " : "out of order: ") + pid + " handled "
                        + seen.outOfOrder() + " message(s) whose seq did not follow the sender's previous one"
                        + (seen.handled() == toThis ? "" : " (lost, duplicated or reordered)"));
            }
            try {
                stateCheck.check(pid, state, toThis);
            } catch (AssertionError | Exception e) {
                problems.add("state check: " + pid + ": " + e.getMessage() + " (state " + state + ")");
            }
            total += toThis;
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " problem(s) in what the processes handled:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
        return total;
    }

    private BehaviourInfo info() {
        return runtime.behaviours().stream().filter(b -> b.name().equals(behaviour)).findFirst()
                .orElse(new BehaviourInfo(behaviour, null, List.of(), -1, 0));
    }
}
