package dev.molt.shell.core;

/**
 * The options the {@code proc:} commands take: most take a value; a flag (no value name) does
 * not, and stands for itself. The descriptions
 * are constants so that the Gogo and Karaf annotations can use them.
 */
public enum ShellOption {
    NAME("--name", "NAME", ShellOption.NAME_HELP),
    CALL_TIMEOUT("--timeout", "MS", ShellOption.CALL_TIMEOUT_HELP),
    KILL_TIMEOUT("--timeout", "MS", ShellOption.KILL_TIMEOUT_HELP),
    NODE("--node", "NODE", ShellOption.NODE_HELP),
    ALL("--all", null, ShellOption.ALL_HELP),
    CLUSTER("--cluster", null, ShellOption.CLUSTER_HELP),
    ROLLING("--rolling", null, ShellOption.ROLLING_HELP);

    public static final String NAME_HELP = "register the process under this name";
    public static final String CALL_TIMEOUT_HELP = "how long to wait for the reply, in milliseconds (default 5000)";
    public static final String KILL_TIMEOUT_HELP = "how long to wait for a running handler to return, in milliseconds (default 5000)";

    public static final String NODE_HELP = "spawn on this node of the cluster (proc:nodes lists them)";
    public static final String ALL_HELP = "list the processes of every node of the cluster";
    public static final String CLUSTER_HELP = "upgrade every node of the cluster, one after the other";
    public static final String ROLLING_HELP = "move one process (or a small batch) at a time, the rest keep running";

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

    /** An option that takes no value. */
    public boolean isFlag() {
        return valueName == null;
    }

    String valueName() {
        return valueName;
    }

    public String help() {
        return help;
    }
}
