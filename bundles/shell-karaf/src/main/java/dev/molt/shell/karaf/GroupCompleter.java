package dev.molt.shell.karaf;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.molt.api.ProcessRuntime;

/** Completes the process groups that have members. */
@Service
public final class GroupCompleter implements Completer {

    @Reference
    ProcessRuntime runtime;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        return new StringsCompleter(runtime.groups()).complete(session, commandLine, candidates);
    }
}
