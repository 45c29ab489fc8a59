package dev.molt.api;

/**
 * A process identifier, unique for the life of a runtime and never reused.
 *
 * <p>A <em>local</em> pid ({@code home} null, {@code new Pid(42)}) names a process of this runtime
 * and prints as {@code <42>}. A <em>remote</em> pid names a process of another node of a cluster:
 * its {@link Node}, the node's name and its <em>incarnation</em> (a number that node drew when it
 * started, so that the pids of a restarted node are never taken for those of the node before),
 * printed as {@code <42@n2>}. Each node sees its own processes as local pids: the cluster turns a
 * pid of this node's current incarnation into the local form on arrival, and the local form into the
 * remote one on the way out.
 *
 * <p>The text form leaves the incarnation out: {@link #parse} of {@code <42@n2>} gives a pid with
 * incarnation 0, which means "the incarnation of {@code n2} that is in the cluster now", and the
 * runtime completes it when it is used ({@link ProcessRuntime#resolve}).
 *
 * <p>The node is one reference, null for a local pid, so that a pid is as small as before clusters
 * (every process holds its own).
 *
 * @param id   the process number on its node, at least 1
 * @param home the node of a remote pid; null for a local one
 */
public record Pid(long id, Node home) implements Comparable<Pid> {

    /**
     * A node of a cluster, as a pid names it.
     *
     * @param name        the node's name: 1 to 64 letters, digits, '-', '_' or '.'
     * @param incarnation the node's incarnation; 0 for "the one in the cluster now"
     */
    public record Node(String name, long incarnation) {
        public Node {
            if (!isNodeName(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a node name: use letters, digits, '-', '_' and '.'");
            }
        }
    }

    public Pid {
        if (id < 1) {
            throw new IllegalArgumentException("a pid is a positive number, got " + id);
        }
    }

    /** A local pid. */
    public Pid(long id) {
        this(id, (Node) null);
    }

    /** A pid of {@code node}'s incarnation {@code incarnation}; a local pid if {@code node} is null. */
    public Pid(long id, String node, long incarnation) {
        this(id, node == null ? null : new Node(node, incarnation));
    }

    /** The node's name for a remote pid; null for a local one. */
    public String node() {
        return home == null ? null : home.name();
    }

    /** The node's incarnation for a remote pid; 0 for a local one (or for "the current one"). */
    public long incarnation() {
        return home == null ? 0 : home.incarnation();
    }

    /** A pid of {@code node}'s current incarnation. */
    public static Pid remote(long id, String node) {
        return new Pid(id, node, 0);
    }

    /** Whether a node name is well formed: 1 to 64 letters, digits, '-', '_' or '.'. */
    public static boolean isNodeName(String s) {
        if (s == null || s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** A pid of this runtime. */
    public boolean isLocal() {
        return home == null;
    }

    /**
     * Parses {@code <42>} or {@code 42} (local), and {@code <42@n2>} or {@code 42@n2} (a process on
     * node {@code n2}, its current incarnation).
     *
     * @throws IllegalArgumentException naming the text when it is not a pid
     */
    public static Pid parse(String text) {
        String t = text.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        int at = t.indexOf('@');
        try {
            if (at < 0) {
                return new Pid(Long.parseLong(t));
            }
            return remote(Long.parseLong(t.substring(0, at)), t.substring(at + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a pid: type it as a number (42), a number at a node"
                    + " (42@n2), or quoted ('<42>')");
        }
    }

    /** Local pids first, then by node, incarnation and number. */
    @Override
    public int compareTo(Pid o) {
        if (home == null || o.home == null) {
            return home == o.home ? Long.compare(id, o.id) : home == null ? -1 : 1;
        }
        int c = home.name().compareTo(o.home.name());
        if (c == 0) {
            c = Long.compare(home.incarnation(), o.home.incarnation());
        }
        return c != 0 ? c : Long.compare(id, o.id);
    }

    // Written out rather than the record's own: a local pid is the key of every send, and this
    // compares the number first and costs a local pid nothing for the node it does not have.
    @Override
    public boolean equals(Object o) {
        return o instanceof Pid p && p.id == id && (p.home == home || (home != null && home.equals(p.home)));
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(id);
        return home == null ? h : h * 31 + home.hashCode();
    }

    /** {@code <42>}, or {@code <42@n2>} for a remote pid (the incarnation is left out, see the class comment). */
    @Override
    public String toString() {
        return home == null ? "<" + id + ">" : "<" + id + "@" + home.name() + ">";
    }

    /** The pid as the shell takes it: {@code 42}, or {@code 42@n2}. */
    public String text() {
        return home == null ? Long.toString(id) : id + "@" + home.name();
    }
}
