package dev.molt.runtime.process;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.molt.api.DuplicateNameException;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;

/**
 * The live processes by pid and by registered name, and the pid counter.
 *
 * <p>Thread rule: any thread. A name is taken with {@code putIfAbsent}, so two spawns never hold
 * one name; a process leaves both maps before its watchers are told it ended.
 */
public final class ProcessTable {

    private final ConcurrentHashMap<Pid, Proc> byPid = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Proc> byName = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    Pid nextPid() {
        return new Pid(ids.incrementAndGet());
    }

    /** The highest pid id handed out. */
    public long lastPid() {
        return ids.get();
    }

    /** Restoring an image: pids go on after {@code last}. */
    void pidsAfter(long last) {
        ids.accumulateAndGet(last, Math::max);
    }

    /** Whether {@code pid} was ever handed out by this table. */
    public boolean everExisted(Pid pid) {
        return pid.id() <= ids.get();
    }

    /**
     * Takes {@code name} for {@code p}.
     *
     * @throws DuplicateNameException naming the holder if the name is taken
     */
    void claimName(String name, Proc p) {
        Proc holder = byName.putIfAbsent(name, p);
        if (holder != null) {
            throw new DuplicateNameException("the name '" + name + "' is taken by process " + holder.pid().id()
                    + "; choose another name or stop that process");
        }
    }

    void add(Proc p) {
        byPid.put(p.pid(), p);
    }

    void remove(Proc p) {
        byPid.remove(p.pid(), p);
        String name = p.nameOrNull(); // not name(): an Optional, never null and never a key
        if (name != null) {
            byName.remove(name, p);
        }
    }

    public Proc get(Pid pid) {
        return pid == null ? null : byPid.get(pid);
    }

    /** The live process named {@code name}. */
    public Optional<Proc> named(String name) {
        Proc p = name == null ? null : byName.get(name);
        return p == null || p.isExited() ? Optional.empty() : Optional.of(p);
    }

    /**
     * The live process {@code pid}.
     *
     * @throws NoSuchProcessException if it is not alive
     */
    public Proc existing(Pid pid) {
        Proc p = get(pid);
        if (p == null) {
            throw notAlive(pid);
        }
        return p;
    }

    public static NoSuchProcessException notAlive(Pid pid) {
        if (pid != null && !pid.isLocal()) {
            // What asks for a live process of this table (a group, a spawn's link, a state) takes this node's only.
            return new NoSuchProcessException("process " + pid.text() + " is on node " + pid.node() + ", not this one: do this"
                    + " on " + pid.node());
        }
        return new NoSuchProcessException("process " + (pid == null ? "none" : pid.id())
                + " is not alive; list live processes with proc:ps");
    }

    public Collection<Proc> all() {
        return byPid.values();
    }

    public List<Proc> snapshot() {
        return new ArrayList<>(byPid.values());
    }

    public int size() {
        return byPid.size();
    }
}
