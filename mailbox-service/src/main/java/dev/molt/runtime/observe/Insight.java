package dev.molt.runtime.observe;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import java.util.function.Consumer;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessStatus;
import dev.molt.api.admin.BehaviourMetrics;
import dev.molt.api.admin.Latency;
import dev.molt.api.admin.ProcessDetails;
import dev.molt.api.admin.RuntimeInsight;
import dev.molt.api.admin.RuntimeTotals;
import dev.molt.api.admin.UpgradePauses;
import dev.molt.runtime.code.BehaviourLine;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.CodeRegistry;
import dev.molt.runtime.code.Member;
import dev.molt.runtime.process.Inspection;
import dev.molt.runtime.process.Kernel;
import dev.molt.runtime.process.Proc;
import dev.molt.runtime.upgrade.UpgradeHistory;
import dev.molt.runtime.upgrade.UpgradeRecord;

/**
 * The {@link RuntimeInsight} service: metrics read from the live processes (each version's process
 * set, walked without stopping anyone), the counters of {@link Observations}, and the timings.
 *
 * <p>Thread rule: any thread. A behaviour's figures cost a walk over its processes (their mailbox
 * depth walks each queue): made for dashboards and health checks every few seconds, not for a loop.
 */
public final class Insight implements RuntimeInsight {

    private static final long MINUTE = 60_000_000_000L;

    private final CodeRegistry registry;
    private final Kernel kernel;
    private final Observations observations;
    private final UpgradeHistory history;
    private final Consumer<Pid> retry;

    /** @param retry how a held process is retried (the facade's, which asks the coordinator) */
    public Insight(CodeRegistry registry, Kernel kernel, Observations observations, UpgradeHistory history,
                   Consumer<Pid> retry) {
        this.registry = registry;
        this.kernel = kernel;
        this.observations = observations;
        this.history = history;
        this.retry = retry;
    }

    @Override
    public List<UpgradePauses> upgrades() {
        List<UpgradePauses> out = new ArrayList<>();
        for (UpgradeRecord r : history.settledRecords()) {
            Histogram h = observations.pausesOf(r);
            List<UpgradePauses.Bucket> buckets = new ArrayList<>();
            if (h != null && h.getTotalCount() > 0) {
                for (HistogramIterationValue b : h.logarithmicBucketValues(1000, 2)) {
                    buckets.add(new UpgradePauses.Bucket(b.getValueIteratedTo(), b.getCountAddedInThisIterationStep()));
                }
            }
            out.add(new UpgradePauses(r.report(), LatencyWindow.of(h), buckets));
        }
        return out;
    }

    @Override
    public void retry(Pid pid) {
        retry.accept(pid);
    }

    @Override
    public RuntimeTotals totals() {
        int live = kernel.table().size();
        long handled = observations.handledByEnded();
        int held = 0;
        for (Proc p : kernel.table().all()) {
            ProcessInfo i = p.snapshot();
            handled += i.handled();
            if (i.status() == ProcessStatus.HELD) {
                held++;
            }
        }
        ObserveSettings s = observations.settings();
        long exited = observations.exited();
        return new RuntimeTotals(live, live + exited, exited, observations.crashes(), handled, held, s.latencySampling(),
                s.processLatency(), observations.events().dropped());
    }

    @Override
    public List<BehaviourMetrics> behaviours() {
        List<BehaviourMetrics> out = new ArrayList<>();
        for (BehaviourLine line : registry.lines()) {
            out.add(metrics(line));
        }
        out.sort(Comparator.comparing(BehaviourMetrics::name));
        return out;
    }

    @Override
    public Optional<BehaviourMetrics> behaviour(String name) {
        BehaviourLine line = registry.line(name);
        return line == null ? Optional.empty() : Optional.of(metrics(line));
    }

    private BehaviourMetrics metrics(BehaviourLine line) {
        Map<String, Integer> byVersion = new TreeMap<>();
        long[] sums = new long[3]; // depth, max depth, handled
        int[] held = new int[1];
        Pid[] deepest = new Pid[1];
        int live = 0;
        for (BehaviourVersion v : line.versions()) {
            List<Member> members = v.members().snapshot();
            byVersion.merge(v.version(), members.size(), Integer::sum);
            live += members.size();
            add(members, sums, held, deepest);
        }
        List<Member> waiting = line.waiting().snapshot();
        if (!waiting.isEmpty()) {
            byVersion.put("waiting", waiting.size());
            live += waiting.size();
            add(waiting, sums, held, deepest);
        }
        Observations.Counters c = observations.countersOf(line);
        Timings.Windows w = observations.timings().of(line);
        BehaviourVersion serving = line.serving();
        long exited = c.exited.sum();
        return new BehaviourMetrics(line.name(), serving == null ? null : serving.version(), live, byVersion, held[0],
                sums[0], sums[1], deepest[0], sums[2] + c.handledByEnded.sum(), live + exited, exited, c.crashes.sum(),
                c.crashesWithin(System.nanoTime(), MINUTE), c.restarts.sum(), w.waited.read(), w.handling.read());
    }

    private static void add(List<Member> members, long[] sums, int[] held, Pid[] deepest) {
        for (Member m : members) {
            ProcessInfo i = ((Proc) m).snapshot();
            sums[0] += i.mailboxDepth();
            if (i.mailboxDepth() > sums[1]) {
                sums[1] = i.mailboxDepth();
                deepest[0] = i.pid();
            }
            sums[2] += i.handled();
            if (i.status() == ProcessStatus.HELD) {
                held[0]++;
            }
        }
    }

    @Override
    public Optional<ProcessDetails> details(Pid pid) {
        Proc p = kernel.table().get(pid);
        if (p == null) {
            return Optional.empty();
        }
        Inspection.Watching w = Inspection.watching(p);
        Timings.Own own = observations.timings().ownOf(p);
        Latency waited = own == null ? Latency.NONE : own.waited();
        Latency handling = own == null ? Latency.NONE : own.handling();
        return Optional.of(new ProcessDetails(p.snapshot(), w.links(), w.monitoredBy(), w.watches(),
                observations.trails().of(pid), waited, handling));
    }
}
