package dev.molt.shell.karaf;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:nodes} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "nodes", description = CommandHelp.NODES)
public final class NodesAction extends ProcessAction {

    @Override
    List<Object> karafArguments() {
        return List.of();
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.NODES;
    }
}
