package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.List;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;

/** {@code proc:send} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "send", description = CommandHelp.SEND)
public final class SendAction extends ProcessAction {

    @Argument(index = 0, name = "process", required = true, description = CommandHelp.PROCESS)
    @Completion(ProcessCompleter.class)
    String process;

    @Argument(index = 1, name = "message", required = true, description = "the message: " + CommandHelp.VALUE)
    Object message;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(process, message);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.SEND;
    }
}
