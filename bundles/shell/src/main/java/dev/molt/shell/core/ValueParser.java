package dev.molt.shell.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.molt.api.Struct;

/**
 * Reads the values an operator types in the shell into neutral data.
 *
 * <pre>
 * 42, -7             Integer (Long when it does not fit, BigInteger beyond that)
 * 42L                Long
 * 1.5, 2e3           Double (a decimal beyond a double's range is an error, not Infinity or 0)
 * true, false        Boolean
 * [a, 1, [2]]        List (elements separated by commas and/or blanks)
 * {k=v, n=1}         Map, keys and values are values, insertion order kept
 * Post{from=a, n=1}  Struct of type "Post" (as typed; a qualified name may be typed), fields in order
 * "a b", 'x'         String, quotes needed for text that would read as something else
 * anything else      String, as typed (at top level it may contain blanks)
 * </pre>
 *
 * <p>Text that starts with {@code [ { " '} or a type name and {@code {} must be well formed;
 * any other text is a value by itself. Errors are an {@link IllegalArgumentException} whose
 * message is one line saying where the text is wrong and how to write it.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ValueParser {

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
    private static final Pattern LONG = Pattern.compile("[-+]?\\d+[lL]");
    private static final Pattern DECIMAL =
            Pattern.compile("[-+]?(\\d+\\.\\d+([eE][-+]?\\d+)?|\\d+[eE][-+]?\\d+)");

    /** A struct's type: a Java identifier, or several joined by dots (or {@code $}, as nested classes print). */
    private static final Pattern TYPE = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$]*(\\.[\\p{L}_][\\p{L}\\p{N}_$]*)*");
    /** Text that opens with a struct literal: a type name directly followed by a brace. */
    private static final Pattern STRUCT_START = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$.]*\\{.*", Pattern.DOTALL);

    private static final String HOW = "write lists as [a, 1], maps as {k=v}, records as Type{field=v}, quote text as \"a b\"";

    private final String text;
    private int pos;

    private ValueParser(String text) {
        this.text = text;
    }

    /**
     * Parses one value.
     *
     * @throws IllegalArgumentException if the text is malformed; the message is one line
     */
    public static Object parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing value: " + HOW);
        }
        String t = text.strip();
        if (!isComposite(t)) {
            return scalar(t);
        }
        ValueParser p = new ValueParser(t);
        Object value = p.value();
        p.skipBlanks();
        if (p.pos < t.length()) {
            throw p.error("unexpected '" + t.charAt(p.pos) + "' after the value");
        }
        return value;
    }

    /**
     * Whether {@code text} is written in the notation (a list, map, struct or quoted text) rather
     * than being a scalar word.
     */
    public static boolean isComposite(String text) {
        String t = text.strip();
        return !t.isEmpty() && ("[{\"'".indexOf(t.charAt(0)) >= 0 || STRUCT_START.matcher(t).matches());
    }

    /**
     * Reads a bare word as the scalar it stands for: a number, a boolean, or else the text.
     */
    static Object scalar(String word) {
        if (word.equals("true")) {
            return Boolean.TRUE;
        }
        if (word.equals("false")) {
            return Boolean.FALSE;
        }
        if (INTEGER.matcher(word).matches()) {
            BigInteger big = new BigInteger(word);
            if (big.bitLength() < 32) {
                return big.intValue();
            }
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            return big;
        }
        if (LONG.matcher(word).matches()) {
            try {
                return Long.parseLong(word.substring(0, word.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + word + "' does not fit in a long: drop the L suffix for a bigger integer");
            }
        }
        if (DECIMAL.matcher(word).matches()) {
            return decimal(word);
        }
        return word;
    }

    /**
     * A decimal as a double, refusing what a double cannot hold: Java would read {@code 1e400}
     * as Infinity and {@code 1e-400} as 0, silently.
     */
    private static Double decimal(String word) {
        double d = Double.parseDouble(word);
        String digits = word.replaceFirst("[eE].*", "");
        if (Double.isInfinite(d) || (d == 0 && digits.chars().anyMatch(c -> c >= '1' && c <= '9'))) {
            throw new IllegalArgumentException("'" + word + "' is beyond the range of a double (about 4.9e-324 to 1.8e308): "
                    + "type a whole number for an exact BigInteger, or quote it ('\"" + word + "\"') to send it as text");
        }
        return d;
    }

    private Object value() {
        skipBlanks();
        if (pos >= text.length()) {
            throw error("a value is missing");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '[':
                return list();
            case '{':
                return map();
            case '"':
            case '\'':
                return quoted(c);
            default:
                return bare();
        }
    }

    private List<Object> list() {
        int start = pos++;
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSeparators(items.isEmpty());
            if (pos >= text.length()) {
                throw errorAt(start, "the list has no closing ']'");
            }
            if (text.charAt(pos) == ']') {
                pos++;
                return Collections.unmodifiableList(items);
            }
            items.add(value());
            requireSeparatorOr(']');
        }
    }

    private Map<Object, Object> map() {
        int start = pos++;
        Map<Object, Object> entries = new LinkedHashMap<>();
        while (true) {
            skipSeparators(entries.isEmpty());
            if (pos >= text.length()) {
                throw errorAt(start, "the map has no closing '}'");
            }
            if (text.charAt(pos) == '}') {
                pos++;
                return Collections.unmodifiableMap(entries);
            }
            int keyAt = pos;
            Object key = value();
            skipBlanks();
            if (pos >= text.length() || text.charAt(pos) != '=') {
                throw error("a map entry needs '=' after its key");
            }
            pos++;
            Object val = value();
            if (entries.containsKey(key)) {
                throw errorAt(keyAt, "the key " + ValueFormatter.format(key) + " appears twice in the map");
            }
            entries.put(key, val);
            requireSeparatorOr('}');
        }
    }

    private String quoted(char quote) {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        throw errorAt(start, "the text has no closing " + quote);
    }

    private Object bare() {
        int start = pos;
        while (pos < text.length() && !isDelimiter(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("a value is missing");
        }
        String word = text.substring(start, pos);
        if (pos < text.length() && text.charAt(pos) == '{') {
            if (!TYPE.matcher(word).matches()) {
                throw errorAt(start, "'" + word + "' is not a type name for a record");
            }
            return struct(word);
        }
        return scalar(word);
    }

    /** {@code Type{field=value, ...}}: the fields are names, their values any value. */
    private Struct struct(String type) {
        int start = pos++;
        Map<String, Object> fields = new LinkedHashMap<>();
        while (true) {
            skipSeparators(fields.isEmpty());
            if (pos >= text.length()) {
                throw errorAt(start, "the record " + type + " has no closing '}'");
            }
            if (text.charAt(pos) == '}') {
                pos++;
                return new Struct(type, fields);
            }
            int nameAt = pos;
            while (pos < text.length() && !isDelimiter(text.charAt(pos))) {
                pos++;
            }
            String field = text.substring(nameAt, pos);
            if (field.isEmpty() || !TYPE.matcher(field).matches() || field.contains(".")) {
                throw errorAt(nameAt, "a field of " + type + " needs a name before '='");
            }
            skipBlanks();
            if (pos >= text.length() || text.charAt(pos) != '=') {
                throw error("the field " + field + " of " + type + " needs '=' and a value");
            }
            pos++;
            Object val = value();
            if (fields.containsKey(field)) {
                throw errorAt(nameAt, "the field " + field + " appears twice in " + type);
            }
            fields.put(field, val);
            requireSeparatorOr('}');
        }
    }

    /** After an element: a separator, or the closing bracket (left for the caller). */
    private void requireSeparatorOr(char close) {
        if (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != close && c != ',' && !Character.isWhitespace(c)) {
                throw error("unexpected '" + c + "'");
            }
        }
    }

    /** Blanks and at most one comma; a comma before the first element is an error. */
    private void skipSeparators(boolean first) {
        skipBlanks();
        if (pos < text.length() && text.charAt(pos) == ',') {
            if (first) {
                throw error("a value is missing before ','");
            }
            pos++;
            skipBlanks();
            if (pos < text.length() && (text.charAt(pos) == ',' || text.charAt(pos) == ']' || text.charAt(pos) == '}')) {
                throw error("a value is missing after ','");
            }
        }
    }

    private void skipBlanks() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || ",[]{}=\"'".indexOf(c) >= 0;
    }

    private IllegalArgumentException error(String what) {
        return errorAt(pos, what);
    }

    private IllegalArgumentException errorAt(int at, String what) {
        return new IllegalArgumentException("malformed value '" + text + "' at position " + (at + 1)
                + ": " + what + "; " + HOW);
    }
}
