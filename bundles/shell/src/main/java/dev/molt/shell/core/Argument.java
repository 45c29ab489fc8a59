package dev.molt.shell.core;

import java.util.Collection;
import java.util.Map;

/**
 * One argument of a command: the word as the operator typed it when the console adapter
 * could recover it (see {@link ShellWords}), and otherwise the value the console made of it.
 *
 * <p>Read from the typed word, a value means what the README's values table says: a word
 * quoted as a whole is text ({@code '5'} is the string "5"), unless what is inside the quotes
 * is a list, map, record or quoted text in the notation ({@code '{k=v}'}, which Gogo would
 * otherwise read as a closure); any other word is read by {@link ValueParser}. Read from a
 * console value (a Gogo variable, a pipe), the value is taken as the console hands it.
 */
public final class Argument {

    private final String typed;
    private final Object evaluated;

    private Argument(String typed, Object evaluated) {
        this.typed = typed;
        this.evaluated = evaluated;
    }

    /** The word as typed, quotes included. */
    public static Argument typed(String word) {
        return new Argument(word, null);
    }

    /** What the console made of the word, when the word itself is not known. */
    public static Argument evaluated(Object value) {
        return new Argument(null, value);
    }

    /** An option's name such as {@code --name} (unquoted, two dashes), or null if this is not one. */
    String optionName() {
        String t = typed != null ? typed : evaluated instanceof String s ? s : null;
        if (t == null || !t.startsWith("--")) {
            return null;
        }
        int eq = t.indexOf('=');
        return eq < 0 ? t : t.substring(0, eq);
    }

    /** For {@code --name=value}, the argument after the '='; null for {@code --name}. */
    Argument inlineValue() {
        String t = typed != null ? typed : (String) evaluated;
        int eq = t.indexOf('=');
        if (eq < 0) {
            return null;
        }
        String rest = t.substring(eq + 1);
        return typed != null ? typed(rest) : evaluated(rest);
    }

    /** The text of the argument, for names, behaviours, URLs and reasons. */
    public String text() {
        if (typed != null) {
            return ShellWords.unquote(typed);
        }
        return textOf(evaluated);
    }

    /**
     * The value the argument stands for.
     *
     * @throws IllegalArgumentException if it is malformed; the message is one line
     */
    public Object value() {
        if (typed != null) {
            if (ShellWords.isQuoted(typed)) {
                String inside = ShellWords.unquote(typed);
                return ValueParser.isComposite(inside) ? ValueParser.parse(inside) : inside;
            }
            return ValueParser.parse(typed);
        }
        Object arg = evaluated;
        if (arg == null) {
            throw new IllegalArgumentException("missing value: type a number, true/false, text, [a, 1], {k=v} or Type{field=v}");
        }
        if (arg instanceof Long l && l == l.intValue()) {
            // Not a conditional expression: with an Integer and a Long, it would box both as Long.
            return Integer.valueOf(l.intValue());
        }
        if (arg instanceof Double d && d.isInfinite()) {
            throw new IllegalArgumentException("a number is beyond the range of a double: type it in the command itself "
                    + "as a whole number for an exact BigInteger, or quote it to send it as text");
        }
        if (arg instanceof Number || arg instanceof Boolean) {
            return arg;
        }
        return ValueParser.parse(textOf(arg));
    }

    /**
     * A console value as text. Gogo hands {@code [a b]} as a list of words and {@code [k=v]} as
     * a map; they are written back in the notation so that they read as the same list or map.
     * An element with a blank can only have been quoted, so it is quoted again.
     */
    private static String textOf(Object arg) {
        if (arg instanceof Collection<?> c) {
            StringBuilder sb = new StringBuilder("[");
            String sep = "";
            for (Object o : c) {
                sb.append(sep).append(elementText(o));
                sep = " ";
            }
            return sb.append(']').toString();
        }
        if (arg instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sep).append(elementText(e.getKey())).append('=').append(elementText(e.getValue()));
                sep = ", ";
            }
            return sb.append('}').toString();
        }
        return String.valueOf(arg);
    }

    private static String elementText(Object o) {
        if (o instanceof String s && s.chars().anyMatch(Character::isWhitespace)) {
            return ValueFormatter.quoteIfNeeded(s);
        }
        return textOf(o);
    }

    @Override
    public String toString() {
        return typed != null ? typed : String.valueOf(evaluated);
    }
}
