package dev.molt.shell.karaf;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.Supervisors;

/** Completes the live supervisors: their names, and the pids of those without one. */
@Service
public final class SupervisorCompleter implements Completer {

    @Reference
    ProcessRuntime runtime;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> sups = new ArrayList<>();
        for (ProcessInfo p : runtime.processes()) {
            if (Supervisors.BEHAVIOUR.equals(p.behaviour())) {
                sups.add(p.name() != null ? p.name() : String.valueOf(p.pid().id()));
            }
        }
        return new StringsCompleter(sups).complete(session, commandLine, candidates);
    }
}
