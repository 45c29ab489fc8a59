package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:rollback} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "rollback", description = CommandHelp.ROLLBACK)
public final class RollbackAction extends ProcessAction {

    @Argument(index = 0, name = "behaviour", required = true, description = "the behaviour to take back a version")
    @Completion(BehaviourNameCompleter.class)
    String behaviour;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(behaviour);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.ROLLBACK;
    }
}
