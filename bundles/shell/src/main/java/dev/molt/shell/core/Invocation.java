package dev.molt.shell.core;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One call of a command, checked against its {@link CommandSyntax}: the positional arguments
 * and the options, each option with its value. Every mistake is an
 * {@link IllegalArgumentException} whose message is one line naming it and the right form.
 */
public final class Invocation {

    private final CommandSyntax syntax;
    private final List<Argument> arguments;
    private final Map<ShellOption, Argument> options;

    private Invocation(CommandSyntax syntax, List<Argument> arguments, Map<ShellOption, Argument> options) {
        this.syntax = syntax;
        this.arguments = List.copyOf(arguments);
        this.options = options;
        if (arguments.size() < syntax.minArguments()) {
            throw new IllegalArgumentException("missing argument: " + syntax.usage());
        }
        if (arguments.size() > syntax.maxArguments()) {
            throw new IllegalArgumentException("too many arguments: " + syntax.usage()
                    + (syntax.maxArguments() > 0 ? "; quote a value with blanks: 'a b'" : ""));
        }
    }

    /**
     * Reads the words after the command name: {@code --option value} (or {@code --option=value})
     * anywhere, {@code --} to end the options, the rest positional.
     */
    public static Invocation parse(CommandSyntax syntax, List<Argument> words) {
        List<Argument> positional = new ArrayList<>();
        Map<ShellOption, Argument> options = new EnumMap<>(ShellOption.class);
        boolean optionsEnded = false;
        for (int i = 0; i < words.size(); i++) {
            Argument word = words.get(i);
            String flag = optionsEnded ? null : word.optionName();
            if (flag == null) {
                positional.add(word);
                continue;
            }
            if (flag.equals("--") && word.inlineValue() == null) {
                optionsEnded = true;
                continue;
            }
            ShellOption option = syntax.option(flag);
            if (option == null) {
                throw new IllegalArgumentException("unknown option " + flag + ": " + syntax.optionsText()
                        + "; usage: " + syntax.usage());
            }
            Argument value = word.inlineValue();
            if (!option.takesValue()) {
                if (value != null) {
                    throw new IllegalArgumentException(flag + " takes no value: " + syntax.usage());
                }
                value = Argument.evaluated(Boolean.TRUE);
            } else if (value == null) {
                if (i + 1 >= words.size() || words.get(i + 1).optionName() != null) {
                    throw new IllegalArgumentException(flag + " needs a value: " + syntax.usage());
                }
                value = words.get(++i);
            }
            if (options.put(option, value) != null) {
                throw new IllegalArgumentException(flag + " is given twice: " + syntax.usage());
            }
        }
        return new Invocation(syntax, positional, options);
    }

    /** An invocation whose options a console has already read (Karaf's shell does). */
    public static Invocation of(CommandSyntax syntax, List<Argument> arguments, Map<ShellOption, Argument> options) {
        Map<ShellOption, Argument> copy = new EnumMap<>(ShellOption.class);
        copy.putAll(options);
        return new Invocation(syntax, arguments, copy);
    }

    CommandSyntax syntax() {
        return syntax;
    }

    int size() {
        return arguments.size();
    }

    Argument argument(int index) {
        return arguments.get(index);
    }

    List<Argument> arguments() {
        return arguments;
    }

    /** The option's argument, or null when it was not given. */
    Argument option(ShellOption option) {
        return options.get(option);
    }

    /** Whether a flag was given. */
    boolean flag(ShellOption option) {
        return options.containsKey(option);
    }
}
