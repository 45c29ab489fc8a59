package dev.molt.shell.core;

/**
 * The options the {@code proc:} commands take: most take a value, a few are flags (a null
 * {@link #valueName}). The descriptions are constants so that the Gogo and Karaf annotations can
 * use them.
 */
public enum ShellOption {
    NAME("--name", "NAME", ShellOption.NAME_HELP),
    CALL_TIMEOUT("--timeout", "MS", ShellOption.CALL_TIMEOUT_HELP),
    KILL_TIMEOUT("--timeout", "MS", ShellOption.KILL_TIMEOUT_HELP),
    NODE("--node", "NODE", ShellOption.NODE_HELP),
    ALL("--all", null, ShellOption.ALL_HELP),
    ROLLING("--rolling", null, ShellOption.ROLLING_HELP),
    CANARY("--canary", "SELECTION", ShellOption.CANARY_HELP),
    KEEP_OLD("--keep-old", null, ShellOption.KEEP_OLD_HELP),
    CLUSTER("--cluster", null, ShellOption.CLUSTER_HELP);

    public static final String NAME_HELP = "register the process under this name";
    public static final String CALL_TIMEOUT_HELP = "how long to wait for the reply, in milliseconds (default 5000)";
    public static final String KILL_TIMEOUT_HELP = "how long to wait for a running handler to return, in milliseconds (default 5000)";
    public static final String ROLLING_HELP = "install the new version beside the running one and move the processes a few at a"
            + " time while the rest keep running; the old version goes when empty";
    public static final String CANARY_HELP = "move only SELECTION (10%, a count such as 5, or a name glob such as shard-1*) to"
            + " the new version and stop there: proc:promote moves the rest, proc:abort moves them back";
    public static final String KEEP_OLD_HELP = "rolling or canary: keep the old version's bundle installed once it is empty";
    public static final String NODE_HELP = "spawn on this node of the cluster (proc:nodes lists them)";
    public static final String ALL_HELP = "list the processes of every node of the cluster";
    public static final String CLUSTER_HELP = "upgrade every node of the cluster, one after the other (each atomic, or"
            + " rolling with --rolling)";

    private final String flag;
    private final String valueName;
    private final String help;

    ShellOption(String flag, String valueName, String help) {
        this.flag = flag;
        this.valueName = valueName;
        this.help = help;
    }

    public String flag() {
        return flag;
    }

    /** The name of the value in usage lines, or null for a flag. */
    String valueName() {
        return valueName;
    }

    /** Whether the option takes a value (else it is a flag: given or not). */
    public boolean takesValue() {
        return valueName != null;
    }

    public String help() {
        return help;
    }
}
