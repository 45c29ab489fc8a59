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

/** {@code proc:kill} in Karaf's shell. */
@Service
@Command(scope = CommandSyntax.SCOPE, name = "kill", description = CommandHelp.KILL)
public final class KillAction extends ProcessAction {

    @Option(name = "--timeout", description = ShellOption.KILL_TIMEOUT_HELP)
    String timeout;

    @Argument(index = 0, name = "process", required = true, description = CommandHelp.PROCESS)
    @Completion(ProcessCompleter.class)
    String process;

    @Argument(index = 1, name = "reason", multiValued = true, description = "why, for its monitors (default: killed from the shell)")
    List<String> reason;

    @Override
    List<Object> karafArguments() {
        return Arrays.asList(process, reason);
    }

    @Override
    Map<ShellOption, Object> karafOptions() {
        return Collections.singletonMap(ShellOption.KILL_TIMEOUT, timeout);
    }

    @Override
    CommandSyntax syntax() {
        return CommandSyntax.KILL;
    }
}
