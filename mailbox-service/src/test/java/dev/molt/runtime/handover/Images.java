package dev.molt.runtime.handover;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.molt.api.Pid;
import dev.molt.api.Struct;

/** Neutral images for the tests, and a comparison that checks every value's class as well as its value. */
final class Images {

    private Images() {
    }

    /** An image of {@code processes} processes like the runtime's, with timers, groups and served versions. */
    static Map<String, Object> image(int processes) {
        Map<String, Object> image = header();
        List<Object[]> table = new ArrayList<>(processes);
        for (int i = 1; i <= processes; i++) {
            table.add(process(i));
        }
        image.put(Image.K_PROCESSES, table);
        List<Object[]> timers = new ArrayList<>();
        for (int i = 1; i <= Math.min(processes, 50); i++) {
            timers.add(new Object[] {(long) i, new Struct("dev.molt.examples.Tick", Map.of("n", i)), 1_000_000L * i});
        }
        image.put(Image.K_TIMERS, timers);
        Map<String, Object> groups = new LinkedHashMap<>();
        List<Object> workers = new ArrayList<>();
        for (long i = 1; i <= processes; i += 2) {
            workers.add(i);
        }
        groups.put("workers", workers);
        groups.put("empty", new ArrayList<>());
        image.put(Image.K_GROUPS, groups);
        image.put(Image.K_GROUP_MONITORS, new ArrayList<>(List.of(new Object[] {"workers", 2L, 77L})));
        Map<String, Object> served = new LinkedHashMap<>();
        served.put("counter", new ArrayList<>(List.of("1.2.0", "1.1.0")));
        image.put(Image.K_SERVED, served);
        return image;
    }

    /** The keys every image starts with. */
    static Map<String, Object> header() {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put(Image.K_FORMAT, Image.FORMAT);
        image.put(Image.K_FORM, Image.FORM_NEUTRAL);
        image.put(Image.K_API, "1.2.0");
        image.put(Image.K_RUNTIME, "0.1.0.SNAPSHOT");
        image.put(Image.K_MADE_AT, 1_760_000_000_000L);
        image.put(Image.K_LAST_PID, 1_000_000L);
        image.put(Image.K_LAST_REF, 500L);
        return image;
    }

    /** An image whose only process holds {@code state}. */
    static Map<String, Object> withState(long pid, Object state) {
        Map<String, Object> image = header();
        Object[] p = process(pid);
        p[Image.P_STATE] = state;
        image.put(Image.K_PROCESSES, new ArrayList<>(List.<Object[]>of(p)));
        return image;
    }

    /** A process with a small record-like state and two queued messages. */
    static Object[] process(long pid) {
        Object[] p = new Object[Image.P_SLOTS];
        p[Image.P_PID] = pid;
        p[Image.P_NAME] = pid % 10 == 0 ? "worker-" + pid : null;
        p[Image.P_BEHAVIOUR] = "counter";
        p[Image.P_VERSION] = "1.2.0";
        p[Image.P_BUNDLE] = -1L;
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("count", pid * 7);
        fields.put("label", "c" + (pid % 100));
        fields.put("owner", new Pid(1 + pid % 5));
        p[Image.P_STATE] = new Struct("dev.molt.examples.counter.CounterState", fields);
        p[Image.P_MESSAGES] = new Object[] {new Struct("dev.molt.examples.counter.Increment", Map.of("by", 1)), "tick"};
        p[Image.P_CALLS] = null;
        p[Image.P_EXPORTED_FROM] = new String[] {"1.1.0", null};
        p[Image.P_TRAP_EXITS] = pid % 2 == 0;
        p[Image.P_LINKS] = new long[] {pid + 1};
        p[Image.P_MONITORED_BY] = new long[] {pid * 2, 1};
        p[Image.P_WATCHES] = null;
        p[Image.P_HANDLED] = pid * 3;
        p[Image.P_UPGRADES] = 1;
        p[Image.P_HANDOVERS] = 0;
        p[Image.P_RESTORES] = 2;
        p[Image.P_HELD] = null;
        return p;
    }

    /**
     * Fails unless {@code actual} is {@code expected} as the codec gives it back: the same class (lists
     * as ArrayList, sets as LinkedHashSet, maps as LinkedHashMap, in the same order) and equal values,
     * all the way down.
     */
    static void assertExact(String where, Object expected, Object actual) {
        if (expected == null) {
            assertNull(where, actual);
            return;
        }
        if (actual == null) {
            throw new AssertionError(where + ": expected " + expected + " but got null");
        }
        if (expected instanceof List<?> e) {
            assertSame(where + ": class", ArrayList.class, actual.getClass());
            elements(where, e, (List<?>) actual);
        } else if (expected instanceof Set<?> e) {
            assertSame(where + ": class", LinkedHashSet.class, actual.getClass());
            elements(where, e, (Set<?>) actual);
        } else if (expected instanceof Map<?, ?> e) {
            assertSame(where + ": class", LinkedHashMap.class, actual.getClass());
            entries(where, e, (Map<?, ?>) actual);
        } else if (expected instanceof Struct e) {
            assertSame(where + ": class", Struct.class, actual.getClass());
            Struct a = (Struct) actual;
            assertEquals(where + ": type", e.type(), a.type());
            entries(where + "." + e.type(), e.fields(), a.fields());
        } else {
            assertSame(where + ": class", expected.getClass(), actual.getClass());
            if (expected instanceof Object[] e) {
                elements(where, Arrays.asList(e), Arrays.asList((Object[]) actual));
            } else if (expected instanceof long[] e) {
                assertArrayEquals(where, e, (long[]) actual);
            } else if (expected instanceof byte[] e) {
                assertArrayEquals(where, e, (byte[]) actual);
            } else {
                assertEquals(where, expected, actual);
            }
        }
    }

    private static void elements(String where, Iterable<?> expected, Iterable<?> actual) {
        Iterator<?> a = actual.iterator();
        int i = 0;
        for (Object e : expected) {
            if (!a.hasNext()) {
                throw new AssertionError(where + ": only " + i + " elements came back");
            }
            assertExact(where + "[" + i + "]", e, a.next());
            i++;
        }
        if (a.hasNext()) {
            throw new AssertionError(where + ": more than " + i + " elements came back");
        }
    }

    private static void entries(String where, Map<?, ?> expected, Map<?, ?> actual) {
        assertEquals(where + ": size", expected.size(), actual.size());
        Iterator<? extends Map.Entry<?, ?>> a = actual.entrySet().iterator();
        for (Map.Entry<?, ?> e : expected.entrySet()) {
            Map.Entry<?, ?> x = a.next();
            assertExact(where + ": key", e.getKey(), x.getKey());
            assertExact(where + "[" + e.getKey() + "]", e.getValue(), x.getValue());
        }
    }
}
