package dev.molt.shell.karaf;

import java.util.List;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:history} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "history", description = CommandHelp.HISTORY)
public final class HistoryAction extends ProcessAction {

    @Override
    List<Object> karafArguments() {
        return List.of();
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.HISTORY;
    }
}
