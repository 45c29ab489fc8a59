package dev.molt.shell.core;

/**
 * The options the {@code proc:} commands take. Every option takes a value. The descriptions
 * are constants so that the Gogo and Karaf annotations can use them.
 */
public enum ShellOption {
    NAME("--name", "NAME", ShellOption.NAME_HELP),
    CALL_TIMEOUT("--timeout", "MS", ShellOption.CALL_TIMEOUT_HELP),
    KILL_TIMEOUT("--timeout", "MS", ShellOption.KILL_TIMEOUT_HELP);

    public static final String NAME_HELP = "register the process under this name";
    public static final String CALL_TIMEOUT_HELP = "how long to wait for the reply, in milliseconds (default 5000)";
    public static final String KILL_TIMEOUT_HELP = "how long to wait for a running handler to return, in milliseconds (default 5000)";

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

    String valueName() {
        return valueName;
    }

    public String help() {
        return help;
    }
}
