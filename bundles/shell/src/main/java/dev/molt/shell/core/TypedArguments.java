package dev.molt.shell.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Pairs the values a console passed to a command with the words the operator typed, so that
 * each argument is read from its word (see {@link Argument}). The words are used only when
 * they line up with the values one to one behind the command's own name; otherwise (a
 * variable that expanded to several values, a pipe, a line the console rewrote) the values
 * are used as the console made them.
 */
public final class TypedArguments {

    private TypedArguments() {
    }

    /**
     * @param line   the text of the command as typed, or null if the console does not say
     * @param values what the console passed, in order
     */
    public static List<Argument> read(CommandSyntax syntax, CharSequence line, Object[] values) {
        Object[] v = values == null ? new Object[0] : values;
        List<String> words = line == null ? null : ShellWords.split(line);
        boolean lined = words != null && words.size() == v.length + 1 && syntax.isNamedBy(words.get(0));
        List<Argument> arguments = new ArrayList<>(v.length);
        for (int i = 0; i < v.length; i++) {
            arguments.add(lined ? Argument.typed(words.get(i + 1)) : Argument.evaluated(v[i]));
        }
        return arguments;
    }
}
