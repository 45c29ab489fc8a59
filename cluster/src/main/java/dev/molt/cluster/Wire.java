package dev.molt.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.Struct;

/**
 * Neutral data on the wire, as CBOR (Jackson's streaming codec; never Java serialization).
 *
 * <p>What goes: null, strings, booleans, the JDK's numbers and characters, {@code byte[]}, lists,
 * sets and maps of neutral data, {@link Struct}s, and the API's {@link Pid}, {@link MonitorRef},
 * {@link ExitReason}, {@link Down} and {@link ExitSignal}. A record or an enum of any other class goes
 * as the struct the default migration makes of it (its class name and its components; an enum's
 * {@code name}): the receiving node's code turns it back into its own record on delivery, as it does
 * after an upgrade. Anything else is refused at the sender with an error naming it.
 *
 * <p>Types survive the trip: an {@code Integer} is a plain CBOR integer, a {@code Double} a plain
 * float; every other value is a CBOR array whose first element is a short tag ({@code "L"} a long,
 * {@code "["} a list, {@code "S"} a struct...), so that a {@code Long} 5 does not come back as an
 * {@code Integer}.
 *
 * <p>Pids: a local pid goes out as this node's name and incarnation; a pid of this node's
 * incarnation comes back in local form (see {@link Pid}).
 *
 * <p>Thread rule: any thread; an instance holds only immutable settings.
 */
public final class Wire {

    private static final int MAX_DEPTH = 256;
    private static final CBORFactory FACTORY = new CBORFactory();

    private final String node;
    private final long incarnation;

    public Wire(String node, long incarnation) {
        this.node = node;
        this.incarnation = incarnation;
    }

    /** Thrown for a value that is not neutral data. */
    public static final class NotNeutralException extends ProcessException {
        private static final long serialVersionUID = 1L;

        NotNeutralException(String message) {
            super(message);
        }
    }

    // ---- writing -------------------------------------------------------------------------

    /** A writer of one frame: values in order, read back in order by {@link Reader}. */
    public final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final CBORGenerator g;

        Writer() {
            try {
                g = FACTORY.createGenerator(bytes);
                g.writeStartArray();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public Writer value(Object v) {
            try {
                write(v, 0);
            } catch (IOException e) {
                throw new IllegalStateException(e); // a byte array stream does not fail
            }
            return this;
        }

        public byte[] bytes() {
            try {
                g.writeEndArray();
                g.close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return bytes.toByteArray();
        }

        private void tagged(String tag) throws IOException {
            g.writeStartArray();
            g.writeString(tag);
        }

        private void write(Object v, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new NotNeutralException("the value nests deeper than " + MAX_DEPTH + " levels; send flatter data");
            }
            if (v == null) {
                g.writeNull();
            } else if (v instanceof String s) {
                g.writeString(s);
            } else if (v instanceof Integer i) {
                g.writeNumber(i.intValue());
            } else if (v instanceof Double d) {
                g.writeNumber(d.doubleValue());
            } else if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof Long l) {
                tagged("L");
                g.writeNumber(l.longValue());
                g.writeEndArray();
            } else if (v instanceof Short s) {
                tagged("h");
                g.writeNumber(s.intValue());
                g.writeEndArray();
            } else if (v instanceof Byte b) {
                tagged("y");
                g.writeNumber(b.intValue());
                g.writeEndArray();
            } else if (v instanceof Float f) {
                tagged("f");
                g.writeNumber(f.floatValue());
                g.writeEndArray();
            } else if (v instanceof Character c) {
                tagged("c");
                g.writeString(String.valueOf(c));
                g.writeEndArray();
            } else if (v instanceof BigInteger b) {
                tagged("I");
                g.writeString(b.toString());
                g.writeEndArray();
            } else if (v instanceof BigDecimal b) {
                tagged("D");
                g.writeString(b.toString());
                g.writeEndArray();
            } else if (v instanceof byte[] b) {
                g.writeBinary(b);
            } else if (v instanceof List<?> l) {
                tagged("[");
                for (Object x : l) {
                    write(x, depth + 1);
                }
                g.writeEndArray();
            } else if (v instanceof Set<?> s) {
                tagged("#");
                for (Object x : s) {
                    write(x, depth + 1);
                }
                g.writeEndArray();
            } else if (v instanceof Map<?, ?> m) {
                tagged("{");
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    write(e.getKey(), depth + 1);
                    write(e.getValue(), depth + 1);
                }
                g.writeEndArray();
            } else if (v instanceof Struct s) {
                struct(s.type(), s.fields(), depth);
            } else if (v instanceof Pid p) {
                tagged("P");
                g.writeNumber(p.id());
                if (p.isLocal()) {
                    g.writeString(node);
                    g.writeNumber(incarnation);
                } else {
                    g.writeString(p.node());
                    g.writeNumber(p.incarnation());
                }
                g.writeEndArray();
            } else if (v instanceof ExitReason r) {
                tagged("X");
                g.writeString(r.kind().name());
                g.writeString(r.detail());
                g.writeEndArray();
            } else if (v instanceof MonitorRef r) {
                tagged("R");
                g.writeNumber(r.id());
                write(r.target(), depth + 1);
                g.writeEndArray();
            } else if (v instanceof Down d) {
                tagged("d");
                write(d.ref(), depth + 1);
                write(d.pid(), depth + 1);
                write(d.reason(), depth + 1);
                g.writeEndArray();
            } else if (v instanceof ExitSignal e) {
                tagged("e");
                write(e.from(), depth + 1);
                write(e.reason(), depth + 1);
                g.writeEndArray();
            } else if (v instanceof Enum<?> e) {
                struct(e.getDeclaringClass().getName(), Map.of("name", e.name()), depth);
            } else if (v.getClass().isRecord()) {
                Map<String, Object> fields = new LinkedHashMap<>();
                for (RecordComponent c : v.getClass().getRecordComponents()) {
                    try {
                        c.getAccessor().setAccessible(true);
                        fields.put(c.getName(), c.getAccessor().invoke(v));
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        throw new NotNeutralException("the record " + v.getClass().getName() + " could not be read ("
                                + e + "); send a Struct or plain values instead");
                    }
                }
                struct(v.getClass().getName(), fields, depth);
            } else {
                throw new NotNeutralException("a " + v.getClass().getName() + " is not neutral data and cannot go to"
                        + " another node; send strings, numbers, booleans, lists, maps, sets, records or Structs");
            }
        }

        private void struct(String type, Map<String, ?> fields, int depth) throws IOException {
            tagged("S");
            g.writeString(type);
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                g.writeString(e.getKey());
                write(e.getValue(), depth + 1);
            }
            g.writeEndArray();
        }
    }

    public Writer writer() {
        return new Writer();
    }

    // ---- reading -------------------------------------------------------------------------

    /** Reads the values of one frame in the order they were written. */
    public final class Reader {
        private final CBORParser p;

        Reader(byte[] data, int offset, int length) throws IOException {
            p = FACTORY.createParser(data, offset, length);
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("a frame is a CBOR array");
            }
        }

        public Object value() throws IOException {
            JsonToken t = p.nextToken();
            if (t == null || t == JsonToken.END_ARRAY) {
                throw new IOException("the frame ended early");
            }
            return read(t, 0);
        }

        public String string() throws IOException {
            return (String) value();
        }

        public long number() throws IOException {
            return ((Number) value()).longValue();
        }

        private Object read(JsonToken t, int depth) throws IOException {
            if (depth > MAX_DEPTH) {
                throw new IOException("the value nests deeper than " + MAX_DEPTH + " levels");
            }
            switch (t) {
                case VALUE_NULL:
                    return null;
                case VALUE_STRING:
                    return p.getText();
                case VALUE_TRUE:
                    return Boolean.TRUE;
                case VALUE_FALSE:
                    return Boolean.FALSE;
                case VALUE_NUMBER_INT:
                    return p.getIntValue();
                case VALUE_NUMBER_FLOAT:
                    return p.getDoubleValue();
                case VALUE_EMBEDDED_OBJECT:
                    return p.getBinaryValue();
                case START_ARRAY:
                    return tagged(depth);
                default:
                    throw new IOException("unexpected " + t + " in a frame");
            }
        }

        private Object next(int depth) throws IOException {
            JsonToken t = p.nextToken();
            if (t == null || t == JsonToken.END_ARRAY) {
                throw new IOException("a tagged value ended early");
            }
            return read(t, depth);
        }

        private void end() throws IOException {
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw new IOException("a tagged value has too many elements");
            }
        }

        private Object tagged(int depth) throws IOException {
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new IOException("a tagged value starts with its tag");
            }
            String tag = p.getText();
            Object out;
            switch (tag) {
                case "L":
                    p.nextToken();
                    out = p.getLongValue();
                    break;
                case "h":
                    p.nextToken();
                    out = (short) p.getIntValue();
                    break;
                case "y":
                    p.nextToken();
                    out = (byte) p.getIntValue();
                    break;
                case "f":
                    p.nextToken();
                    out = p.getFloatValue();
                    break;
                case "c":
                    p.nextToken();
                    out = p.getText().charAt(0);
                    break;
                case "I":
                    p.nextToken();
                    out = new BigInteger(p.getText());
                    break;
                case "D":
                    p.nextToken();
                    out = new BigDecimal(p.getText());
                    break;
                case "[":
                case "#": {
                    java.util.Collection<Object> c = tag.equals("[") ? new ArrayList<>() : new LinkedHashSet<>();
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == null) {
                            throw new IOException("a list ended early");
                        }
                        c.add(read(t, depth + 1));
                    }
                    return tag.equals("[") ? java.util.Collections.unmodifiableList((List<Object>) c) : c;
                }
                case "{": {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == null) {
                            throw new IOException("a map ended early");
                        }
                        Object k = read(t, depth + 1);
                        m.put(k, next(depth + 1));
                    }
                    return m;
                }
                case "S": {
                    p.nextToken();
                    String type = p.getText();
                    Map<String, Object> f = new LinkedHashMap<>();
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t != JsonToken.VALUE_STRING) {
                            throw new IOException("a struct's field starts with its name");
                        }
                        String k = p.getText();
                        f.put(k, next(depth + 1));
                    }
                    return new Struct(type, f);
                }
                case "P": {
                    p.nextToken();
                    long id = p.getLongValue();
                    p.nextToken();
                    String n = p.getText();
                    p.nextToken();
                    long inc = p.getLongValue();
                    out = n.equals(node) && inc == incarnation ? new Pid(id) : new Pid(id, n, inc);
                    break;
                }
                case "X": {
                    p.nextToken();
                    ExitReason.Kind kind = ExitReason.Kind.valueOf(p.getText());
                    p.nextToken();
                    out = new ExitReason(kind, p.getText());
                    break;
                }
                case "R":
                    p.nextToken();
                    long id = p.getLongValue();
                    out = new MonitorRef(id, (Pid) next(depth + 1));
                    break;
                case "d":
                    out = new Down((MonitorRef) next(depth + 1), (Pid) next(depth + 1), (ExitReason) next(depth + 1));
                    break;
                case "e":
                    out = new ExitSignal((Pid) next(depth + 1), (ExitReason) next(depth + 1));
                    break;
                default:
                    throw new IOException("unknown tag '" + tag + "' (a node of another Molt version?)");
            }
            end();
            return out;
        }
    }

    public Reader reader(byte[] data, int offset, int length) throws IOException {
        return new Reader(data, offset, length);
    }
}
