package dev.molt.shell.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.molt.api.Struct;

/**
 * Writes neutral data in the notation {@link ValueParser} reads, so that what the shell prints
 * can be typed back: {@code parse(format(v))} equals {@code v} for every value the parser makes.
 * Strings are quoted only when they would otherwise read as something else. A {@link Struct}
 * is written as its simple type name followed by its fields as a map: {@code State{count=3}}.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ValueFormatter {

    private ValueFormatter() {
    }

    /** The value on one line. */
    public static String format(Object value) {
        StringBuilder sb = new StringBuilder();
        inline(sb, value);
        return sb.toString();
    }

    /**
     * The value over several lines when it does not fit in {@code width} columns: each element
     * of a list, map or struct on its own line, indented by two per level.
     */
    public static String pretty(Object value, int width) {
        StringBuilder sb = new StringBuilder();
        pretty(sb, value, 0, 0, width);
        return sb.toString();
    }

    /** {@code indent}: of the value's first line; {@code column}: where the value starts on it. */
    private static void pretty(StringBuilder sb, Object value, int indent, int column, int width) {
        String flat = format(value);
        if (column + flat.length() <= width || !(value instanceof Struct || value instanceof Map
                || value instanceof Collection)) {
            sb.append(flat);
            return;
        }
        String pad = " ".repeat(indent + 2);
        List<String> keys = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        String open;
        String close;
        if (value instanceof Struct s) {
            open = s.simpleType() + "{";
            close = "}";
            s.fields().forEach((k, v) -> {
                keys.add(quoteIfNeeded(k));
                values.add(v);
            });
        } else if (value instanceof Map<?, ?> m) {
            open = "{";
            close = "}";
            m.forEach((k, v) -> {
                keys.add(format(k));
                values.add(v);
            });
        } else {
            open = "[";
            close = "]";
            for (Object v : (Collection<?>) value) {
                keys.add(null);
                values.add(v);
            }
        }
        sb.append(open);
        for (int i = 0; i < values.size(); i++) {
            sb.append('\n').append(pad);
            int at = indent + 2;
            if (keys.get(i) != null) {
                sb.append(keys.get(i)).append('=');
                at += keys.get(i).length() + 1;
            }
            pretty(sb, values.get(i), indent + 2, at, width);
            if (i < values.size() - 1) {
                sb.append(',');
            }
        }
        sb.append('\n').append(" ".repeat(indent)).append(close);
    }

    private static void inline(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String s) {
            sb.append(quoteIfNeeded(s));
        } else if (value instanceof Struct s) {
            sb.append(s.simpleType()).append('{');
            String sep = "";
            for (Map.Entry<String, Object> e : s.fields().entrySet()) {
                sb.append(sep).append(quoteIfNeeded(e.getKey())).append('=');
                inline(sb, e.getValue());
                sep = ", ";
            }
            sb.append('}');
        } else if (value instanceof Map<?, ?> m) {
            sb.append('{');
            String sep = "";
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(sep);
                inline(sb, e.getKey());
                sb.append('=');
                inline(sb, e.getValue());
                sep = ", ";
            }
            sb.append('}');
        } else if (value instanceof Collection<?> c) {
            sb.append('[');
            String sep = "";
            for (Object o : c) {
                sb.append(sep);
                inline(sb, o);
                sep = ", ";
            }
            sb.append(']');
        } else if (value instanceof Object[] array) {
            inline(sb, java.util.Arrays.asList(array));
        } else {
            sb.append(value);
        }
    }

    /** Whether the bare word reads back as this text (not a number, boolean, or an error such as 1e400). */
    private static boolean readsAsText(String s) {
        try {
            return ValueParser.scalar(s) instanceof String;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A string as it must be typed to read back as this same string. */
    static String quoteIfNeeded(String s) {
        boolean plain = !s.isEmpty() && readsAsText(s) && !"null".equals(s);
        for (int i = 0; plain && i < s.length(); i++) {
            plain = !ValueParser.isDelimiter(s.charAt(i));
        }
        if (plain) {
            return s;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
