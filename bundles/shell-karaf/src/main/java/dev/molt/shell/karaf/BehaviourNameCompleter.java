package dev.molt.shell.karaf;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.molt.api.BehaviourInfo;
import dev.molt.api.ProcessRuntime;

/** Completes the names of the behaviours the runtime knows now. */
@Service
public final class BehaviourNameCompleter implements Completer {

    @Reference
    ProcessRuntime runtime;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter(runtime.behaviours().stream().map(BehaviourInfo::name).toList());
        return names.complete(session, commandLine, candidates);
    }
}
