package dev.molt.shell.karaf;

import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:abort} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "abort", description = CommandHelp.ABORT)
public final class AbortAction extends ProcessAction {

    @Argument(index = 0, name = "behaviour", required = true, description = "the behaviour whose canary it is")
    @Completion(BehaviourNameCompleter.class)
    String behaviour;

    @Override
    List<Object> karafArguments() {
        return java.util.Arrays.asList(behaviour);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.ABORT;
    }
}
