package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.HashMap;
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

/** {@code proc:ps} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "ps", description = CommandHelp.PS)
public final class PsAction extends ProcessAction {

    @Option(name = "--all", description = ShellOption.ALL_HELP)
    boolean all;

    @Argument(index = 0, name = "behaviour", description = "only processes of this behaviour")
    @Completion(BehaviourNameCompleter.class)
    String behaviour;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(behaviour);
    }

    @Override
    Map<ShellOption, Object> karafOptions() {
        Map<ShellOption, Object> options = new HashMap<>();
        options.put(ShellOption.ALL, all ? Boolean.TRUE : null);
        return options;
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.PS;
    }
}
