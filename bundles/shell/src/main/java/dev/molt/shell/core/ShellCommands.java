package dev.molt.shell.core;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.Supervisors;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;
import dev.molt.api.cluster.Cluster;
import dev.molt.api.cluster.ClusterUpgradeReport;
import dev.molt.api.cluster.NodeInfo;

/**
 * What the {@code proc:} commands do, whichever console calls them: an operator's view of the
 * {@link ProcessRuntime}. The console adapters (Gogo's in this bundle, Karaf's in
 * shell-karaf) only read what was typed into an {@link Invocation} and call {@link #run}.
 *
 * <p>Every command checks its arguments before it calls the runtime, and the runtime changes
 * nothing when it throws, so bad input prints one line on the error stream (starting with
 * {@code error:}) and changes nothing. Pids print as bare numbers, the form that can be typed
 * back at a Gogo prompt.
 */
public final class ShellCommands {

    /** Used when {@code proc:call} has no {@code --timeout}. */
    static final long DEFAULT_CALL_TIMEOUT_MS = 5000;
    /** How long {@code proc:kill} waits for the process to end when it has no {@code --timeout}. */
    static final long DEFAULT_KILL_WAIT_MS = 5000;
    /** How long {@code proc:info} waits for a busy process to reach a message boundary. */
    static final long STATE_TIMEOUT_MS = 2000;
    /** How often a rolling upgrade's progress is looked at. */
    static final long PROGRESS_EVERY_MS = 1000;
    /** Width beyond which {@code proc:info} breaks a state over several lines. */
    private static final int STATE_WIDTH = 72;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ProcessRuntime runtime;
    /** The supervision bundle's service, or null when that bundle is not running. */
    private final Supervisors supervisors;
    /** The cluster this node is in, or null outside one. */
    private final Cluster cluster;

    public ShellCommands(ProcessRuntime runtime) {
        this(runtime, null, null);
    }

    public ShellCommands(ProcessRuntime runtime, Supervisors supervisors, Cluster cluster) {
        this.runtime = runtime;
        this.supervisors = supervisors;
        this.cluster = cluster;
    }

    private Cluster cluster(String command) {
        if (cluster == null) {
            throw new ProcessException(command + " needs a cluster, and this node is in none: install the cluster bundle"
                    + " and configure it (PID dev.molt.cluster), see the README's Cluster section");
        }
        return cluster;
    }

    /**
     * Reads the invocation and runs it. Bad input, and a runtime error (which means nothing
     * changed), print one line on {@code err}; anything else is a bug and goes to the console
     * with its stack trace.
     */
    public void run(Supplier<Invocation> read, PrintStream out, PrintStream err) {
        try {
            Invocation in = read.get();
            switch (in.syntax()) {
                case SPAWN -> spawn(in, out);
                case SEND -> send(in);
                case CALL -> call(in, out);
                case PS -> ps(in, out);
                case INFO -> info(in, out);
                case KILL -> kill(in, out);
                case UPGRADE -> upgrade(in, out);
                case PROMOTE -> printReport(withProgress(in.argument(0).text(), () -> runtime.promote(in.argument(0).text()), out), out);
                case ABORT -> printReport(withProgress(in.argument(0).text(), () -> runtime.abort(in.argument(0).text()), out), out);
                case NODES -> nodes(out);
                case HISTORY -> history(out);
                case ROLLBACK -> printReport(runtime.rollback(in.argument(0).text()), out);
                case TREE -> Supervision.tree(supervisors(), out);
                case SUP -> Supervision.sup(supervisors(), in, out);
                case GROUPS -> groups(in, out);
            }
        } catch (ProcessException | IllegalArgumentException e) {
            err.println("error: " + firstLine(e.getMessage()));
        }
    }

    private void spawn(Invocation in, PrintStream out) {
        String behaviour = in.argument(0).text();
        Object argument = in.size() > 1 ? in.argument(1).value() : null;
        Argument name = in.option(ShellOption.NAME);
        // The naming rule is the runtime's (InvalidNameException); the shell adds none of its own.
        Argument node = in.option(ShellOption.NODE);
        Pid pid = node == null ? runtime.spawn(behaviour, name == null ? null : name.text(), argument)
                : cluster("proc:spawn --node").spawn(node.text(), behaviour, name == null ? null : name.text(), argument);
        out.println(pid.text());
    }

    private Supervisors supervisors() {
        if (supervisors == null) {
            throw new ProcessException("supervision is not running: start the dev.molt.supervision bundle");
        }
        return supervisors;
    }

    private void groups(Invocation in, PrintStream out) {
        if (in.size() == 1) {
            String group = in.argument(0).text();
            List<Pid> members = runtime.members(group);
            if (members.isEmpty() && !runtime.groups().contains(group)) {
                throw new IllegalArgumentException("no group '" + group + "' has members; proc:groups lists the groups");
            }
            Table table = new Table("ID>", "NAME", "BEHAVIOUR", "VERSION");
            for (Pid p : members) {
                runtime.info(p).ifPresent(i -> table.row(i.pid().id(), i.name(), i.behaviour(), i.version()));
            }
            out.print(table);
            return;
        }
        Table table = new Table("GROUP", "COUNT>", "MEMBERS");
        for (String g : runtime.groups()) {
            List<Pid> members = runtime.members(g);
            String shown = members.stream().limit(10).map(p -> String.valueOf(p.id())).collect(Collectors.joining(" "))
                    + (members.size() > 10 ? " ..." : "");
            table.row(g, members.size(), shown);
        }
        out.print(table);
    }

    private void send(Invocation in) {
        Pid pid = target(in.argument(0));
        runtime.send(pid, in.argument(1).value());
    }

    private void call(Invocation in, PrintStream out) {
        Duration wait = Duration.ofMillis(millis(in.option(ShellOption.CALL_TIMEOUT), DEFAULT_CALL_TIMEOUT_MS));
        Pid pid = target(in.argument(0));
        Object message = in.argument(1).value();
        out.println(ValueFormatter.format(runtime.call(pid, message, wait)));
    }

    private void ps(Invocation in, PrintStream out) {
        String behaviour = in.size() > 0 ? in.argument(0).text() : null;
        if (in.flag(ShellOption.ALL)) {
            // The behaviour may run on other nodes only, so it is not checked against this one's.
            Cluster c = cluster("proc:ps --all");
            Table all = new Table("NODE", "ID>", "NAME", "BEHAVIOUR", "VERSION", "STATUS", "MAILBOX>", "HANDLED>");
            for (ProcessInfo p : c.processes()) {
                if (behaviour == null || behaviour.equals(p.behaviour())) {
                    all.row(p.pid().isLocal() ? c.localNode() : p.pid().node(), p.pid().id(), p.name(), p.behaviour(),
                            p.version(), p.status(), p.mailboxDepth(), p.handled());
                }
            }
            out.print(all);
            return;
        }
        if (behaviour != null && runtime.behaviours().stream().noneMatch(b -> b.name().equals(behaviour))) {
            throw new IllegalArgumentException("no behaviour '" + behaviour + "' is known: "
                    + known() + "; proc:ps without an argument lists every process");
        }
        Table table = new Table("ID>", "NAME", "BEHAVIOUR", "VERSION", "STATUS", "MAILBOX>", "HANDLED>");
        for (ProcessInfo p : runtime.processes()) {
            if (behaviour == null || behaviour.equals(p.behaviour())) {
                table.row(p.pid().id(), p.name(), p.behaviour(), p.version(), p.status(), p.mailboxDepth(), p.handled());
            }
        }
        out.print(table);
        // Each behaviour's versions with their processes: what a rolling upgrade or a canary has
        // moved so far, and versions registered twice.
        Table versions = new Table("BEHAVIOUR", "VERSION", "PROCESSES>", "BUNDLE", "NOTE");
        for (BehaviourInfo b : runtime.behaviours()) {
            if (behaviour != null && !behaviour.equals(b.name())) {
                continue;
            }
            for (BehaviourInfo.VersionInfo v : b.details()) {
                String note = v.serving() ? "serves new processes" : v.bundle() == null ? "no version to run: waiting" : "";
                if (v.duplicate()) {
                    note = (note.isEmpty() ? "" : note + "; ") + "registered twice";
                }
                versions.row(b.name(), v.version(), v.processes(), v.bundle() == null ? "-" : v.bundle(), note);
            }
        }
        out.println();
        out.print(versions);
    }

    private void upgrade(Invocation in, PrintStream out) {
        boolean rolling = in.flag(ShellOption.ROLLING);
        Argument canary = in.option(ShellOption.CANARY);
        if (rolling && canary != null) {
            throw new IllegalArgumentException("--rolling and --canary exclude each other: a canary is a rolling upgrade that"
                    + " stops after its selection; usage: " + CommandSyntax.UPGRADE.usage());
        }
        UpgradeOptions options = canary != null ? UpgradeOptions.canary(canary.text())
                : rolling ? UpgradeOptions.rolling() : UpgradeOptions.atomic();
        if (in.flag(ShellOption.KEEP_OLD)) {
            if (options.mode() == UpgradeMode.ATOMIC) {
                throw new IllegalArgumentException("--keep-old goes with --rolling or --canary (an atomic upgrade replaces"
                        + " the bundle); usage: " + CommandSyntax.UPGRADE.usage());
            }
            options = options.keepingOld();
        }
        String behaviour = in.argument(0).text();
        String jar = in.argument(1).text();
        if (in.flag(ShellOption.CLUSTER)) {
            if (options.mode() == UpgradeMode.CANARY) {
                throw new IllegalArgumentException("--cluster and --canary exclude each other: a cluster upgrade runs each node"
                        + " atomic or rolling; try a canary with proc:upgrade --canary on one node");
            }
            clusterUpgrade(behaviour, jar, options, out);
            return;
        }
        UpgradeOptions chosen = options;
        printReport(options.mode() == UpgradeMode.ATOMIC ? runtime.upgrade(behaviour, jar, chosen)
                : withProgress(behaviour, () -> runtime.upgrade(behaviour, jar, chosen), out), out);
    }

    /**
     * Runs a rolling step (an upgrade, a promotion, an abort) on another thread and prints its
     * progress on this one (Gogo ties {@code out} to the session's thread) every second while it
     * moves processes: {@code moved N of M}.
     */
    private UpgradeReport withProgress(String behaviour, Supplier<UpgradeReport> step, PrintStream out) {
        CompletableFuture<UpgradeReport> done = CompletableFuture.supplyAsync(step, r -> {
            Thread t = new Thread(r, "proc-upgrade");
            t.setDaemon(true);
            t.start();
        });
        String last = null;
        for (;;) {
            try {
                return done.get(PROGRESS_EVERY_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillMoving) {
                String now = runtime.inProgress(behaviour).map(ShellCommands::progress).orElse(null);
                if (now != null && !now.equals(last)) {
                    out.println(now);
                    last = now;
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new ProcessException("the upgrade of " + behaviour + " failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProcessException("interrupted; the upgrade of " + behaviour + " goes on (see proc:history)");
            }
        }
    }

    private static String progress(UpgradeReport r) {
        int settled = r.migrated() + r.held().size() + r.failed();
        return "moved " + settled + " of " + r.processes() + " (" + r.behaviour() + " " + r.fromVersion() + " -> "
                + r.toVersion() + ", " + r.mode().name().toLowerCase() + ")";
    }

    private void info(Invocation in, PrintStream out) {
        Pid pid = target(in.argument(0));
        if (!pid.isLocal()) {
            throw new ProcessException("proc:info shows this node's processes; " + pid.text() + " is on node " + pid.node()
                    + ": run proc:info " + pid.id() + " there (proc:ps --all lists every node's processes)");
        }
        ProcessInfo p = runtime.info(pid).orElseThrow(() -> new ProcessException(
                "process " + pid.id() + " has ended: proc:ps lists the live ones"));
        out.println("pid        " + p.pid().id());
        out.println("name       " + (p.name() == null ? "-" : p.name()));
        out.println("behaviour  " + p.behaviour());
        out.println("version    " + p.version());
        out.println("status     " + p.status());
        if (p.heldReason() != null) {
            out.println("held       " + p.heldReason());
        }
        out.println("mailbox    " + p.mailboxDepth());
        out.println("handled    " + p.handled());
        out.println("upgrades   " + p.upgrades());
        out.println("handovers  " + p.handOvers());
        out.println("restores   " + p.restores());
        out.println("state      " + state(pid).replace("\n", "\n           "));
    }

    private void kill(Invocation in, PrintStream out) {
        long wait = millis(in.option(ShellOption.KILL_TIMEOUT), DEFAULT_KILL_WAIT_MS);
        Pid pid = target(in.argument(0));
        String reason = in.size() > 1
                ? in.arguments().subList(1, in.size()).stream().map(Argument::text).collect(Collectors.joining(" "))
                : "killed from the shell";
        // The runtime's kill is asynchronous, as Erlang's exit/2 is: it queues the exit
        // signal and returns. The shell waits for the end, so that the next proc:ps no
        // longer lists the process. The watch is taken first so the end cannot be missed;
        // the runtime deregisters a process before it tells its watchers.
        CompletableFuture<ExitReason> ended = runtime.watch(pid).toCompletableFuture();
        if (ended.isDone() || !runtime.kill(pid, reason)) {
            throw new ProcessException("process " + pid.id() + " had already ended: proc:ps lists the live ones");
        }
        if (ended(ended, wait)) {
            out.println("killed " + pid.id() + ": " + reason);
        } else {
            out.println("killing " + pid.id() + ": " + reason + "; its handler is still running after " + wait
                    + " ms, and the process ends when it returns");
        }
    }

    private void clusterUpgrade(String behaviour, String jar, UpgradeOptions options, PrintStream out) {
        ClusterUpgradeReport r = cluster("proc:upgrade --cluster").upgrade(behaviour, jar, options);
        for (ClusterUpgradeReport.NodeResult n : r.nodes()) {
            out.println(n.node() + ": " + n.outcome().name().toLowerCase().replace('_', ' ')
                    + (n.report() == null ? "" : ": " + n.report().summary())
                    + (n.detail().isEmpty() ? "" : "; " + n.detail()));
            if (n.report() != null) {
                for (UpgradeReport.Held h : n.report().held()) {
                    out.println("  held " + h.pid().text() + (h.name() == null ? "" : " (" + h.name() + ")") + ": " + h.reason());
                }
            }
        }
        long done = r.nodes().stream().filter(n -> n.outcome() == ClusterUpgradeReport.Outcome.UPGRADED).count();
        out.println("cluster upgrade of " + behaviour + ": " + (r.complete() ? "complete, " : "stopped, ") + done + " of "
                + r.nodes().size() + " nodes upgraded");
    }

    private void nodes(PrintStream out) {
        Table table = new Table("NODE", "INCARNATION", "ROLE", "ADDRESS");
        for (NodeInfo n : cluster("proc:nodes").nodes()) {
            String role = (n.coordinator() ? "coordinator" : "member") + (n.self() ? ", this node" : "");
            table.row(n.name(), Long.toHexString(n.incarnation()), role, n.address());
        }
        out.print(table);
    }

    private void history(PrintStream out) {
        List<UpgradeReport> reports = runtime.upgradeHistory();
        Table table = new Table("STARTED", "BEHAVIOUR", "FROM", "TO", "MODE", "OUTCOME", "MIGRATED>", "HELD>", "FAILED>",
                "TOTAL_MS>", "PAUSE_MS>");
        for (UpgradeReport r : reports) {
            table.row(TIME.format(r.started()), r.behaviour(), r.fromVersion(), r.isReload() ? "reloaded" : r.toVersion(),
                    r.mode().name().toLowerCase(), r.outcome().name().toLowerCase().replace('_', ' '), r.migrated(),
                    r.held().size(), r.failed(), ms(r.total()), ms(r.longestPause()));
        }
        out.print(table);
        // What the default migrations did, and why canaries were aborted: one line per upgrade that says more.
        for (int i = 0; i < reports.size(); i++) {
            UpgradeReport r = reports.get(i);
            List<String> notes = new java.util.ArrayList<>();
            if (!r.droppedFields().isEmpty()) {
                notes.add("dropped " + fields(r.droppedFields()));
            }
            if (!r.defaultedFields().isEmpty()) {
                notes.add("defaulted " + fields(r.defaultedFields()));
            }
            if (r.note() != null) {
                notes.add(r.note());
            }
            if (!notes.isEmpty()) {
                out.println("  " + (i + 1) + ". " + r.behaviour() + " " + r.fromVersion() + " -> " + r.toVersion() + ": "
                        + String.join("; ", notes));
            }
        }
    }

    private static void printReport(UpgradeReport report, PrintStream out) {
        out.println(report.summary());
        for (UpgradeReport.Held h : report.held()) {
            out.println("  held " + h.pid().id() + (h.name() == null ? "" : " (" + h.name() + ")") + ": " + h.reason());
        }
    }

    private Pid target(Argument arg) {
        return ProcessReference.resolve(runtime, arg.text());
    }

    private String state(Pid pid) {
        try {
            Object state = runtime.state(pid).toCompletableFuture().get(STATE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            return ValueFormatter.pretty(state, STATE_WIDTH);
        } catch (TimeoutException e) {
            return "(not read: the process did not reach a message boundary within " + STATE_TIMEOUT_MS + " ms)";
        } catch (ExecutionException e) {
            return "(not read: " + e.getCause().getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(not read: interrupted)";
        }
    }

    /** Waits up to {@code ms} for a watch to complete; false if it did not (or the wait was interrupted). */
    private static boolean ended(CompletableFuture<ExitReason> watch, long ms) {
        try {
            watch.get(ms, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) { // a watch completes only normally; if not, it did complete
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String known() {
        List<String> names = runtime.behaviours().stream().map(BehaviourInfo::name).sorted().toList();
        return names.isEmpty() ? "none is registered yet" : "known are " + String.join(", ", names);
    }

    private static long millis(Argument option, long absent) {
        if (option == null) {
            return absent;
        }
        String text = option.text();
        try {
            long ms = Long.parseLong(text.strip());
            if (ms > 0) {
                return ms;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--timeout takes a positive number of milliseconds, got '" + text + "'");
    }

    private static String fields(java.util.Map<String, Integer> f) {
        return new java.util.TreeMap<>(f).entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    private static String ms(Duration d) {
        return String.format("%.3f", d.toNanos() / 1e6);
    }

    private static String firstLine(String message) {
        String msg = String.valueOf(message);
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
