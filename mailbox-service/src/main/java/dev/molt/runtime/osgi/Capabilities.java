package dev.molt.runtime.osgi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code Provide-Capability} header of a jar that is not installed (so the framework's own
 * parsed capabilities are not there yet): clauses separated by commas, each a namespace followed by
 * {@code ;name=value} attributes, {@code name:Type=value} typed ones and {@code name:=value}
 * directives, values optionally in double quotes.
 */
final class Capabilities {

    private Capabilities() {
    }

    /** One clause: its namespace and its attributes (directives left out, types dropped). */
    record Clause(String namespace, Map<String, String> attributes) {
    }

    static List<Clause> parse(String header) {
        List<Clause> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        for (String clause : split(header, ',')) {
            List<String> parts = split(clause, ';');
            if (parts.isEmpty() || parts.get(0).isBlank()) {
                continue;
            }
            Map<String, String> attrs = new LinkedHashMap<>();
            for (int i = 1; i < parts.size(); i++) {
                String p = parts.get(i);
                int eq = p.indexOf('=');
                if (eq <= 0 || p.charAt(eq - 1) == ':') {
                    continue; // a directive, or not an attribute
                }
                String name = p.substring(0, eq).strip();
                int colon = name.indexOf(':');
                if (colon >= 0) {
                    name = name.substring(0, colon).strip();
                }
                attrs.put(name, unquote(p.substring(eq + 1).strip()));
            }
            out.add(new Clause(parts.get(0).strip(), attrs));
        }
        return out;
    }

    /** Splits on {@code sep} outside double quotes. */
    private static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < s.length()) {
                cur.append(c).append(s.charAt(++i));
                continue;
            }
            if (c == sep && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"");
        }
        return v;
    }
}
