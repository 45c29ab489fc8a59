package dev.molt.shell.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How each {@code proc:} command is called: its usage line, how many arguments it takes and
 * which options. Both consoles (Gogo in Felix, Karaf's shell) check what was typed against
 * this, so a mistake reads the same in both.
 */
public enum CommandSyntax {
    SPAWN("spawn", "<behaviour> [--name NAME] [--node NODE] [arg]", 1, 2, ShellOption.NAME, ShellOption.NODE),
    SEND("send", "<pid|name> <message>", 2, 2),
    CALL("call", "<pid|name> <message> [--timeout MS]", 2, 2, ShellOption.CALL_TIMEOUT),
    PS("ps", "[--all] [behaviour]", 0, 1, ShellOption.ALL),
    INFO("info", "<pid|name>", 1, 1),
    KILL("kill", "<pid|name> [reason] [--timeout MS]", 1, Integer.MAX_VALUE, ShellOption.KILL_TIMEOUT),
    UPGRADE("upgrade", "[--rolling | --canary SELECTION] [--keep-old] [--cluster] <bundle-id|behaviour> <jar-url>", 2, 2,
            ShellOption.ROLLING, ShellOption.CANARY, ShellOption.KEEP_OLD, ShellOption.CLUSTER),
    PROMOTE("promote", "<behaviour>", 1, 1),
    ABORT("abort", "<behaviour>", 1, 1),
    HISTORY("history", "", 0, 0),
    ROLLBACK("rollback", "<behaviour>", 1, 1),
    TREE("tree", "", 0, 0),
    SUP("sup", "<which-children|start-child|restart-child|terminate-child|delete-child> <supervisor> [child|arg] [behaviour [arg]]",
            2, 5),
    GROUPS("groups", "[group]", 0, 1),
    NODES("nodes", "", 0, 0);

    /** The Gogo and Karaf scope of the commands. */
    public static final String SCOPE = "proc";

    private final String function;
    private final String usage;
    private final int minArguments;
    private final int maxArguments;
    private final List<ShellOption> options;

    CommandSyntax(String function, String arguments, int min, int max, ShellOption... options) {
        this.function = function;
        this.usage = (SCOPE + ":" + function + " " + arguments).strip();
        this.minArguments = min;
        this.maxArguments = max;
        this.options = List.of(options);
    }

    /** The command's name within the scope, such as {@code spawn}. */
    public String function() {
        return function;
    }

    /** How to call it, such as {@code proc:info <pid|name>}. */
    public String usage() {
        return usage;
    }

    int minArguments() {
        return minArguments;
    }

    int maxArguments() {
        return maxArguments;
    }

    List<ShellOption> options() {
        return options;
    }

    /** Whether {@code word}, the first word of a command line, names this command. */
    boolean isNamedBy(String word) {
        return word.equalsIgnoreCase(function) || word.equalsIgnoreCase(SCOPE + ":" + function);
    }

    ShellOption option(String name) {
        return options.stream().filter(o -> o.flag().equals(name)).findFirst().orElse(null);
    }

    /** The options for an error message: {@code --name NAME}, or that there are none. */
    String optionsText() {
        if (options.isEmpty()) {
            return SCOPE + ":" + function + " takes no options";
        }
        return "the options of " + SCOPE + ":" + function + " are "
                + options.stream().map(o -> o.takesValue() ? o.flag() + " " + o.valueName() : o.flag())
                .collect(Collectors.joining(", "));
    }
}
