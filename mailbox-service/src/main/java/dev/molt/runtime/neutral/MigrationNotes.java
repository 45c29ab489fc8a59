package dev.molt.runtime.neutral;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a default migration did that the user may not expect: fields of the old state that the new
 * type has no place for (dropped), and fields of the new type the old state did not have, which got
 * 0, false, an empty collection or null (defaulted). Keyed {@code Type.field}, with how many
 * processes it happened to.
 *
 * <p>Thread rule: one per upgrade, written by the processes importing into it (any worker), read by
 * reports; synchronized, a leaf lock.
 */
public final class MigrationNotes {

    private final Map<String, Integer> dropped = new TreeMap<>();
    private final Map<String, Integer> defaulted = new TreeMap<>();

    /** Collects one process's notes, then adds them here once (a field counts once per process). */
    public static final class OneProcess {
        private final java.util.Set<String> dropped = new java.util.TreeSet<>();
        private final java.util.Set<String> defaulted = new java.util.TreeSet<>();

        void dropped(String type, String field) {
            dropped.add(simple(type) + "." + field);
        }

        void defaulted(String type, String field) {
            defaulted.add(simple(type) + "." + field);
        }

        public boolean isEmpty() {
            return dropped.isEmpty() && defaulted.isEmpty();
        }
    }

    public synchronized void add(OneProcess p) {
        p.dropped.forEach(f -> dropped.merge(f, 1, Integer::sum));
        p.defaulted.forEach(f -> defaulted.merge(f, 1, Integer::sum));
    }

    /** Field to process count, sorted by field. */
    public synchronized Map<String, Integer> dropped() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(dropped));
    }

    /** Field to process count, sorted by field. */
    public synchronized Map<String, Integer> defaulted() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(defaulted));
    }

    private static String simple(String type) {
        int cut = Math.max(type.lastIndexOf('.'), type.lastIndexOf('$'));
        return type.substring(cut + 1);
    }
}
