package dev.molt.runtime.groups;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;

import dev.molt.api.GroupChange;
import dev.molt.api.GroupMonitor;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;

/**
 * Process groups (Erlang's {@code pg}): named sets of pids, and monitors that are told of every join
 * and leave. The table is plain data keyed by pid and group name, nothing of a process's code, so it
 * survives every upgrade of a behaviour untouched (a pid never changes) and can be exported whole by
 * a runtime self-upgrade or shared across nodes later.
 *
 * <p>Thread rule: any thread; everything is guarded by this object's monitor, held only for map edits
 * and for queuing the change messages (a send never blocks), so monitors see changes in the order
 * they happened. A member leaves its groups through {@link #exited}, which the process's exit calls
 * after the process is marked exited and before its monitors are told: whoever is told of the exit
 * finds it gone from its groups. A join racing that exit checks "exited" under this monitor, so it
 * either comes first (and the exit removes it) or is refused.
 */
public final class ProcessGroups {

    /** Is a live process, under this object's monitor. */
    public interface Liveness {
        /** True if {@code pid} is alive now; its exit runs {@link #exited} after this turns false. */
        boolean alive(Pid pid);
    }

    private final Liveness liveness;
    private final BiConsumer<Pid, Object> deliver;
    private final Function<Pid, NoSuchProcessException> notAlive;
    private long refs;

    /** Members of each group, in join order. */
    private final Map<String, LinkedHashSet<Pid>> members = new HashMap<>();
    /** Monitors of each group. */
    private final Map<String, List<GroupMonitor.Ref>> monitors = new HashMap<>();
    /** The groups each pid is in, and the monitors each pid holds: what its exit must undo. */
    private final Map<Pid, Set<String>> memberOf = new HashMap<>();
    private final Map<Pid, List<GroupMonitor.Ref>> monitorsOf = new HashMap<>();
    /**
     * Whether anything was ever joined or monitored: an exit skips the monitor while nothing was.
     * Written (true, once) under the monitor before the liveness check of the first join; read by
     * exits after their process is marked exited. Both are volatile accesses, so a join that read
     * "alive" is seen by the exit, or the exit's mark by the join (see the class comment).
     */
    private volatile boolean used;

    /**
     * @param deliver  queues a message for a process (dropped if it has ended)
     * @param notAlive the runtime's own error for a pid that is not alive
     */
    public ProcessGroups(Liveness liveness, BiConsumer<Pid, Object> deliver, Function<Pid, NoSuchProcessException> notAlive) {
        this.liveness = liveness;
        this.deliver = deliver;
        this.notAlive = notAlive;
    }

    static String checkGroup(String group) {
        if (group == null || group.isBlank() || group.chars().anyMatch(Character::isISOControl) || group.length() > 255) {
            throw new IllegalArgumentException("a group name is 1 to 255 characters, not blank and without control characters;"
                    + " got " + (group == null ? "none" : "'" + group + "'"));
        }
        return group;
    }

    public void join(String group, Pid pid) {
        checkGroup(group);
        synchronized (this) {
            used = true;
            if (pid == null || !liveness.alive(pid)) {
                throw notAlive.apply(pid);
            }
            if (members.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(pid)) {
                memberOf.computeIfAbsent(pid, p -> new TreeSet<>()).add(group);
                tell(group, GroupChange.Kind.JOINED, List.of(pid));
            }
        }
    }

    public synchronized boolean leave(String group, Pid pid) {
        checkGroup(group);
        LinkedHashSet<Pid> in = members.get(group);
        if (in == null || !in.remove(pid)) {
            return false;
        }
        if (in.isEmpty()) {
            members.remove(group);
        }
        Set<String> of = memberOf.get(pid);
        if (of != null && of.remove(group) && of.isEmpty()) {
            memberOf.remove(pid);
        }
        tell(group, GroupChange.Kind.LEFT, List.of(pid));
        return true;
    }

    public synchronized List<Pid> members(String group) {
        LinkedHashSet<Pid> in = members.get(checkGroup(group));
        return in == null ? List.of() : List.copyOf(in);
    }

    public synchronized List<String> groups() {
        return List.copyOf(new TreeSet<>(members.keySet()));
    }

    /** The groups {@code pid} is in, sorted. */
    public synchronized List<String> groupsOf(Pid pid) {
        Set<String> of = memberOf.get(pid);
        return of == null ? List.of() : List.copyOf(of);
    }

    public GroupMonitor monitor(String group, Pid watcher) {
        checkGroup(group);
        synchronized (this) {
            used = true;
            if (watcher == null || !liveness.alive(watcher)) {
                throw notAlive.apply(watcher);
            }
            GroupMonitor.Ref ref = new GroupMonitor.Ref(++refs, group, watcher);
            monitors.computeIfAbsent(group, g -> new ArrayList<>(2)).add(ref);
            monitorsOf.computeIfAbsent(watcher, p -> new ArrayList<>(2)).add(ref);
            LinkedHashSet<Pid> in = members.get(group);
            return new GroupMonitor(ref, in == null ? List.of() : List.copyOf(in));
        }
    }

    /** For an image: each group's members as pid ids in join order, and every group monitor as {group, watcher id, ref id}. */
    public synchronized void exportTo(Map<String, Object> groupsOut, List<Object[]> monitorsOut) {
        members.forEach((g, in) -> {
            List<Long> ids = new ArrayList<>(in.size());
            for (Pid p : in) {
                ids.add(p.id());
            }
            groupsOut.put(g, ids);
        });
        monitors.forEach((g, refs) -> {
            for (GroupMonitor.Ref r : refs) {
                monitorsOut.add(new Object[] {g, r.watcher().id(), r.id()});
            }
        });
    }

    /** Restoring an image: the groups and monitors of {@link #exportTo}, for the processes that are alive here. */
    public synchronized void restore(Map<String, ?> groupsIn, List<?> monitorsIn) {
        groupsIn.forEach((g, ids) -> {
            for (Object id : (List<?>) ids) {
                Pid p = new Pid(((Number) id).longValue());
                if (liveness.alive(p)) {
                    used = true;
                    members.computeIfAbsent(g, k -> new LinkedHashSet<>()).add(p);
                    memberOf.computeIfAbsent(p, k -> new TreeSet<>()).add(g);
                }
            }
        });
        for (Object o : monitorsIn) {
            Object[] m = (Object[]) o;
            Pid watcher = new Pid(((Number) m[1]).longValue());
            if (liveness.alive(watcher)) {
                used = true;
                long id = ((Number) m[2]).longValue();
                refs = Math.max(refs, id);
                GroupMonitor.Ref ref = new GroupMonitor.Ref(id, (String) m[0], watcher);
                monitors.computeIfAbsent(ref.group(), g -> new ArrayList<>(2)).add(ref);
                monitorsOf.computeIfAbsent(watcher, p -> new ArrayList<>(2)).add(ref);
            }
        }
    }

    public synchronized boolean demonitor(GroupMonitor.Ref ref) {
        if (ref == null) {
            return false;
        }
        List<GroupMonitor.Ref> of = monitorsOf.get(ref.watcher());
        if (of == null || !of.remove(ref)) {
            return false;
        }
        if (of.isEmpty()) {
            monitorsOf.remove(ref.watcher());
        }
        dropMonitor(ref);
        return true;
    }

    /** A process ended: it leaves its groups (monitors are told) and its monitors end. */
    public void exited(Pid pid) {
        if (!used) {
            return; // no group was ever used: nothing to undo, and no lock taken on an exit
        }
        synchronized (this) {
            Set<String> of = memberOf.remove(pid);
            if (of != null) {
                for (String g : of) {
                    LinkedHashSet<Pid> in = members.get(g);
                    if (in != null && in.remove(pid) && in.isEmpty()) {
                        members.remove(g);
                    }
                    tell(g, GroupChange.Kind.LEFT, List.of(pid));
                }
            }
            List<GroupMonitor.Ref> watching = monitorsOf.remove(pid);
            if (watching != null) {
                watching.forEach(this::dropMonitor);
            }
        }
    }

    private void dropMonitor(GroupMonitor.Ref ref) {
        List<GroupMonitor.Ref> on = monitors.get(ref.group());
        if (on != null && on.remove(ref) && on.isEmpty()) {
            monitors.remove(ref.group());
        }
    }

    /** Under the monitor: queues the change for every monitor of {@code group}. */
    private void tell(String group, GroupChange.Kind kind, List<Pid> pids) {
        List<GroupMonitor.Ref> on = monitors.get(group);
        if (on == null) {
            return;
        }
        for (GroupMonitor.Ref ref : on) {
            deliver.accept(ref.watcher(), new GroupChange(ref, group, kind, pids));
        }
    }
}
