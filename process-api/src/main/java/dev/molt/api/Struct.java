package dev.molt.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The neutral form of a record or enum of a behaviour's classes: its class name and its
 * components by name. It belongs to this API bundle, so it outlives every behaviour version.
 * An enum constant is a struct whose only field is {@code name}.
 *
 * @param type   the fully qualified class name it was made from
 * @param fields component name to neutral value, in declaration order
 */
public record Struct(String type, Map<String, Object> fields) {

    public Struct {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("a struct needs the class name it stands for");
        }
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The value of {@code field}, or null. */
    public Object get(String field) {
        return fields.get(field);
    }

    /** A copy with {@code field} set to {@code value} (added at the end if new). */
    public Struct with(String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put(field, value);
        return new Struct(type, copy);
    }

    /** A copy with {@code from} renamed to {@code to}, keeping its position. */
    public Struct rename(String from, String to) {
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((k, v) -> copy.put(k.equals(from) ? to : k, v));
        return new Struct(type, copy);
    }

    /** The simple class name, for display. */
    public String simpleType() {
        int cut = Math.max(type.lastIndexOf('.'), type.lastIndexOf('$'));
        return type.substring(cut + 1);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(simpleType()).append('{');
        String sep = "";
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ", ";
        }
        return sb.append('}').toString();
    }
}
