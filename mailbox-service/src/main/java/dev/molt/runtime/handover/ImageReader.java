package dev.molt.runtime.handover;

import static dev.molt.runtime.handover.ImageCodec.*;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.Struct;

/**
 * Reads one image in {@link ImageCodec}'s layout from a parser, refusing with an
 * {@link ImageCodec.UnreadableImageException} what is not such an image (Jackson's own errors are
 * turned into one by {@link ImageCodec}).
 *
 * <p>Thread rule: one use, by one thread (it holds the names read so far).
 */
final class ImageReader {

    private final CBORParser p;
    private String[] names = new String[64];
    private int nameCount;
    private Pid.Node lastNode;
    /** Per depth, the map a struct's fields are gathered in before the Struct copies them. */
    private final ArrayList<LinkedHashMap<String, Object>> fieldMaps = new ArrayList<>();

    ImageReader(CBORParser p) {
        this.p = p;
    }

    Map<String, Object> image() throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new UnreadableImageException("the image is empty (0 bytes)");
        }
        if (t != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_STRING || !MAGIC.equals(p.getText())) {
            throw new UnreadableImageException("these bytes are not a Molt image (they do not start with '" + MAGIC + "')");
        }
        int format = integer(p.nextToken(), "the format number");
        if (format != Image.FORMAT) {
            throw new UnreadableImageException("the image is of format " + format + ", and this runtime reads format "
                    + Image.FORMAT + " only (it was written by another runtime version)");
        }
        Map<String, Object> image = new LinkedHashMap<>();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw unexpected(t, "an image key");
            }
            String key = p.getText();
            image.put(key, value(next(), 1));
        }
        if (p.nextToken() != null) {
            throw damaged("more follows the image's end");
        }
        return image;
    }

    // ---- tokens

    private UnreadableImageException damaged(String what) {
        return new UnreadableImageException("the image is damaged at byte " + offset(p) + ": " + what);
    }

    /** The error for token {@code t} where {@code what} was expected (an early end if t is null). */
    private UnreadableImageException unexpected(JsonToken t, String what) {
        if (t == null) {
            return new UnreadableImageException("the image ends early, at byte " + offset(p) + ": it is truncated");
        }
        int tag = p.getCurrentTag();
        return damaged("found " + t + (tag >= 0 ? " tagged " + tag : "") + " where " + what + " goes");
    }

    /** The next token, which must start a value. */
    private JsonToken next() throws IOException {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.END_ARRAY) {
            throw unexpected(t, "a value");
        }
        return t;
    }

    private void end() throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.END_ARRAY) {
            throw unexpected(t, "the end of an array");
        }
    }

    private int integer(JsonToken t, String what) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw unexpected(t, what);
        }
        return p.getIntValue();
    }

    private long longInteger(JsonToken t, String what) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw unexpected(t, what);
        }
        return p.getLongValue();
    }

    private int ranged(JsonToken t, int min, int max, String what) throws IOException {
        int v = integer(t, what);
        if (v < min || v > max) {
            throw damaged(what + " " + v + " is out of range");
        }
        return v;
    }

    private byte[] bytes(JsonToken t, String what) throws IOException {
        if (t != JsonToken.VALUE_EMBEDDED_OBJECT) {
            throw unexpected(t, what);
        }
        return p.getBinaryValue();
    }

    /** The element count of the array token {@code t} opens, or -1 if the array does not say. */
    private int array(JsonToken t, String what) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw unexpected(t, what);
        }
        return p.getParsingContext().getExpectedLength();
    }

    private static int capacity(int elements) {
        return elements < 0 ? 8 : Math.min(elements, MAX_PREALLOCATED);
    }

    private static int hashCapacity(int entries) {
        return entries < 0 ? 16 : (int) Math.min(MAX_PREALLOCATED, entries * 4L / 3 + 1);
    }

    private void container(int depth) throws UnreadableImageException {
        if (depth >= MAX_DEPTH) {
            throw damaged("it nests deeper than " + MAX_DEPTH + " levels");
        }
    }

    // ---- values

    /** The value token {@code t} starts, enclosed by {@code depth} containers. */
    private Object value(JsonToken t, int depth) throws IOException {
        int tag = p.getCurrentTag();
        if (tag < 0) {
            switch (t) {
                case VALUE_NULL:
                    return null;
                case VALUE_STRING:
                    return p.getText();
                case VALUE_NUMBER_INT:
                    return p.getIntValue();
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NUMBER_FLOAT:
                    return p.getDoubleValue();
                case VALUE_EMBEDDED_OBJECT:
                    return p.getBinaryValue();
                default:
                    throw unexpected(t, "a value");
            }
        }
        switch (tag) {
            case TAG_LONG:
                return longInteger(t, "a long");
            case TAG_PID:
                return new Pid(longInteger(t, "a pid"));
            case TAG_STRUCT:
                container(depth);
                return struct(array(t, "a struct"), depth);
            case TAG_OBJECTS:
                container(depth);
                return objects(array(t, "an Object[]"), depth);
            case TAG_LIST: {
                container(depth);
                ArrayList<Object> l = new ArrayList<>(capacity(array(t, "a list")));
                elementsInto(l, depth);
                return l;
            }
            case TAG_MAP:
                container(depth);
                return map(array(t, "a map"), depth);
            case TAG_LONGS:
                container(depth);
                return longs(array(t, "a long[]"));
            case TAG_NAMES:
                container(depth);
                return strings(array(t, "a String[]"), true);
            case TAG_STRINGS:
                container(depth);
                return strings(array(t, "a String[]"), false);
            case TAG_SET: {
                container(depth);
                LinkedHashSet<Object> s = new LinkedHashSet<>(hashCapacity(array(t, "a set")));
                elementsInto(s, depth);
                return s;
            }
            case TAG_LONG_LIST: {
                container(depth);
                ArrayList<Object> l = new ArrayList<>(capacity(array(t, "a list")));
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(longInteger(e, "a list's long"));
                }
                return l;
            }
            case TAG_INT:
                return integer(t, "an int");
            case TAG_EXIT_REASON:
                array(t, "an exit reason");
                return exitReasonBody();
            case TAG_MONITOR_REF:
                array(t, "a monitor reference");
                return monitorRefBody();
            case TAG_REMOTE_PID:
                array(t, "a pid");
                return remotePidBody();
            case TAG_SHORT:
                return (short) ranged(t, Short.MIN_VALUE, Short.MAX_VALUE, "a short");
            case TAG_BYTE:
                return (byte) ranged(t, Byte.MIN_VALUE, Byte.MAX_VALUE, "a byte");
            case TAG_CHAR:
                return (char) ranged(t, Character.MIN_VALUE, Character.MAX_VALUE, "a char");
            case TAG_FLOAT:
                if (t != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw unexpected(t, "a float");
                }
                return p.getFloatValue();
            case TAG_BIG_INTEGER:
                return new BigInteger(bytes(t, "a big integer"));
            case TAG_BIG_DECIMAL: {
                array(t, "a big decimal");
                BigInteger unscaled = new BigInteger(bytes(p.nextToken(), "a big decimal's digits"));
                int scale = integer(p.nextToken(), "a big decimal's scale");
                end();
                return new BigDecimal(unscaled, scale);
            }
            case TAG_DOWN: {
                array(t, "a down message");
                Down d = new Down(monitorRef(), pid(), exitReason());
                end();
                return d;
            }
            case TAG_EXIT_SIGNAL: {
                array(t, "an exit signal");
                ExitSignal e = new ExitSignal(pid(), exitReason());
                end();
                return e;
            }
            case TAG_PROCESSES:
                container(depth);
                return table(array(t, "a process table"), PROCESS_SLOTS, depth);
            case TAG_TIMERS:
                container(depth);
                return table(array(t, "a timer table"), TIMER_SLOTS, depth);
            default:
                throw damaged("unknown tag " + tag + " (written by a newer runtime?)");
        }
    }

    private void elementsInto(Collection<Object> c, int depth) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw unexpected(null, "an element");
            }
            c.add(value(t, depth + 1));
        }
    }

    private Object[] objects(int elements, int depth) throws IOException {
        if (elements < 0 || elements > MAX_PREALLOCATED) {
            ArrayList<Object> l = new ArrayList<>(capacity(elements));
            elementsInto(l, depth);
            return l.toArray();
        }
        Object[] a = new Object[elements];
        for (int i = 0; i < elements; i++) {
            a[i] = value(next(), depth + 1);
        }
        end();
        return a;
    }

    private Map<Object, Object> map(int elements, int depth) throws IOException {
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>(hashCapacity(elements < 0 ? -1 : elements / 2));
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw unexpected(null, "a map key");
            }
            Object key = value(t, depth + 1);
            m.put(key, value(next(), depth + 1));
        }
        return m;
    }

    private Struct struct(int elements, int depth) throws IOException {
        String type = name(p.nextToken());
        while (fieldMaps.size() <= depth) {
            fieldMaps.add(new LinkedHashMap<>());
        }
        LinkedHashMap<String, Object> fields = fieldMaps.get(depth);
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String field = name(t);
            fields.put(field, value(next(), depth + 1));
        }
        Struct s = new Struct(type, fields);
        if (fields.size() > 64) {
            fieldMaps.set(depth, new LinkedHashMap<>()); // a big one's table is not kept to be cleared each time
        } else {
            fields.clear();
        }
        return s;
    }

    private long[] longs(int elements) throws IOException {
        long[] a = new long[capacity(elements)];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == a.length) {
                a = Arrays.copyOf(a, Math.max(8, 2 * n));
            }
            a[n++] = longInteger(t, "a long[]'s element");
        }
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    private String[] strings(int elements, boolean asNames) throws IOException {
        String[] a = new String[capacity(elements)];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (n == a.length) {
                a = Arrays.copyOf(a, Math.max(8, 2 * n));
            }
            if (asNames) {
                a[n++] = name(t);
            } else if (t == JsonToken.VALUE_STRING) {
                a[n++] = p.getText();
            } else if (t == JsonToken.VALUE_NULL) {
                a[n++] = null;
            } else {
                throw unexpected(t, "a String[]'s element");
            }
        }
        return n == a.length ? a : Arrays.copyOf(a, n);
    }

    /** A name: new text (then remembered), the number of one already read, or null. */
    private String name(JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText();
            if (nameCount < MAX_NAMES) {
                if (nameCount == names.length) {
                    names = Arrays.copyOf(names, 2 * nameCount);
                }
                names[nameCount++] = s;
            }
            return s;
        }
        if (t == JsonToken.VALUE_NUMBER_INT && p.getCurrentTag() < 0) {
            int number = p.getIntValue();
            if (number < 0 || number >= nameCount) {
                throw damaged("name " + number + " is used before it was written");
            }
            return names[number];
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw unexpected(t, "a name");
    }

    private List<Object[]> table(int elements, byte[] kinds, int depth) throws IOException {
        ArrayList<Object[]> records = new ArrayList<>(capacity(elements));
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            records.add(record(array(t, "a record"), kinds, depth + 1));
        }
        return records;
    }

    private Object[] record(int slots, byte[] kinds, int depth) throws IOException {
        if (slots < 0 || slots > MAX_PREALLOCATED) {
            throw damaged("a record does not say its length");
        }
        Object[] record = new Object[slots];
        for (int i = 0; i < slots; i++) {
            JsonToken t = next();
            byte kind = i < kinds.length ? kinds[i] : SLOT_ANY;
            boolean plain = p.getCurrentTag() < 0;
            if (kind == SLOT_LONG && plain && t == JsonToken.VALUE_NUMBER_INT) {
                record[i] = p.getLongValue();
            } else if (kind == SLOT_NAME && plain && (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT)) {
                record[i] = name(t);
            } else {
                record[i] = value(t, depth + 1);
            }
        }
        end();
        return record;
    }

    private Pid remotePidBody() throws IOException {
        long id = longInteger(p.nextToken(), "a pid's id");
        String node = name(p.nextToken());
        long incarnation = longInteger(p.nextToken(), "a pid's incarnation");
        end();
        Pid.Node home = lastNode;
        if (home == null || !home.name().equals(node) || home.incarnation() != incarnation) {
            home = lastNode = new Pid.Node(node, incarnation);
        }
        return new Pid(id, home);
    }

    private ExitReason exitReasonBody() throws IOException {
        String kind = name(p.nextToken());
        JsonToken t = p.nextToken();
        if (t != JsonToken.VALUE_STRING) {
            throw unexpected(t, "an exit reason's detail");
        }
        String detail = p.getText();
        end();
        return new ExitReason(ExitReason.Kind.valueOf(kind), detail);
    }

    private MonitorRef monitorRefBody() throws IOException {
        long id = longInteger(p.nextToken(), "a monitor reference's id");
        Pid target = pid();
        end();
        return new MonitorRef(id, target);
    }

    // Down, ExitSignal and MonitorRef hold these and nothing else: read without recursion.

    private Pid pid() throws IOException {
        JsonToken t = next();
        int tag = p.getCurrentTag();
        if (t == JsonToken.VALUE_NULL && tag < 0) {
            return null;
        }
        if (tag == TAG_PID) {
            return new Pid(longInteger(t, "a pid"));
        }
        if (tag == TAG_REMOTE_PID) {
            array(t, "a pid");
            return remotePidBody();
        }
        throw unexpected(t, "a pid");
    }

    private ExitReason exitReason() throws IOException {
        JsonToken t = next();
        int tag = p.getCurrentTag();
        if (t == JsonToken.VALUE_NULL && tag < 0) {
            return null;
        }
        if (tag != TAG_EXIT_REASON) {
            throw unexpected(t, "an exit reason");
        }
        array(t, "an exit reason");
        return exitReasonBody();
    }

    private MonitorRef monitorRef() throws IOException {
        JsonToken t = next();
        int tag = p.getCurrentTag();
        if (t == JsonToken.VALUE_NULL && tag < 0) {
            return null;
        }
        if (tag != TAG_MONITOR_REF) {
            throw unexpected(t, "a monitor reference");
        }
        array(t, "a monitor reference");
        return monitorRefBody();
    }
}
