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

/** Completes the live processes: their names, and the pids of those without one, as typed (bare). */
@Service
public final class ProcessCompleter implements Completer {

    @Reference
    ProcessRuntime runtime;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        List<String> processes = new ArrayList<>();
        for (ProcessInfo p : runtime.processes()) {
            processes.add(p.name() != null ? p.name() : String.valueOf(p.pid().id()));
        }
        return new StringsCompleter(processes).complete(session, commandLine, candidates);
    }
}
