package dev.molt.runtime.handover;

import static dev.molt.runtime.handover.ImageCodec.*;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.Struct;

/**
 * Writes one image in {@link ImageCodec}'s layout to a generator. A value that is not neutral is
 * refused with an {@code IllegalArgumentException} naming its class and where it is in the image.
 *
 * <p>Thread rule: one use, by one thread (it holds the names written so far).
 */
final class ImageWriter {

    /** Thrown up through the containers of a value that cannot be written, collecting where it is. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String what; // a type name, or null for a value that nests too deep
        private final StringBuilder path = new StringBuilder();
        private int slot; // in a table's record

        Refused(String what) {
            super(null, null, false, false);
            this.what = what;
        }

        Refused at(String segment) {
            if (what != null) {
                path.insert(0, segment);
            }
            return this;
        }

        IllegalArgumentException where(String where) {
            if (what == null) {
                return new IllegalArgumentException(where + " nests deeper than " + MAX_DEPTH + " levels; make it flatter");
            }
            String at = path.length() == 0 ? ""
                    : " at " + (path.length() > MAX_PATH_SHOWN ? path.substring(0, MAX_PATH_SHOWN) + "..." : path);
            String article = "aeiou".indexOf(what.charAt(0)) >= 0 ? " an " : " a ";
            return new IllegalArgumentException(where + " holds" + article + what + at + ", which has no neutral form; only"
                    + " JDK values, collections, Structs and the API's data types go in an image");
        }
    }

    private final CBORGenerator g;
    private final HashMap<String, Integer> names = new HashMap<>();

    ImageWriter(CBORGenerator g) {
        this.g = g;
    }

    void image(Map<String, Object> image) throws IOException {
        g.writeStartArray(image, 2 + 2 * image.size());
        g.writeString(MAGIC);
        g.writeNumber(Image.FORMAT);
        for (Map.Entry<String, Object> e : image.entrySet()) {
            Object key = e.getKey();
            if (!(key instanceof String k)) {
                throw new IllegalArgumentException("the image's keys are the Image.K_ strings, not a "
                        + (key == null ? "null" : key.getClass().getTypeName()));
            }
            g.writeString(k);
            Object v = e.getValue();
            if (k.equals(Image.K_PROCESSES) && isTable(v)) {
                processes((List<?>) v);
            } else if (k.equals(Image.K_TIMERS) && isTable(v)) {
                timers((List<?>) v);
            } else {
                try {
                    value(v, 1);
                } catch (Refused r) {
                    throw r.where("the image's " + k);
                }
            }
        }
        g.writeEndArray();
        g.flush();
    }

    /** A list of Object[] records only. */
    private static boolean isTable(Object v) {
        if (!(v instanceof List<?> l)) {
            return false;
        }
        for (Object x : l) {
            if (x == null || x.getClass() != Object[].class) {
                return false;
            }
        }
        return true;
    }

    private void processes(List<?> records) throws IOException {
        tagged(TAG_PROCESSES, records.size());
        int index = 0;
        for (Object x : records) {
            Object[] record = (Object[]) x;
            try {
                record(record, PROCESS_SLOTS);
            } catch (Refused r) {
                Object pid = record.length > Image.P_PID ? record[Image.P_PID] : null;
                String who = pid instanceof Long ? "process " + pid : "process record " + index;
                throw r.where(who + "'s " + label(PROCESS_SLOT_LABELS, r.slot));
            }
            index++;
        }
        g.writeEndArray();
    }

    private void timers(List<?> records) throws IOException {
        tagged(TAG_TIMERS, records.size());
        int index = 0;
        for (Object x : records) {
            try {
                record((Object[]) x, TIMER_SLOTS);
            } catch (Refused r) {
                throw r.where("timer " + index + "'s " + label(TIMER_SLOT_LABELS, r.slot));
            }
            index++;
        }
        g.writeEndArray();
    }

    private static String label(String[] labels, int slot) {
        return slot < labels.length ? labels[slot] : "slot " + slot;
    }

    /** A record is a plain array (the table's tag says what it is) of its slots. */
    private void record(Object[] record, byte[] kinds) throws IOException {
        g.writeStartArray(record, record.length);
        for (int i = 0; i < record.length; i++) {
            try {
                slot(record[i], i < kinds.length ? kinds[i] : SLOT_ANY);
            } catch (Refused r) {
                r.slot = i;
                throw r;
            }
        }
        g.writeEndArray();
    }

    private void slot(Object v, byte kind) throws IOException {
        if (kind != SLOT_ANY) {
            if (kind == SLOT_LONG && v instanceof Long l) {
                g.writeNumber(l.longValue());
                return;
            }
            if (kind == SLOT_NAME && v instanceof String s) {
                name(s);
                return;
            }
            if (kind == SLOT_NAMES && v instanceof String[] a) {
                names(a);
                return;
            }
            if (v instanceof Integer i) { // a plain integer means a Long or a name here
                g.writeTag(TAG_INT);
                g.writeNumber(i.intValue());
                return;
            }
        }
        value(v, 3); // in the image, its table and the record
    }

    private void tagged(int tag, int elements) throws IOException {
        g.writeTag(tag);
        g.writeStartArray(null, elements);
    }

    private static void container(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new Refused(null);
        }
    }

    /** A name: in full the first time, then its number. */
    private void name(String s) throws IOException {
        if (s == null) {
            g.writeNull();
            return;
        }
        Integer number = names.get(s);
        if (number != null) {
            g.writeNumber(number.intValue());
        } else {
            if (names.size() < MAX_NAMES) {
                names.put(s, names.size());
            }
            g.writeString(s);
        }
    }

    private void names(String[] a) throws IOException {
        tagged(TAG_NAMES, a.length);
        for (String s : a) {
            name(s);
        }
        g.writeEndArray();
    }

    /** Writes a value enclosed by {@code depth} containers. */
    private void value(Object v, int depth) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i.intValue());
        } else if (v instanceof Long l) {
            g.writeTag(TAG_LONG);
            g.writeNumber(l.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Double d) {
            g.writeNumber(d.doubleValue());
        } else if (v instanceof Struct s) {
            struct(s, depth);
        } else if (v instanceof Pid p) {
            pid(p);
        } else if (v.getClass() == Object[].class) {
            objects((Object[]) v, depth);
        } else if (v instanceof List<?> l) {
            list(l, depth);
        } else if (v instanceof Map<?, ?> m) {
            map(m, depth);
        } else if (v instanceof Set<?> s) {
            set(s, depth);
        } else if (v instanceof byte[] b) {
            g.writeBinary(b);
        } else if (v instanceof long[] a) {
            container(depth);
            tagged(TAG_LONGS, a.length);
            for (long x : a) {
                g.writeNumber(x);
            }
            g.writeEndArray();
        } else if (v instanceof String[] a) {
            container(depth);
            tagged(TAG_STRINGS, a.length);
            for (String s : a) {
                g.writeString(s);
            }
            g.writeEndArray();
        } else {
            rare(v);
        }
    }

    private void rare(Object v) throws IOException {
        if (v instanceof Character c) {
            g.writeTag(TAG_CHAR);
            g.writeNumber((int) c.charValue());
        } else if (v instanceof Short s) {
            g.writeTag(TAG_SHORT);
            g.writeNumber(s.intValue());
        } else if (v instanceof Byte b) {
            g.writeTag(TAG_BYTE);
            g.writeNumber(b.intValue());
        } else if (v instanceof Float f) {
            g.writeTag(TAG_FLOAT);
            g.writeNumber(f.floatValue());
        } else if (v instanceof BigInteger b) {
            g.writeTag(TAG_BIG_INTEGER);
            g.writeBinary(b.toByteArray());
        } else if (v instanceof BigDecimal b) {
            tagged(TAG_BIG_DECIMAL, 2);
            g.writeBinary(b.unscaledValue().toByteArray());
            g.writeNumber(b.scale());
            g.writeEndArray();
        } else if (v instanceof ExitReason r) {
            exitReason(r);
        } else if (v instanceof MonitorRef r) {
            monitorRef(r);
        } else if (v instanceof Down d) {
            tagged(TAG_DOWN, 3);
            monitorRef(d.ref());
            pid(d.pid());
            exitReason(d.reason());
            g.writeEndArray();
        } else if (v instanceof ExitSignal e) {
            tagged(TAG_EXIT_SIGNAL, 2);
            pid(e.from());
            exitReason(e.reason());
            g.writeEndArray();
        } else {
            throw new Refused(v.getClass().getTypeName());
        }
    }

    private void struct(Struct s, int depth) throws IOException {
        container(depth);
        Map<String, Object> fields = s.fields();
        tagged(TAG_STRUCT, 1 + 2 * fields.size());
        name(s.type());
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            name(e.getKey());
            try {
                value(e.getValue(), depth + 1);
            } catch (Refused r) {
                throw r.at("." + e.getKey());
            }
        }
        g.writeEndArray();
    }

    private void objects(Object[] a, int depth) throws IOException {
        container(depth);
        tagged(TAG_OBJECTS, a.length);
        for (int i = 0; i < a.length; i++) {
            try {
                value(a[i], depth + 1);
            } catch (Refused r) {
                throw r.at("[" + i + "]");
            }
        }
        g.writeEndArray();
    }

    private void list(List<?> l, int depth) throws IOException {
        container(depth);
        boolean longs = !l.isEmpty();
        for (Object x : l) {
            if (!(x instanceof Long)) {
                longs = false;
                break;
            }
        }
        if (longs) { // a group's members, say: no tag per element
            tagged(TAG_LONG_LIST, l.size());
            for (Object x : l) {
                g.writeNumber(((Long) x).longValue());
            }
            g.writeEndArray();
            return;
        }
        tagged(TAG_LIST, l.size());
        elements(l, depth);
    }

    private void set(Set<?> s, int depth) throws IOException {
        container(depth);
        tagged(TAG_SET, s.size());
        elements(s, depth);
    }

    private void elements(Iterable<?> c, int depth) throws IOException {
        int i = 0;
        for (Object x : c) {
            try {
                value(x, depth + 1);
            } catch (Refused r) {
                throw r.at("[" + i + "]");
            }
            i++;
        }
        g.writeEndArray();
    }

    private void map(Map<?, ?> m, int depth) throws IOException {
        container(depth);
        tagged(TAG_MAP, 2 * m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            try {
                value(e.getKey(), depth + 1);
            } catch (Refused r) {
                throw r.at("{a key}");
            }
            try {
                value(e.getValue(), depth + 1);
            } catch (Refused r) {
                throw r.at("[" + shortText(e.getKey()) + "]");
            }
        }
        g.writeEndArray();
    }

    private static String shortText(Object key) {
        String s = key instanceof String ? "\"" + key + "\"" : String.valueOf(key);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private void pid(Pid p) throws IOException {
        if (p == null) {
            g.writeNull();
        } else if (p.isLocal()) {
            g.writeTag(TAG_PID);
            g.writeNumber(p.id());
        } else {
            tagged(TAG_REMOTE_PID, 3);
            g.writeNumber(p.id());
            name(p.node());
            g.writeNumber(p.incarnation());
            g.writeEndArray();
        }
    }

    private void exitReason(ExitReason r) throws IOException {
        if (r == null) {
            g.writeNull();
            return;
        }
        tagged(TAG_EXIT_REASON, 2);
        name(r.kind().name());
        g.writeString(r.detail());
        g.writeEndArray();
    }

    private void monitorRef(MonitorRef r) throws IOException {
        if (r == null) {
            g.writeNull();
            return;
        }
        tagged(TAG_MONITOR_REF, 2);
        g.writeNumber(r.id());
        pid(r.target());
        g.writeEndArray();
    }
}
