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
    /** Width beyond which {@code proc:info} breaks a state over several lines. */
    private static final int STATE_WIDTH = 72;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final ProcessRuntime runtime;
    /** The cluster this node is in, or null outside one (asked at each command: it comes and goes). */
    private final Supplier<Cluster> cluster;

    public ShellCommands(ProcessRuntime runtime) {
        this(runtime, () -> null);
    }

    public ShellCommands(ProcessRuntime runtime, Supplier<Cluster> cluster) {
        this.runtime = runtime;
        this.cluster = cluster;
    }

    private Cluster cluster(String command) {
        Cluster c = cluster.get();
        if (c == null) {
            throw new ProcessException(command + " needs a cluster, and this node is in none: install the cluster bundle"
                    + " and configure it (PID dev.molt.cluster), see the README's Cluster section");
        }
        return c;
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
                case NODES -> nodes(out);
                case HISTORY -> history(out);
                case ROLLBACK -> printReport(runtime.rollback(in.argument(0).text()), out);
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
        if (behaviour != null && runtime.behaviours().stream().noneMatch(b -> b.name().equals(behaviour))) {
            throw new IllegalArgumentException("no behaviour '" + behaviour + "' is known: "
                    + known() + "; proc:ps without an argument lists every process");
        }
        if (in.has(ShellOption.ALL)) {
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
        Table table = new Table("ID>", "NAME", "BEHAVIOUR", "VERSION", "STATUS", "MAILBOX>", "HANDLED>");
        for (ProcessInfo p : runtime.processes()) {
            if (behaviour == null || behaviour.equals(p.behaviour())) {
                table.row(p.pid().id(), p.name(), p.behaviour(), p.version(), p.status(), p.mailboxDepth(), p.handled());
            }
        }
        out.print(table);
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

    private void upgrade(Invocation in, PrintStream out) {
        UpgradeOptions options = in.has(ShellOption.ROLLING) ? UpgradeOptions.rolling() : UpgradeOptions.atomic();
        String behaviour = in.argument(0).text();
        String jar = in.argument(1).text();
        if (!in.has(ShellOption.CLUSTER)) {
            printReport(runtime.upgrade(behaviour, jar, options), out);
            return;
        }
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
        Table table = new Table("STARTED", "BEHAVIOUR", "FROM", "TO", "MIGRATED>", "HELD>", "FAILED>",
                "TOTAL_MS>", "PAUSE_MS>");
        for (UpgradeReport r : reports) {
            table.row(TIME.format(r.started()), r.behaviour(), r.fromVersion(), r.toVersion(), r.migrated(),
                    r.held().size(), r.failed(), ms(r.total()), ms(r.longestPause()));
        }
        out.print(table);
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

    private static String ms(Duration d) {
        return String.format("%.3f", d.toNanos() / 1e6);
    }

    private static String firstLine(String message) {
        String msg = String.valueOf(message);
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
