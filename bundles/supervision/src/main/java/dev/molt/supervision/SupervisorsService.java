package dev.molt.supervision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import dev.molt.api.ChildInfo;
import dev.molt.api.ChildSpec;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.SupervisionNode;
import dev.molt.api.SupervisorSpec;
import dev.molt.api.Supervisors;

/**
 * The {@link Supervisors} service: spawns supervisors and talks to them with calls
 * ({@link Requests}); a refusal comes back as a {@link ProcessException} and is thrown here.
 *
 * <p>Thread rule: any thread, a behaviour's handler included (a call from a handler is managed by
 * the runtime).
 */
@Component(service = Supervisors.class)
public final class SupervisorsService implements Supervisors {

    /** How long a request waits for a supervisor, which may be busy restarting children. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessRuntime runtime;

    @Activate
    public SupervisorsService(@Reference ProcessRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Pid start(String name, SupervisorSpec spec) {
        if (spec == null) {
            throw new ProcessException("no supervisor spec given; build one with SupervisorSpec.oneForOne(...) and friends");
        }
        return runtime.spawn(BEHAVIOUR, name, spec);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<ChildInfo> whichChildren(String supervisor) {
        return (List<ChildInfo>) ask(supervisor, new Requests.WhichChildren());
    }

    @Override
    public Pid startChild(String supervisor, ChildSpec spec) {
        if (spec == null) {
            throw new ProcessException("no child spec given; build one with ChildSpec.worker(id, behaviour, argument)");
        }
        return (Pid) ask(supervisor, new Requests.StartChild(spec));
    }

    @Override
    public Pid startChild(String supervisor, Object argument) {
        return (Pid) ask(supervisor, new Requests.StartDynamic(argument));
    }

    @Override
    public void terminateChild(String supervisor, String child) {
        ask(supervisor, new Requests.TerminateChild(child));
    }

    @Override
    public Pid restartChild(String supervisor, String child) {
        return (Pid) ask(supervisor, new Requests.RestartChild(child));
    }

    @Override
    public void deleteChild(String supervisor, String child) {
        ask(supervisor, new Requests.DeleteChild(child));
    }

    @Override
    public List<SupervisionNode> trees() {
        Map<Pid, ProcessInfo> procs = new HashMap<>();
        List<Pid> supervisors = new ArrayList<>();
        for (ProcessInfo p : runtime.processes()) {
            procs.put(p.pid(), p);
            if (BEHAVIOUR.equals(p.behaviour())) {
                supervisors.add(p.pid());
            }
        }
        Map<Pid, List<ChildInfo>> children = new HashMap<>();
        Set<Pid> supervised = new HashSet<>();
        for (Pid s : supervisors) {
            try {
                List<ChildInfo> kids = whichChildren(s.toString());
                children.put(s, kids);
                kids.stream().filter(k -> k.pid() != null).forEach(k -> supervised.add(k.pid()));
            } catch (ProcessException ended) {
                // it ended while we looked: not drawn
            }
        }
        List<SupervisionNode> roots = new ArrayList<>();
        for (Pid s : supervisors) {
            if (children.containsKey(s) && !supervised.contains(s)) {
                ProcessInfo p = procs.get(s);
                roots.add(node(s, p.name() != null ? p.name() : s.toString(), 0, procs, children));
            }
        }
        return roots;
    }

    private static SupervisionNode node(Pid pid, String id, int restarts, Map<Pid, ProcessInfo> procs,
                                        Map<Pid, List<ChildInfo>> children) {
        ProcessInfo p = procs.get(pid);
        List<SupervisionNode> kids = new ArrayList<>();
        for (ChildInfo c : children.getOrDefault(pid, List.of())) {
            if (c.pid() != null && procs.containsKey(c.pid())) {
                kids.add(node(c.pid(), c.id(), c.restarts(), procs, children));
            } else {
                kids.add(new SupervisionNode(null, c.id(), c.spec().name(), c.spec().behaviour(), "-", c.restarts(), List.of()));
            }
        }
        return new SupervisionNode(pid, id, p == null ? null : p.name(), p == null ? "?" : p.behaviour(),
                p == null ? "?" : p.version(), restarts, kids);
    }

    /** Calls the supervisor; a refusal it replies is thrown as this thread's own exception. */
    private Object ask(String supervisor, Object request) {
        Pid pid = runtime.resolve(supervisor);
        ProcessInfo info = runtime.info(pid).orElseThrow(() -> new NoSuchProcessException(
                "process " + pid.id() + " is not alive; list live processes with proc:ps"));
        if (!BEHAVIOUR.equals(info.behaviour())) {
            throw new ProcessException("process " + pid.id() + " is not a supervisor (it runs " + info.behaviour()
                    + "); proc:tree shows the supervisors");
        }
        Object reply = runtime.call(pid, request, CALL_TIMEOUT);
        if (reply instanceof ProcessException refused) {
            throw new ProcessException(refused.getMessage());
        }
        return reply;
    }
}
