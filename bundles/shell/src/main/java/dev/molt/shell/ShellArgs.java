package dev.molt.shell;

import java.util.Collection;
import java.util.Map;

/**
 * Turns what Gogo hands a command into plain values. Gogo has already read some of the
 * typed text: bare numbers arrive as {@code Long} or {@code Double}, {@code [a b]} as a
 * {@code List} of words and {@code [k=v]} as a {@code Map}. Numbers are narrowed as
 * {@link ValueParser} would read them; lists and maps are written back as text and read
 * by {@link ValueParser}, so {@code [a, 1]} means the same typed with or without quotes.
 */
final class ShellArgs {

    private ShellArgs() {
    }

    /** The value an argument stands for. */
    static Object value(Object arg) {
        if (arg == null) {
            throw new IllegalArgumentException("missing value: type a number, true/false, text, [a, 1] or {k=v}");
        }
        if (arg instanceof Long l) {
            return l == l.intValue() ? Integer.valueOf(l.intValue()) : l;
        }
        if (arg instanceof Number || arg instanceof Boolean) {
            return arg;
        }
        return ValueParser.parse(text(arg));
    }

    /** The text of an argument, as it was typed as nearly as Gogo lets us see it. */
    static String text(Object arg) {
        if (arg instanceof Collection<?> c) {
            StringBuilder sb = new StringBuilder("[");
            String sep = "";
            for (Object o : c) {
                sb.append(sep).append(text(o));
                sep = " ";
            }
            return sb.append(']').toString();
        }
        if (arg instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("{");
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sep).append(text(e.getKey())).append('=').append(text(e.getValue()));
                sep = ", ";
            }
            return sb.append('}').toString();
        }
        return String.valueOf(arg);
    }
}
