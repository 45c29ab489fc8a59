package dev.molt.webconsole;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.UpgradeReport;
import dev.molt.api.admin.BehaviourMetrics;
import dev.molt.api.admin.Latency;
import dev.molt.api.admin.MigrationStep;
import dev.molt.api.admin.ProcessDetails;
import dev.molt.api.admin.RuntimeInsight;
import dev.molt.api.admin.RuntimeTotals;
import dev.molt.api.admin.UpgradePauses;

/**
 * What each of the page's views shows, as JSON-ready maps, read from the runtime's two services at
 * the moment of the request. One method per view.
 */
final class Views {

    /** How long the detail view waits for a process's state (it is read at the process's next boundary). */
    static final long STATE_WAIT_MS = 2000;

    private final ProcessRuntime runtime;
    private final RuntimeInsight insight;

    Views(ProcessRuntime runtime, RuntimeInsight insight) {
        this.runtime = runtime;
        this.insight = insight;
    }

    Map<String, Object> processes(ProcessQuery q) {
        ProcessQuery.Page page = q.apply(runtime.processes());
        List<Object> rows = new ArrayList<>();
        for (ProcessInfo p : page.rows()) {
            rows.add(row(p));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("total", page.total());
        out.put("page", page.page());
        out.put("size", page.size());
        out.put("pages", page.pages());
        out.put("rows", rows);
        return out;
    }

    private static Map<String, Object> row(ProcessInfo p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", p.pid().id());
        m.put("name", p.name());
        m.put("behaviour", p.behaviour());
        m.put("version", p.version());
        m.put("status", p.status().name());
        m.put("mailbox", p.mailboxDepth());
        m.put("handled", p.handled());
        m.put("upgrades", p.upgrades());
        m.put("held", p.heldReason());
        return m;
    }

    /** One process; absent when it is not alive. */
    Map<String, Object> process(Pid pid) {
        ProcessDetails d = insight.details(pid).orElse(null);
        if (d == null) {
            return null;
        }
        Map<String, Object> m = row(d.info());
        m.put("links", ids(d.links()));
        m.put("monitoredBy", ids(d.monitoredBy()));
        m.put("watches", d.watches());
        List<Object> steps = new ArrayList<>();
        for (MigrationStep s : d.migrations()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("at", s.at().toString());
            step.put("from", s.from());
            step.put("to", s.to());
            step.put("mode", s.mode().name());
            step.put("pauseMicros", s.pause().toNanos() / 1000.0);
            step.put("held", s.held());
            steps.add(step);
        }
        m.put("migrations", steps);
        m.put("waited", latency(d.waited()));
        m.put("handling", latency(d.handling()));
        m.put("state", state(pid));
        return m;
    }

    private String state(Pid pid) {
        try {
            return String.valueOf(runtime.state(pid).toCompletableFuture().get(STATE_WAIT_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(not read: interrupted)";
        } catch (java.util.concurrent.TimeoutException e) {
            return "(not read: the process did not reach a message boundary within " + STATE_WAIT_MS + " ms; it may be in a"
                    + " long handler)";
        } catch (java.util.concurrent.ExecutionException e) {
            return "(not read: " + e.getCause().getMessage() + ")";
        }
    }

    private static List<Long> ids(List<Pid> pids) {
        List<Long> out = new ArrayList<>(pids.size());
        for (Pid p : pids) {
            out.add(p.id());
        }
        return out;
    }

    static Map<String, Object> latency(Latency l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", l.samples());
        m.put("p50", l.p50());
        m.put("p90", l.p90());
        m.put("p99", l.p99());
        m.put("max", l.max());
        return m;
    }

    List<Object> behaviours() {
        Map<String, BehaviourMetrics> metrics = new LinkedHashMap<>();
        for (BehaviourMetrics m : insight.behaviours()) {
            metrics.put(m.name(), m);
        }
        List<Object> out = new ArrayList<>();
        for (BehaviourInfo b : runtime.behaviours()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", b.name());
            m.put("active", b.active());
            m.put("processes", b.processes());
            List<Object> versions = new ArrayList<>();
            for (BehaviourInfo.VersionInfo v : b.details()) {
                Map<String, Object> vm = new LinkedHashMap<>();
                vm.put("version", v.version());
                vm.put("bundle", v.bundle());
                vm.put("processes", v.processes());
                vm.put("serving", v.serving());
                vm.put("duplicate", v.duplicate());
                versions.add(vm);
            }
            m.put("versions", versions);
            BehaviourMetrics x = metrics.get(b.name());
            if (x != null) {
                m.put("held", x.held());
                m.put("mailboxDepth", x.mailboxDepth());
                m.put("maxMailboxDepth", x.maxMailboxDepth());
                m.put("handled", x.handled());
                m.put("spawned", x.spawned());
                m.put("exited", x.exited());
                m.put("crashes", x.crashes());
                m.put("recentCrashes", x.recentCrashes());
                m.put("restarts", x.restarts());
                m.put("waited", latency(x.waited()));
                m.put("handling", latency(x.handling()));
            }
            out.add(m);
        }
        return out;
    }

    /** Newest first. */
    List<Object> upgrades() {
        List<Object> out = new ArrayList<>();
        for (UpgradePauses u : insight.upgrades()) {
            UpgradeReport r = u.report();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("behaviour", r.behaviour());
            m.put("from", r.fromVersion());
            m.put("to", r.toVersion());
            m.put("mode", r.mode().name());
            m.put("outcome", r.outcome().name());
            m.put("started", r.started().toString());
            m.put("processes", r.processes());
            m.put("migrated", r.migrated());
            m.put("held", r.held().size());
            m.put("failed", r.failed());
            m.put("totalMs", r.total().toNanos() / 1e6);
            m.put("longestPauseMs", r.longestPause().toNanos() / 1e6);
            m.put("summary", r.summary());
            m.put("pauses", latency(u.pauses()));
            List<Object> buckets = new ArrayList<>();
            for (UpgradePauses.Bucket b : u.buckets()) {
                buckets.add(Map.of("upToNanos", b.upToNanos(), "count", b.count()));
            }
            m.put("buckets", buckets);
            out.add(m);
        }
        Collections.reverse(out);
        return out;
    }

    /** Asks a held process to import again (see {@link RuntimeInsight#retry}). */
    void retry(Pid pid) {
        insight.retry(pid);
    }

    List<Object> held() {
        List<Object> out = new ArrayList<>();
        for (ProcessInfo p : runtime.processes()) {
            if (p.status() == ProcessStatus.HELD) {
                out.add(row(p));
            }
        }
        return out;
    }

    Map<String, Object> totals() {
        RuntimeTotals t = insight.totals();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("processes", t.processes());
        m.put("spawned", t.spawned());
        m.put("exited", t.exited());
        m.put("crashes", t.crashes());
        m.put("handled", t.handled());
        m.put("held", t.held());
        m.put("latencySampling", t.latencySampling());
        m.put("processLatency", t.processLatency());
        m.put("eventsDropped", t.eventsDropped());
        return m;
    }
}
