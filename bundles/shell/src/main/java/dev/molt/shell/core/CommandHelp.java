package dev.molt.shell.core;

/**
 * What each {@code proc:} command does, in one line: constants, so that both consoles' help
 * annotations (Gogo's {@code @Descriptor}, Karaf's {@code @Command}) say the same.
 */
public final class CommandHelp {

    public static final String SPAWN = "start a process of a behaviour and print its pid";
    public static final String SEND = "queue a message for a process";
    public static final String CALL = "send a message as a call and print the reply";
    public static final String PS = "list the live processes (id, name, behaviour, version, status, mailbox depth, messages"
            + " handled), then each behaviour's versions with their processes";
    public static final String INFO = "show everything known about one process, its state included";
    public static final String KILL = "end a process before its next message (terminate does not run, queued messages are dropped)";
    public static final String UPGRADE = "upgrade a behaviour from a jar (atomic: update its bundle; --rolling or --canary: install"
            + " beside it; --cluster: on every node, one after the other), wait for its processes to migrate, print the report";
    public static final String PROMOTE = "move the rest of a canary's processes to the new version, print the report";
    public static final String ABORT = "move a canary's processes back to the old version and remove the new one, print the report";
    public static final String HISTORY = "list past upgrades, oldest first";
    public static final String NODES = "list the nodes of the cluster this node is in, coordinator first";
    public static final String UPGRADE_RUNTIME = "update the Molt runtime bundle (or process-api) from a jar, keeping every"
            + " process, and print how many were handed over and the longest pause";
    public static final String ROLLBACK = "go back to the version a behaviour ran before its newest upgrade, print the report";

    public static final String TREE = "draw the supervision trees: pid, child id, name, behaviour, version, restarts";
    public static final String SUP = "ask a supervisor: which-children, start-child, restart-child, terminate-child, delete-child";
    public static final String GROUPS = "list the process groups and their members, or one group's members";

    /** How a process is named in an argument. */
    public static final String PROCESS = "a pid, typed bare (42) or quoted ('<42>'), or a process name";
    /** How a value is typed. */
    public static final String VALUE = "a value: 42, 1.5, true, text, 'text with blanks', [a, 1], {k=v}, Type{field=v}";

    private CommandHelp() {
    }
}
