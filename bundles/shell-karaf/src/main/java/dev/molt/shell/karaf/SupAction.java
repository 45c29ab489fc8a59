package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:sup} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "sup", description = CommandHelp.SUP)
public final class SupAction extends ProcessAction {

    @Argument(index = 0, name = "action", required = true,
            description = "which-children, start-child, restart-child, terminate-child or delete-child")
    @Completion(value = StringsCompleter.class,
            values = {"which-children", "start-child", "restart-child", "terminate-child", "delete-child"})
    String action;

    @Argument(index = 1, name = "supervisor", required = true, description = "a supervisor's pid or registered name")
    @Completion(SupervisorCompleter.class)
    String supervisor;

    @Argument(index = 2, name = "child", multiValued = true,
            description = "a child's id (or a dynamic child's pid); for start-child: [arg], or <id> <behaviour> [arg]")
    List<String> rest;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(action, supervisor, rest);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.SUP;
    }
}
