package dev.molt.shell.gogo;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Job;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.Supervisors;
import dev.molt.api.cluster.Cluster;
import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;
import dev.molt.shell.core.Invocation;
import dev.molt.shell.core.ShellCommands;
import dev.molt.shell.core.ShellOption;
import dev.molt.shell.core.TypedArguments;

/**
 * The {@code proc:} commands for a Felix Gogo console. Gogo finds them through the
 * {@code osgi.command} service properties and reads {@code help} from the descriptors.
 *
 * <p>Each command takes {@code Object...} and reads its options itself, rather than declaring
 * them with Gogo's {@code @Parameter}: Gogo answers a missing option value or a misspelt option
 * with a coercion message or "too many arguments", where the shell can say what is wrong.
 * The arguments are read from the text of the command as typed (Gogo's {@link Job#command()})
 * where that lines up with what Gogo passed, because Gogo's own reading loses what the shell
 * needs: it makes 99999999999999999999 a double and drops the quotes inside a list.
 *
 * <p>Output goes to {@code System.out} and {@code System.err}, which Gogo points at the calling
 * session.
 */
@Component(service = Object.class, property = {
        "osgi.command.scope=" + CommandSyntax.SCOPE,
        "osgi.command.function=spawn",
        "osgi.command.function=send",
        "osgi.command.function=call",
        "osgi.command.function=ps",
        "osgi.command.function=info",
        "osgi.command.function=kill",
        "osgi.command.function=upgrade",
        "osgi.command.function=promote",
        "osgi.command.function=abort",
        "osgi.command.function=history",
        "osgi.command.function=rollback",
        "osgi.command.function=nodes",
        "osgi.command.function=tree",
        "osgi.command.function=sup",
        "osgi.command.function=groups"})
public final class GogoCommands {

    private final ProcessRuntime runtime;

    // Both optional and dynamic, read once per command. Volatile: DS sets them on its thread and a
    // command reads them on the session's; the write happens-before a later command's read.

    /** The supervision bundle's service, if it runs (proc:tree and proc:sup say so when it does not). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Supervisors supervisors;

    /** The cluster, while this node is in one (proc:nodes and the cluster options say so when it is not). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Cluster cluster;

    @Activate
    public GogoCommands(@Reference ProcessRuntime runtime) {
        this.runtime = runtime;
    }

    @Descriptor(CommandHelp.SPAWN)
    public void spawn(@Descriptor("<behaviour> [--name NAME] [--node NODE] [arg]: the behaviour's name, a name to register"
            + " the process under, the cluster node to start it on, and a value for its init") Object... args) {
        run(CommandSyntax.SPAWN, args);
    }

    @Descriptor(CommandHelp.SEND)
    public void send(@Descriptor("<pid|name> <message>: a pid typed bare (42) or quoted ('<42>'), or a name") Object... args) {
        run(CommandSyntax.SEND, args);
    }

    @Descriptor(CommandHelp.CALL)
    public void call(@Descriptor("<pid|name> <message> [--timeout MS]: how long to wait for the reply, "
            + "in milliseconds (default 5000)") Object... args) {
        run(CommandSyntax.CALL, args);
    }

    @Descriptor(CommandHelp.PS)
    public void ps(@Descriptor("[--all] [behaviour]: every node's processes; only processes of this behaviour")
            Object... args) {
        run(CommandSyntax.PS, args);
    }

    @Descriptor(CommandHelp.INFO)
    public void info(@Descriptor("<pid|name>") Object... args) {
        run(CommandSyntax.INFO, args);
    }

    @Descriptor(CommandHelp.KILL)
    public void kill(@Descriptor("<pid|name> [reason...] [--timeout MS]: how long to wait for a running handler "
            + "to return, in milliseconds (default 5000)") Object... args) {
        run(CommandSyntax.KILL, args);
    }

    @Descriptor(CommandHelp.UPGRADE)
    public void upgrade(@Descriptor("[--rolling | --canary SELECTION] [--keep-old] [--cluster] <bundle-id|behaviour> <jar-url>: "
            + "--rolling: " + ShellOption.ROLLING_HELP + "; --canary: " + ShellOption.CANARY_HELP + "; --keep-old: "
            + ShellOption.KEEP_OLD_HELP + "; --cluster: " + ShellOption.CLUSTER_HELP) Object... args) {
        run(CommandSyntax.UPGRADE, args);
    }

    @Descriptor(CommandHelp.PROMOTE)
    public void promote(@Descriptor("<behaviour>") Object... args) {
        run(CommandSyntax.PROMOTE, args);
    }

    @Descriptor(CommandHelp.ABORT)
    public void abort(@Descriptor("<behaviour>") Object... args) {
        run(CommandSyntax.ABORT, args);
    }

    @Descriptor(CommandHelp.HISTORY)
    public void history(Object... args) {
        run(CommandSyntax.HISTORY, args);
    }

    @Descriptor(CommandHelp.NODES)
    public void nodes(Object... args) {
        run(CommandSyntax.NODES, args);
    }

    @Descriptor(CommandHelp.ROLLBACK)
    public void rollback(@Descriptor("<behaviour>") Object... args) {
        run(CommandSyntax.ROLLBACK, args);
    }

    @Descriptor(CommandHelp.TREE)
    public void tree(Object... args) {
        run(CommandSyntax.TREE, args);
    }

    @Descriptor(CommandHelp.SUP)
    public void sup(@Descriptor("<which-children|start-child|restart-child|terminate-child|delete-child> <supervisor>"
            + " [child|arg] [behaviour [arg]]: a supervisor's pid or name; a child's id (or a dynamic child's pid)")
            Object... args) {
        run(CommandSyntax.SUP, args);
    }

    @Descriptor(CommandHelp.GROUPS)
    public void groups(@Descriptor("[group]: only this group's members") Object... args) {
        run(CommandSyntax.GROUPS, args);
    }

    private void run(CommandSyntax syntax, Object[] args) {
        new ShellCommands(runtime, supervisors, cluster).run(() -> Invocation.parse(syntax, TypedArguments.read(syntax, typedLine(), args)),
                System.out, System.err);
    }

    /** The text of the command line being run, or null outside a Gogo job. */
    private static CharSequence typedLine() {
        Job job = Job.Utils.current();
        return job == null ? null : job.command();
    }
}
