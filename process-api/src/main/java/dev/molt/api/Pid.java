package dev.molt.api;

/**
 * A process identifier, unique for the life of a runtime and never reused.
 *
 * <p>A <em>local</em> pid ({@code node} null, {@code new Pid(42)}) names a process of this runtime
 * and prints as {@code <42>}. A <em>remote</em> pid names a process of another node of a cluster:
 * the node's name and its <em>incarnation</em> (a number that node drew when it started, so that
 * the pids of a restarted node are never taken for those of the node before), printed as
 * {@code <42@n2>}. Each node sees its own processes as local pids: the cluster turns a pid of this
 * node's current incarnation into the local form on arrival, and the local form into the remote
 * one on the way out.
 *
 * <p>The text form leaves the incarnation out: {@link #parse} of {@code <42@n2>} gives a pid with
 * incarnation 0, which means "the incarnation of {@code n2} that is in the cluster now", and the
 * runtime completes it when it is used ({@link ProcessRuntime#resolve}).
 *
 * @param id          the process number on its node, at least 1
 * @param node        the node's name for a remote pid; null for a local one
 * @param incarnation the node's incarnation; 0 for a local pid, or for "the current one"
 */
public record Pid(long id, String node, long incarnation) implements Comparable<Pid> {

    public Pid {
        if (id < 1) {
            throw new IllegalArgumentException("a pid is a positive number, got " + id);
        }
        if (node == null && incarnation != 0) {
            throw new IllegalArgumentException("a local pid has no incarnation, got " + incarnation);
        }
        if (node != null && !isNodeName(node)) {
            throw new IllegalArgumentException("'" + node + "' is not a node name: use letters, digits, '-', '_' and '.'");
        }
    }

    /** A local pid. */
    public Pid(long id) {
        this(id, null, 0);
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
        return node == null;
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
        if (node == null || o.node == null) {
            return node == o.node ? Long.compare(id, o.id) : node == null ? -1 : 1;
        }
        int c = node.compareTo(o.node);
        if (c == 0) {
            c = Long.compare(incarnation, o.incarnation);
        }
        return c != 0 ? c : Long.compare(id, o.id);
    }

    // Written out rather than the record's own: a local pid is the key of every send, and this
    // compares the number first and costs a local pid nothing for the node it does not have.
    @Override
    public boolean equals(Object o) {
        return o instanceof Pid p && p.id == id && p.incarnation == incarnation
                && (p.node == node || (node != null && node.equals(p.node)));
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(id);
        return node == null ? h : h * 31 + node.hashCode() * 17 + Long.hashCode(incarnation);
    }

    /** {@code <42>}, or {@code <42@n2>} for a remote pid (the incarnation is left out, see the class comment). */
    @Override
    public String toString() {
        return node == null ? "<" + id + ">" : "<" + id + "@" + node + ">";
    }

    /** The pid as the shell takes it: {@code 42}, or {@code 42@n2}. */
    public String text() {
        return node == null ? Long.toString(id) : id + "@" + node;
    }
}
