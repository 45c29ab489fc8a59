package dev.molt.shell.karaf;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:tree} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "tree", description = CommandHelp.TREE)
public final class TreeAction extends ProcessAction {

    @Override
    List<Object> karafArguments() {
        return List.of();
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.TREE;
    }
}
