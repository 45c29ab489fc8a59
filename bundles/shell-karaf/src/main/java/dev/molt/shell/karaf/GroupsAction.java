package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:groups} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "groups", description = CommandHelp.GROUPS)
public final class GroupsAction extends ProcessAction {

    @Argument(index = 0, name = "group", description = "only this group's members")
    @Completion(GroupCompleter.class)
    String group;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(group);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.GROUPS;
    }
}
