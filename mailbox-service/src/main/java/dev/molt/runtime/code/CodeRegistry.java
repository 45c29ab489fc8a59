package dev.molt.runtime.code;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import dev.molt.api.Behaviour;
import dev.molt.api.InvalidNameException;
import dev.molt.api.UnknownBehaviourException;

/**
 * The behaviours the runtime knows, by name, and the naming rule for behaviours and processes.
 *
 * <p>Thread rule: any thread; lines are made once per name and never removed (a name whose last
 * version went away keeps its waiting processes).
 */
public final class CodeRegistry {

    /** A Unicode letter or '_', then letters, digits, '.', '-', '_'. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_.\\-]*");

    private final ConcurrentHashMap<String, BehaviourLine> lines = new ConcurrentHashMap<>();
    private final Object owner;

    /** @param owner the runtime the lines belong to, handed to every line as an opaque reference */
    public CodeRegistry(Object owner) {
        this.owner = owner;
    }

    /** Checks a process name against the naming rule. */
    public static void checkProcessName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new InvalidNameException("'" + name + "' is not a valid process name: start with a letter or '_',"
                    + " then letters, digits, '.', '-', '_'");
        }
    }

    /**
     * Adds a version of {@code name}; the caller (the upgrade coordinator) then moves processes.
     *
     * @throws InvalidNameException if the name breaks the naming rule
     */
    public BehaviourVersion add(String name, String version, Behaviour<?> code, BehaviourVersion.Source source) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidNameException("'" + name + "' is not a behaviour name: start with a letter or '_',"
                    + " then letters, digits, '.', '-', '_'");
        }
        BehaviourLine line = lines.computeIfAbsent(name, n -> new BehaviourLine(n, owner));
        BehaviourVersion v = new BehaviourVersion(line, version, code, source);
        line.add(v);
        return v;
    }

    /** Withdraws {@code v}: spawns no longer get it. Its processes are the coordinator's to move. */
    public void remove(BehaviourVersion v) {
        v.line().remove(v);
    }

    public BehaviourLine line(String name) {
        return name == null ? null : lines.get(name);
    }

    /** The line of {@code name}, made if there is none yet (a restored process's behaviour, before any version registers). */
    public BehaviourLine lineFor(String name) {
        return lines.computeIfAbsent(name, n -> new BehaviourLine(n, owner));
    }

    /**
     * The line of {@code name}.
     *
     * @throws UnknownBehaviourException naming the known behaviours if there is none
     */
    public BehaviourLine existing(String name) {
        BehaviourLine l = line(name);
        if (l == null) {
            throw new UnknownBehaviourException("unknown behaviour '" + name + "'; known: " + known()
                    + ". Deploy a bundle that registers it");
        }
        return l;
    }

    public Collection<BehaviourLine> lines() {
        return lines.values();
    }

    /** The names with a registered version, sorted, for error messages. */
    public String known() {
        List<String> known = new ArrayList<>();
        lines.forEach((n, l) -> {
            if (l.serving() != null) {
                known.add(n);
            }
        });
        known.sort(null);
        return known.toString();
    }
}
