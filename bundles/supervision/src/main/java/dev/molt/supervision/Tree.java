package dev.molt.supervision;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.molt.api.ChildInfo;
import dev.molt.api.ChildSpec;
import dev.molt.api.Pid;
import dev.molt.api.SupervisorSpec;

/**
 * The state of one supervisor: its flags, its children in start order with the pid each runs as
 * now, the restarts inside the intensity window, and the children it stopped itself whose exit
 * signal is still to come. Mutable, owned by the supervisor's process (one thread at a time);
 * exported as neutral data ({@link #export}) and rebuilt by {@link #restore} on an upgrade.
 */
final class Tree {

    /** One child: its spec, the process running it (null if none), whether it should run. */
    static final class Child {
        final ChildSpec spec;
        Pid pid;
        int restarts;
        /** False once terminated on request, or ended and not to be restarted: a retry leaves it alone. */
        boolean wanted = true;

        Child(ChildSpec spec) {
            this.spec = spec;
        }

        String id() {
            return spec.id();
        }
    }

    final SupervisorSpec flags;
    /** By id, in start order. */
    final LinkedHashMap<String, Child> children = new LinkedHashMap<>();
    final Map<Pid, Child> byPid = new HashMap<>();
    /**
     * Children this supervisor stopped itself: the link stays until the child ends, so exactly one
     * exit signal from each is still to come, and is recognised (and dropped) by this set.
     */
    final Set<Pid> stopping = new HashSet<>();
    /** When the restarts inside the intensity window happened (System.nanoTime). */
    final ArrayDeque<Long> restartTimes = new ArrayDeque<>();
    long dynamicSeq;

    Tree(SupervisorSpec flags) {
        this.flags = flags;
    }

    boolean isDynamic() {
        return flags.strategy() == SupervisorSpec.Strategy.SIMPLE_ONE_FOR_ONE;
    }

    void running(Child c, Pid pid) {
        c.pid = pid;
        byPid.put(pid, c);
    }

    /** The child named by its id, or (for any child) by its pid written as a number or {@code <n>}. */
    Child find(String idOrPid) {
        Child c = children.get(idOrPid);
        if (c != null) {
            return c;
        }
        try {
            return byPid.get(Pid.parse(idOrPid));
        } catch (IllegalArgumentException notAPid) {
            return null;
        }
    }

    List<ChildInfo> infos() {
        List<ChildInfo> out = new ArrayList<>(children.size());
        for (Child c : children.values()) {
            out.add(new ChildInfo(c.id(), c.pid, c.spec, c.restarts));
        }
        return out;
    }

    // ---- neutral form ---------------------------------------------------------------------

    /** The state as neutral data: API records, JDK values, lists and maps. */
    Map<String, Object> export() {
        List<Object> kids = new ArrayList<>(children.size());
        for (Child c : children.values()) {
            Map<String, Object> k = new HashMap<>();
            k.put("spec", c.spec);
            if (c.pid != null) {
                k.put("pid", c.pid);
            }
            k.put("restarts", c.restarts);
            k.put("wanted", c.wanted);
            kids.add(k);
        }
        Map<String, Object> m = new HashMap<>();
        m.put("flags", flags);
        m.put("children", kids);
        m.put("stopping", new ArrayList<>(stopping));
        m.put("restartTimes", new ArrayList<>(restartTimes));
        m.put("dynamicSeq", dynamicSeq);
        return m;
    }

    /** Rebuilds a state that {@link #export} wrote (by this or another version of the bundle). */
    static Tree restore(Object neutral) {
        if (!(neutral instanceof Map<?, ?> m) || !(m.get("flags") instanceof SupervisorSpec flags)) {
            throw new IllegalArgumentException("not a supervisor's exported state: " + neutral);
        }
        Tree t = new Tree(flags);
        for (Object o : (List<?>) m.get("children")) {
            Map<?, ?> k = (Map<?, ?>) o;
            Child c = new Child((ChildSpec) k.get("spec"));
            c.restarts = ((Number) k.get("restarts")).intValue();
            c.wanted = Boolean.TRUE.equals(k.get("wanted"));
            t.children.put(c.id(), c);
            if (k.get("pid") instanceof Pid pid) {
                t.running(c, pid);
            }
        }
        for (Object p : (List<?>) m.get("stopping")) {
            t.stopping.add((Pid) p);
        }
        for (Object n : (List<?>) m.get("restartTimes")) {
            t.restartTimes.add(((Number) n).longValue());
        }
        t.dynamicSeq = ((Number) m.get("dynamicSeq")).longValue();
        return t;
    }
}
