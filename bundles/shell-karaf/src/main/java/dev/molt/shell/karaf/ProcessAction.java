package dev.molt.shell.karaf;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Job;
import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.lifecycle.Reference;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.Supervisors;
import dev.molt.api.cluster.Cluster;
import dev.molt.shell.core.Argument;
import dev.molt.shell.core.CommandSyntax;
import dev.molt.shell.core.Invocation;
import dev.molt.shell.core.ShellCommands;
import dev.molt.shell.core.ShellOption;
import dev.molt.shell.core.ShellWords;

/**
 * What every {@code proc:} Karaf action shares: it runs the same {@link ShellCommands} as the
 * Gogo commands. The action's fields serve Karaf's help, option checks and completion; the
 * arguments are read again from the command as typed (Karaf runs commands through Gogo's
 * runtime, so {@link Job#command()} has the text), because Karaf's reading, like Gogo's, makes
 * 99999999999999999999 a double and drops the quotes inside a list. When the text is not the
 * command alone (a pipe, a variable), the fields are used.
 *
 * <p>Karaf reads options only before the first argument; an action whose last argument is
 * multi-valued takes options typed after the arguments too ({@code proc:spawn counter --name
 * c1}, as in Gogo), and the shell reads them.
 */
abstract class ProcessAction implements Action {

    @Reference
    ProcessRuntime runtime;

    /** The supervision bundle's service, if it runs (proc:tree and proc:sup say so when it does not). */
    @Reference(optional = true)
    Supervisors supervisors;

    /** The cluster, when this node is in one. */
    @Reference(optional = true)
    Cluster cluster;

    abstract CommandSyntax syntax();

    /** The positional arguments as Karaf read them, in order; null for one not given. */
    abstract List<Object> karafArguments();

    /** The options as Karaf read them; a missing one maps to null. */
    Map<ShellOption, Object> karafOptions() {
        return Map.of();
    }

    @Override
    public Object execute() {
        new ShellCommands(runtime, supervisors, cluster).run(this::invocation, System.out, System.err);
        return null;
    }

    private Invocation invocation() {
        Job job = Job.Utils.current();
        List<String> typed = job == null ? null : ShellWords.split(job.command());
        if (typed != null && !typed.isEmpty() && namesThisCommand(typed.get(0))) {
            return Invocation.parse(syntax(), typed.subList(1, typed.size()).stream().map(Argument::typed).toList());
        }
        // The fields, written back as words: options Karaf read first, then the arguments (a
        // multi-valued last argument also holds options typed after the arguments).
        List<Argument> words = new ArrayList<>();
        karafOptions().forEach((option, value) -> {
            if (value != null) {
                words.add(Argument.evaluated(option.flag()));
                if (option.takesValue()) {
                    words.add(Argument.evaluated(value));
                }
            }
        });
        for (Object a : karafArguments()) {
            if (a instanceof List<?> several) {
                several.forEach(o -> words.add(Argument.evaluated(o)));
            } else if (a != null) {
                words.add(Argument.evaluated(a));
            }
        }
        return Invocation.parse(syntax(), words);
    }

    private boolean namesThisCommand(String word) {
        String function = syntax().function();
        return word.equalsIgnoreCase(function) || word.equalsIgnoreCase(CommandSyntax.SCOPE + ":" + function);
    }
}
