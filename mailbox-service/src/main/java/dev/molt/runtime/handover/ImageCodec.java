package dev.molt.runtime.handover;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.Struct;

/**
 * Writes a neutral {@link Image} as CBOR and reads it back, through Jackson's streaming codec (never
 * Java serialization). Every value comes back with its type and value: null, strings, booleans,
 * characters, the JDK's numbers ({@code Byte} to {@code BigDecimal}), {@code byte[]}, {@code long[]},
 * {@code String[]}, {@code Object[]}, lists (as {@code ArrayList}), sets ({@code LinkedHashSet}) and
 * maps ({@code LinkedHashMap}) in their order, {@link Struct}s, and the API's {@link Pid} (local or
 * remote), {@link ExitReason}, {@link MonitorRef}, {@link Down} and {@link ExitSignal}. Anything else
 * is refused with an {@code IllegalArgumentException} that says where in the image it was met.
 *
 * <p>Layout: one CBOR array: the text {@value #MAGIC}, the format number ({@link Image#FORMAT}), then
 * the image map's keys and values in turn. An {@code Integer} is a plain CBOR integer, a
 * {@code Double} a plain float, and text, booleans, null and byte strings are themselves; every other
 * value carries a CBOR tag of this format's own (the {@code TAG_} constants: a tagged integer for a
 * {@code Long} or a local pid, a tagged array for a list, a struct...), so that a {@code Long} 5 does
 * not come back an {@code Integer}. A tag is a prefix, not an element: a {@code Long} costs one byte
 * more than an {@code Integer}, and the reader one token.
 *
 * <p>Size: the process and timer lists are written as tables of positional records, in which the
 * slots that always hold a {@code Long} (pids, bundle ids, counts) hold a plain integer. Names (a
 * struct's type and field names, exit kinds, node names, a process's behaviour, version and the
 * versions its messages came from) are written in full the first time and as their number after, up
 * to {@value #MAX_NAMES} distinct names. Integers take as few bytes as CBOR allows. Nesting deeper than
 * {@value #MAX_DEPTH} levels is refused both ways.
 *
 * <p>This class holds the calls and the format's constants; {@link ImageWriter} and
 * {@link ImageReader} do the work.
 *
 * <p>Thread rule: any thread; every call has its own state. The image must not change while it is
 * encoded. Encoding and decoding stream: neither holds the encoded bytes whole in memory.
 */
public final class ImageCodec {

    /** The text that opens every image. */
    public static final String MAGIC = "molt-image";
    /** Containers deeper than this are refused (the image map itself is level 0). */
    public static final int MAX_DEPTH = 512;
    /** Names past this many distinct ones are written in full every time. */
    static final int MAX_NAMES = 1 << 16;
    /** A container claiming more elements than this is not allocated up front (a corrupt length). */
    static final int MAX_PREALLOCATED = 1 << 20;
    static final int MAX_PATH_SHOWN = 160;

    // Tags (CBOR major type 6) of this format. 6 to 23 take one byte; Jackson itself interprets only
    // 2 and 3 (bignums), 4 (decimal fractions) and 25/256 (string references), none of which is used.
    static final int TAG_LONG = 6; // an integer
    static final int TAG_PID = 7; // an integer: a local pid's id
    static final int TAG_STRUCT = 8; // array: type name, then field name, value...
    static final int TAG_OBJECTS = 9; // array: an Object[]
    static final int TAG_LIST = 10; // array
    static final int TAG_MAP = 11; // array: key, value, key, value...
    static final int TAG_LONGS = 12; // array of integers: a long[]
    static final int TAG_NAMES = 13; // array of names: a String[] (a process's export list)
    static final int TAG_STRINGS = 14; // array of text or null: a String[]
    static final int TAG_SET = 15; // array
    static final int TAG_LONG_LIST = 16; // array of integers: a list of Longs only
    static final int TAG_INT = 17; // an integer: an Integer where a plain integer means something else
    static final int TAG_EXIT_REASON = 18; // array: kind name, detail
    static final int TAG_MONITOR_REF = 19; // array: id, target pid
    static final int TAG_REMOTE_PID = 20; // array: id, node name, incarnation
    static final int TAG_SHORT = 21; // an integer
    static final int TAG_BYTE = 22; // an integer
    static final int TAG_CHAR = 23; // an integer: the UTF-16 unit
    static final int TAG_FLOAT = 200; // a float
    static final int TAG_BIG_INTEGER = 201; // bytes: two's complement, big-endian
    static final int TAG_BIG_DECIMAL = 202; // array: the unscaled value's bytes, the scale
    static final int TAG_DOWN = 203; // array: monitor ref, pid, reason
    static final int TAG_EXIT_SIGNAL = 204; // array: from pid, reason
    static final int TAG_PROCESSES = 205; // array of records of P_ slots
    static final int TAG_TIMERS = 206; // array of records of T_ slots

    // How a record slot is written.
    static final byte SLOT_ANY = 0;
    static final byte SLOT_LONG = 1; // a plain integer is a Long
    static final byte SLOT_NAME = 2; // text or a plain integer is a name
    static final byte SLOT_NAMES = 3; // a String[] is written as names

    static final byte[] PROCESS_SLOTS = new byte[Image.P_SLOTS];
    static final byte[] TIMER_SLOTS = new byte[Image.T_SLOTS];
    static final String[] PROCESS_SLOT_LABELS = new String[Image.P_SLOTS];
    static final String[] TIMER_SLOT_LABELS = {"target", "message", "time left"};

    static {
        PROCESS_SLOTS[Image.P_PID] = SLOT_LONG;
        PROCESS_SLOTS[Image.P_BEHAVIOUR] = SLOT_NAME;
        PROCESS_SLOTS[Image.P_VERSION] = SLOT_NAME;
        PROCESS_SLOTS[Image.P_BUNDLE] = SLOT_LONG;
        PROCESS_SLOTS[Image.P_EXPORTED_FROM] = SLOT_NAMES;
        PROCESS_SLOTS[Image.P_HANDLED] = SLOT_LONG;
        TIMER_SLOTS[Image.T_TO] = SLOT_LONG;
        TIMER_SLOTS[Image.T_LEFT_NANOS] = SLOT_LONG;

        String[] labels = PROCESS_SLOT_LABELS;
        labels[Image.P_PID] = "pid";
        labels[Image.P_NAME] = "name";
        labels[Image.P_BEHAVIOUR] = "behaviour";
        labels[Image.P_VERSION] = "version";
        labels[Image.P_BUNDLE] = "bundle id";
        labels[Image.P_STATE] = "state";
        labels[Image.P_MESSAGES] = "message queue";
        labels[Image.P_CALLS] = "call list";
        labels[Image.P_EXPORTED_FROM] = "export list";
        labels[Image.P_TRAP_EXITS] = "trap-exits flag";
        labels[Image.P_LINKS] = "link list";
        labels[Image.P_MONITORED_BY] = "monitor list";
        labels[Image.P_WATCHES] = "watch list";
        labels[Image.P_HANDLED] = "handled count";
        labels[Image.P_UPGRADES] = "upgrade count";
        labels[Image.P_HANDOVERS] = "hand-over count";
        labels[Image.P_RESTORES] = "restore count";
        labels[Image.P_HELD] = "held reason";
    }

    private static final CBORFactory FACTORY = CBORFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT) // a refused image is not completed
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
            // Our own depth check comes first (the header, a table and a record add three CBOR levels).
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_DEPTH + 8).build())
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH + 8)
                    .maxStringLength(Integer.MAX_VALUE) // a state may hold a long text
                    .build())
            // No buffer recycling: Jackson's default pool keeps a buffer per thread in a ThreadLocal
            // (softly referenced), and a framework thread that encoded an image for a hand-over would
            // keep this runtime revision's class loader alive after it went (soft references survive
            // a System.gc()). An image is large and rare: fresh buffers cost nothing that matters.
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.nonRecyclingPool())
            .build();

    private ImageCodec() {
    }

    /** An image that cannot be read: not an image, another format, truncated or damaged. */
    public static final class UnreadableImageException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableImageException(String message) {
            super(message);
        }
    }

    // ---- the calls ------------------------------------------------------------------------------

    /**
     * Writes {@code image} to {@code out} (which stays open; it is flushed). On a refusal what was
     * written is incomplete: discard it.
     *
     * @throws IllegalArgumentException if the image is not neutral data of this format, naming the
     *                                  value and where it is
     */
    public static void encode(Map<String, Object> image, OutputStream out) throws IOException {
        checkHeader(image);
        try (CBORGenerator g = (CBORGenerator) FACTORY.createGenerator(out)) {
            new ImageWriter(g).image(image);
        } catch (JsonProcessingException e) {
            // The generator counts what it was told: a list or map of the image changed size meanwhile.
            throw new IllegalStateException("the image changed while it was encoded (" + firstLine(e.getOriginalMessage())
                    + "); encode an image nothing else touches");
        }
    }

    /** The image as bytes; see {@link #encode(Map, OutputStream)}. */
    public static byte[] encode(Map<String, Object> image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 12);
        try {
            encode(image, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array stream does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Reads an image from {@code in} (which stays open; it may have been read past the image's end).
     *
     * @throws UnreadableImageException if the bytes are not an image of {@link Image#FORMAT}, or are
     *                                  truncated or damaged
     * @throws IOException              if {@code in} fails
     */
    public static Map<String, Object> decode(InputStream in) throws IOException {
        try (CBORParser p = (CBORParser) FACTORY.createParser(in)) {
            return decode(p);
        }
    }

    /** Reads an image from bytes; see {@link #decode(InputStream)}. */
    public static Map<String, Object> decode(byte[] bytes) throws UnreadableImageException {
        try (CBORParser p = (CBORParser) FACTORY.createParser(bytes)) {
            return decode(p);
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // bytes in memory do not fail to be read
        }
    }

    private static Map<String, Object> decode(CBORParser p) throws IOException {
        try {
            return new ImageReader(p).image();
        } catch (UnreadableImageException e) {
            throw e;
        } catch (JsonEOFException e) {
            throw new UnreadableImageException("the image ends early, at byte " + offset(p) + ": it is truncated");
        } catch (JsonProcessingException e) {
            throw new UnreadableImageException("the image is damaged at byte " + offset(p) + ": "
                    + firstLine(e.getOriginalMessage()));
        } catch (RuntimeException e) {
            // A value the API's constructors refuse (a pid 0, an unknown exit kind...), or a wrong type.
            throw new UnreadableImageException("the image is damaged at byte " + offset(p) + ": " + firstLine(e.toString()));
        }
    }

    private static void checkHeader(Map<String, Object> image) {
        Object format = image.get(Image.K_FORMAT);
        if (!Integer.valueOf(Image.FORMAT).equals(format)) {
            throw new IllegalArgumentException("the image's " + Image.K_FORMAT + " is " + format + "; this codec writes format "
                    + Image.FORMAT + " only (set Image.K_FORMAT to Image.FORMAT)");
        }
        Object form = image.get(Image.K_FORM);
        if (!Image.FORM_NEUTRAL.equals(form)) {
            throw new IllegalArgumentException("the image's form is " + form + "; only a " + Image.FORM_NEUTRAL
                    + " image can be encoded (export states and messages, leave calls and watches out)");
        }
    }

    static long offset(CBORParser p) {
        return p.currentLocation().getByteOffset();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
