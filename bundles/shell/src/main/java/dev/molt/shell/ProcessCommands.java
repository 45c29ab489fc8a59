package dev.molt.shell;

import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeReport;

/**
 * The {@code proc:} Gogo commands: an operator's view of the {@link ProcessRuntime}.
 *
 * <p>Output goes to {@code System.out}, which Gogo points at the calling session. Every
 * command checks its arguments before it calls the runtime, and the runtime changes nothing
 * when it throws, so bad input prints one line on {@code System.err} (starting with
 * {@code error:}) and changes nothing.
 *
 * <p>Arguments are taken as {@code Object...} rather than one Java parameter each, so that a
 * missing or extra argument gets a line saying how to call the command instead of Gogo's
 * "Cannot coerce" message. Pids print as bare numbers because Gogo reads {@code <} as a
 * redirection; the runtime accepts both forms.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=proc",
        "osgi.command.function=spawn",
        "osgi.command.function=send",
        "osgi.command.function=call",
        "osgi.command.function=ps",
        "osgi.command.function=info",
        "osgi.command.function=kill",
        "osgi.command.function=upgrade",
        "osgi.command.function=history",
        "osgi.command.function=rollback"})
public final class ProcessCommands {

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

    @Reference
    private ProcessRuntime runtime;

    @Descriptor("start a process of a behaviour and print its pid")
    public void spawn(
            @Descriptor("register the process under this name") @Parameter(names = {"--name"}, absentValue = "") String name,
            @Descriptor("<behaviour> [arg]: the behaviour's name, and a value for its init") Object... args) {
        run("proc:spawn <behaviour> [--name NAME] [arg]", args, 1, 2, a -> {
            String behaviour = ShellArgs.text(a[0]);
            Object argument = a.length > 1 ? ShellArgs.value(a[1]) : null;
            Pid pid = runtime.spawn(behaviour, name.isEmpty() ? null : name, argument);
            out().println(pid.id());
        });
    }

    @Descriptor("queue a message for a process")
    public void send(@Descriptor("<pid|name> <message>") Object... args) {
        run("proc:send <pid|name> <message>", args, 2, 2, a -> {
            Pid pid = target(a[0]);
            Object message = ShellArgs.value(a[1]);
            runtime.send(pid, message);
        });
    }

    @Descriptor("send a message as a call and print the reply")
    public void call(
            @Descriptor("how long to wait for the reply, in milliseconds (default 5000)") @Parameter(names = {"--timeout"}, absentValue = "") String timeout,
            @Descriptor("<pid|name> <message>") Object... args) {
        run("proc:call <pid|name> <message> [--timeout MS]", args, 2, 2, a -> {
            Duration wait = Duration.ofMillis(timeout.isEmpty() ? DEFAULT_CALL_TIMEOUT_MS : millis(timeout));
            Pid pid = target(a[0]);
            Object message = ShellArgs.value(a[1]);
            out().println(ValueFormatter.format(runtime.call(pid, message, wait)));
        });
    }

    @Descriptor("list the live processes: id, name, behaviour, version, status, mailbox depth, messages handled")
    public void ps(@Descriptor("[behaviour]: only processes of this behaviour") Object... args) {
        run("proc:ps [behaviour]", args, 0, 1, a -> {
            String behaviour = a.length > 0 ? ShellArgs.text(a[0]) : null;
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
            out().print(table);
        });
    }

    @Descriptor("show everything known about one process, its state included")
    public void info(@Descriptor("<pid|name>") Object... args) {
        run("proc:info <pid|name>", args, 1, 1, a -> {
            Pid pid = target(a[0]);
            ProcessInfo p = runtime.info(pid).orElseThrow(() -> new ProcessException(
                    "process " + pid.id() + " has ended: proc:ps lists the live ones"));
            PrintStream out = out();
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
        });
    }

    @Descriptor("end a process before its next message (terminate does not run, queued messages are dropped)")
    public void kill(
            @Descriptor("how long to wait for a running handler to return, in milliseconds (default 5000)") @Parameter(names = {"--timeout"}, absentValue = "") String timeout,
            @Descriptor("<pid|name> [reason...]") Object... args) {
        run("proc:kill <pid|name> [reason] [--timeout MS]", args, 1, Integer.MAX_VALUE, a -> {
            long wait = timeout.isEmpty() ? DEFAULT_KILL_WAIT_MS : millis(timeout);
            Pid pid = target(a[0]);
            String reason = a.length > 1
                    ? String.join(" ", Arrays.stream(a, 1, a.length).map(ShellArgs::text).toList())
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
                out().println("killed " + pid.id() + ": " + reason);
            } else {
                out().println("killing " + pid.id() + ": " + reason + "; its handler is still running after " + wait
                        + " ms, and the process ends when it returns");
            }
        });
    }

    @Descriptor("update a behaviour's bundle from a jar, wait for its processes to migrate, print the report")
    public void upgrade(@Descriptor("<bundle-id|behaviour> <jar-url>") Object... args) {
        run("proc:upgrade <bundle-id|behaviour> <jar-url>", args, 2, 2, a -> {
            UpgradeReport report = runtime.upgrade(ShellArgs.text(a[0]), ShellArgs.text(a[1]));
            printReport(report);
        });
    }

    @Descriptor("list past upgrades, oldest first")
    public void history(Object... args) {
        run("proc:history", args, 0, 0, a -> {
            List<UpgradeReport> reports = runtime.upgradeHistory();
            Table table = new Table("STARTED", "BEHAVIOUR", "FROM", "TO", "MIGRATED>", "HELD>", "FAILED>",
                    "TOTAL_MS>", "PAUSE_MS>");
            for (UpgradeReport r : reports) {
                table.row(TIME.format(r.started()), r.behaviour(), r.fromVersion(), r.toVersion(), r.migrated(),
                        r.held().size(), r.failed(), ms(r.total()), ms(r.longestPause()));
            }
            out().print(table);
        });
    }

    @Descriptor("go back to the version a behaviour ran before its newest upgrade, print the report")
    public void rollback(@Descriptor("<behaviour>") Object... args) {
        run("proc:rollback <behaviour>", args, 1, 1, a -> printReport(runtime.rollback(ShellArgs.text(a[0]))));
    }

    private void printReport(UpgradeReport report) {
        PrintStream out = out();
        out.println(report.summary());
        for (UpgradeReport.Held h : report.held()) {
            out.println("  held " + h.pid().id() + (h.name() == null ? "" : " (" + h.name() + ")") + ": " + h.reason());
        }
    }

    /**
     * Checks the number of arguments, runs the command, and turns the errors that mean bad
     * input into one line. Anything else is a bug and goes to Gogo with its stack trace.
     */
    private void run(String usage, Object[] args, int min, int max, Consumer<Object[]> command) {
        Object[] a = args == null ? new Object[0] : args;
        try {
            if (a.length < min) {
                throw new IllegalArgumentException("missing argument: " + usage);
            }
            if (a.length > max) {
                throw new IllegalArgumentException("too many arguments: " + usage
                        + (max > 0 ? "; quote a value with blanks: 'a b'" : ""));
            }
            command.accept(a);
        } catch (ProcessException | IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            int nl = msg.indexOf('\n');
            System.err.println("error: " + (nl < 0 ? msg : msg.substring(0, nl)));
        }
    }

    private Pid target(Object arg) {
        return runtime.resolve(ShellArgs.text(arg));
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

    private static long millis(String text) {
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

    private static PrintStream out() {
        return System.out;
    }
}
