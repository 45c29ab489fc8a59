package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;
import dev.molt.shell.core.ShellOption;

/** {@code proc:spawn} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "spawn", description = CommandHelp.SPAWN)
public final class SpawnAction extends ProcessAction {

    @Option(name = "--name", description = ShellOption.NAME_HELP)
    String name;

    @Option(name = "--node", description = ShellOption.NODE_HELP)
    String node;

    @Argument(index = 0, name = "behaviour", required = true, description = "the behaviour to run")
    @Completion(BehaviourNameCompleter.class)
    String behaviour;

    // Multi-valued so that options may follow the arguments (see ProcessAction); one value is allowed.
    @Argument(index = 1, name = "arg", multiValued = true, description = "what its init gets: " + CommandHelp.VALUE)
    List<Object> arg;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(behaviour, arg);
    }

    @Override
    Map<ShellOption, Object> karafOptions() {
        java.util.Map<ShellOption, Object> options = new java.util.EnumMap<>(ShellOption.class);
        options.put(ShellOption.NAME, name);
        options.put(ShellOption.NODE, node);
        return options;
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.SPAWN;
    }
}
