package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:info} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "info", description = CommandHelp.INFO)
public final class InfoAction extends ProcessAction {

    @Argument(index = 0, name = "process", required = true, description = CommandHelp.PROCESS)
    @Completion(ProcessCompleter.class)
    String process;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(process);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.INFO;
    }
}
