package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:ps} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "ps", description = CommandHelp.PS)
public final class PsAction extends ProcessAction {

    @org.apache.karaf.shell.api.action.Option(name = "--all", description = dev.molt.shell.core.ShellOption.ALL_HELP)
    boolean all;

    @Argument(index = 0, name = "behaviour", description = "only processes of this behaviour")
    @Completion(BehaviourNameCompleter.class)
    String behaviour;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(behaviour);
    }

    @Override
    java.util.Map<dev.molt.shell.core.ShellOption, Object> karafOptions() {
        return java.util.Map.of(dev.molt.shell.core.ShellOption.ALL, all);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.PS;
    }
}
