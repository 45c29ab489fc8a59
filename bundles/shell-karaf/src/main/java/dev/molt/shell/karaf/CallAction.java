package dev.molt.shell.karaf;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;

import dev.molt.shell.core.CommandHelp;
import dev.molt.shell.core.CommandSyntax;
import dev.molt.shell.core.ShellOption;

/** {@code proc:call} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "call", description = CommandHelp.CALL)
public final class CallAction extends ProcessAction {

    @Option(name = "--timeout", description = ShellOption.CALL_TIMEOUT_HELP)
    String timeout;

    @Argument(index = 0, name = "process", required = true, description = CommandHelp.PROCESS)
    @Completion(ProcessCompleter.class)
    String process;

    // Multi-valued so that options may follow the arguments (see ProcessAction); one value is allowed.
    @Argument(index = 1, name = "message", required = true, multiValued = true, description = "the message: " + CommandHelp.VALUE)
    List<Object> message;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(process, message);
    }

    @Override
    Map<ShellOption, Object> karafOptions() {
        return Collections.singletonMap(ShellOption.CALL_TIMEOUT, timeout);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.CALL;
    }
}
