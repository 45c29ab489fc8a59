package dev.molt.runtime.handover;

import static dev.molt.runtime.handover.Images.assertExact;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.junit.Test;

import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.ExitSignal;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.Struct;

/** The snapshot codec: every neutral value comes back with its type, whole images round-trip, refusals say where. */
public class ImageCodecTest {

    /** A behaviour's own record: not neutral until its code exports it. */
    record Pending(long id) {
    }

    private static final Pid REMOTE = new Pid(42, new Pid.Node("n2", 1_700_000_000_123L));

    /** Every kind of value the codec takes, with the edge values of each. */
    private static List<Object> everyValue() {
        Map<Object, Object> mixedKeys = new LinkedHashMap<>();
        mixedKeys.put(1, "an Integer key");
        mixedKeys.put(1L, "a Long key");
        mixedKeys.put("k", null);
        mixedKeys.put(null, "a null key");
        mixedKeys.put(new Pid(3), new ArrayList<>(List.of(1, 2)));
        mixedKeys.put(new Struct("a.Key", Map.of("x", 1)), 'k');
        Set<Object> ordered = new LinkedHashSet<>(List.of(3, 1L, "two"));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("count", 17L);
        fields.put("label", "x");
        fields.put("none", null);
        fields.put("inner", new Struct("a.Inner$Deep", Map.of("flag", true)));
        return Arrays.asList(
                null, "", "héllo ☃ 𝄞", "x".repeat(10_000),
                true, false,
                'x', '\u0000', '\uFFFF',
                (byte) -128, (byte) 127, (short) -32768, (short) 12345,
                0, -1, 23, 24, 255, 256, Integer.MAX_VALUE, Integer.MIN_VALUE,
                0L, 5L, -5L, Long.MAX_VALUE, Long.MIN_VALUE,
                1.5f, -0.0f, Float.NaN, Float.MIN_VALUE, Float.POSITIVE_INFINITY,
                2.25, -0.0, Double.NaN, Double.MAX_VALUE, Double.NEGATIVE_INFINITY,
                BigInteger.ZERO, new BigInteger("-123456789012345678901234567890"), BigInteger.TWO.pow(200),
                new BigDecimal("-123.4500"), new BigDecimal("1E+30"), BigDecimal.ZERO,
                new byte[0], new byte[] {1, -2, 3},
                new long[0], new long[] {1, -2, Long.MAX_VALUE, Long.MIN_VALUE},
                new String[0], new String[] {"a", null, "b"},
                new Object[0], new Object[] {1, 2L, null, "x", new Object[] {new long[] {9}}, List.of('c')},
                List.of(), List.of(1, 2L), new LinkedList<>(List.of(5L, 6L)), Arrays.asList(null, 1L), List.of(new ArrayList<>()),
                Set.of(), ordered,
                Map.of(), mixedKeys, new TreeMap<>(Map.of("b", 2, "a", 1)),
                new Struct("dev.molt.examples.Counter", fields), new Struct("E", Map.of("name", "RED")),
                new Pid(1), new Pid(Long.MAX_VALUE), REMOTE, new Pid(7, new Pid.Node("n.3-x_", 0)),
                ExitReason.NORMAL, ExitReason.error("boom\n\tat Foo.bar(Foo.java:1)"), ExitReason.noconnection("n2"),
                new MonitorRef(7, new Pid(9)), new MonitorRef(8, REMOTE), new MonitorRef(9, null),
                new Down(new MonitorRef(7, new Pid(9)), new Pid(9), ExitReason.killed("by hand")),
                new Down(null, null, null),
                new ExitSignal(REMOTE, ExitReason.SHUTDOWN), new ExitSignal(new Pid(2), new ExitReason(ExitReason.Kind.LINKED, "x")));
    }

    private static Map<String, Object> roundTrip(Map<String, Object> image) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageCodec.encode(image, out);
        Map<String, Object> streamed = ImageCodec.decode(new ByteArrayInputStream(out.toByteArray()));
        Map<String, Object> fromBytes = ImageCodec.decode(ImageCodec.encode(image));
        assertExact("from bytes", streamed, fromBytes);
        return streamed;
    }

    @Test
    public void everyNeutralValueComesBackWithItsTypeAsAValueAndAsAState() throws Exception {
        List<Object> values = everyValue();
        Map<String, Object> image = Images.header();
        List<Object[]> processes = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            image.put("value " + i, values.get(i));
            Object[] p = Images.process(i + 1);
            p[Image.P_STATE] = values.get(i);
            p[Image.P_MESSAGES] = new Object[] {values.get(i), values.get(i)};
            processes.add(p);
        }
        image.put(Image.K_PROCESSES, processes);
        image.put("all in one list", values);
        image.put("all in one array", values.toArray());
        Map<String, Object> back = roundTrip(image);
        for (int i = 0; i < values.size(); i++) {
            assertExact("value " + i, values.get(i), back.get("value " + i));
        }
        assertExact("image", image, back);
    }

    @Test
    public void aProcessRecordsSlotsKeepTheirTypesWhateverTheyHold() throws Exception {
        Object[] odd = new Object[Image.P_SLOTS + 2];
        odd[Image.P_PID] = 12; // an Integer in a Long slot
        odd[Image.P_BEHAVIOUR] = 5; // an Integer where a name goes
        odd[Image.P_VERSION] = 6L;
        odd[Image.P_BUNDLE] = "not a number";
        odd[Image.P_EXPORTED_FROM] = new Object[] {"1.0"};
        odd[Image.P_HANDLED] = null;
        odd[Image.P_SLOTS] = 3L;
        Object[] names = Images.process(2);
        names[Image.P_EXPORTED_FROM] = new String[] {null, "1.2.0", "counter", "1.1.0", null};
        Object[] remote = Images.process(3);
        remote[Image.P_STATE] = List.of(REMOTE, REMOTE, new Pid(4, new Pid.Node("n3", 2)), REMOTE);
        Map<String, Object> image = Images.header();
        image.put(Image.K_PROCESSES, new ArrayList<>(List.of(odd, new Object[0], names, remote, Images.process(4))));
        image.put(Image.K_TIMERS, new ArrayList<>(List.of(new Object[] {1, null, -5L}, new Object[] {2L, "m", 3L, "extra"})));
        assertExact("image", image, roundTrip(image));
    }

    @Test
    public void aListThatIsNotATableIsWrittenAsAList() throws Exception {
        Map<String, Object> image = Images.header();
        image.put(Image.K_PROCESSES, new ArrayList<>(List.of(Images.process(1), "not a record")));
        image.put(Image.K_TIMERS, "not a list");
        assertExact("image", image, roundTrip(image));
    }

    @Test
    public void anImageOfAThousandProcessesRoundTrips() throws Exception {
        Map<String, Object> image = Images.image(1000);
        Map<String, Object> back = roundTrip(image);
        assertExact("image", image, back);
        List<?> processes = (List<?>) back.get(Image.K_PROCESSES);
        assertEquals(1000, processes.size());
        Object[] last = (Object[]) processes.get(999);
        assertTrue(Arrays.deepEquals(Images.process(1000), last));
        // Names are written once: the records share the decoded strings.
        assertTrue(((Object[]) processes.get(0))[Image.P_BEHAVIOUR] == last[Image.P_BEHAVIOUR]);
    }

    @Test
    public void namesAreWrittenOnceAndSmallIntegersCompactly() {
        int small = ImageCodec.encode(Images.image(1)).length;
        int big = ImageCodec.encode(Images.image(1001)).length;
        double perProcess = (big - small) / 1000.0;
        // The type and field names alone are over 70 bytes; written once they cost nothing per process.
        assertTrue("a process takes " + perProcess + " bytes", perProcess < 70);
    }

    @Test
    public void aFutureInAStateIsRefusedNamingTheProcess() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageCodec.encode(Images.withState(42, new CompletableFuture<String>())));
        assertTrue(e.getMessage(), e.getMessage().startsWith(
                "process 42's state holds a java.util.concurrent.CompletableFuture, which has no neutral form"));
        assertFalse(e.getMessage(), e.getMessage().contains("\n"));
    }

    @Test
    public void aRefusalSaysWhereInTheValueItWasMet() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ok", 1);
        fields.put("pending", new ArrayList<>(List.of(1L, new Pending(9))));
        IllegalArgumentException inState = assertThrows(IllegalArgumentException.class,
                () -> ImageCodec.encode(Images.withState(7, new Struct("a.S", fields))));
        assertTrue(inState.getMessage(), inState.getMessage().startsWith("process 7's state holds a "
                + Pending.class.getName() + " at .pending[1], which has no neutral form"));

        Map<String, Object> image = Images.withState(8, null);
        ((Object[]) ((List<?>) image.get(Image.K_PROCESSES)).get(0))[Image.P_MESSAGES] =
                new Object[] {"fine", Map.of("key", new int[] {1})};
        IllegalArgumentException inMessage = assertThrows(IllegalArgumentException.class, () -> ImageCodec.encode(image));
        assertTrue(inMessage.getMessage(), inMessage.getMessage().startsWith(
                "process 8's message queue holds an int[] at [1][\"key\"], which has no neutral form"));

        Map<String, Object> timers = Images.header();
        timers.put(Image.K_TIMERS, new ArrayList<>(List.<Object[]>of(new Object[] {1L, new Object(), 5L})));
        IllegalArgumentException inTimer = assertThrows(IllegalArgumentException.class, () -> ImageCodec.encode(timers));
        assertTrue(inTimer.getMessage(), inTimer.getMessage().startsWith("timer 0's message holds a java.lang.Object,"));

        Map<String, Object> groups = Images.header();
        groups.put(Image.K_GROUPS, Map.of("g", Set.of(Thread.currentThread())));
        IllegalArgumentException inGroups = assertThrows(IllegalArgumentException.class, () -> ImageCodec.encode(groups));
        assertTrue(inGroups.getMessage(), inGroups.getMessage().startsWith("the image's groups holds a java.lang.Thread at [\"g\"][0],"));
    }

    @Test
    public void nestingIsRefusedPastTheLimitBothWays() throws Exception {
        Object deep = "bottom";
        for (int i = 0; i < ImageCodec.MAX_DEPTH - 10; i++) {
            deep = new ArrayList<>(List.of(deep));
        }
        Map<String, Object> ok = Images.withState(1, deep);
        assertExact("deep", ok, roundTrip(ok));

        for (int i = 0; i < 20; i++) {
            deep = new Object[] {deep};
        }
        Object tooDeep = deep;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageCodec.encode(Images.withState(5, tooDeep)));
        assertEquals("process 5's state nests deeper than 512 levels; make it flatter", e.getMessage());

        // Bytes nesting deeper than that (written by hand) are refused on reading.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeString(ImageCodec.MAGIC);
            g.writeNumber(Image.FORMAT);
            g.writeString("deep");
            for (int i = 0; i < 600; i++) {
                g.writeTag(10); // a list (the format's tag for one)
                g.writeStartArray();
            }
            g.writeNull();
            for (int i = 0; i <= 600; i++) {
                g.writeEndArray();
            }
        }
        ImageCodec.UnreadableImageException r = assertThrows(ImageCodec.UnreadableImageException.class,
                () -> ImageCodec.decode(out.toByteArray()));
        assertTrue(r.getMessage(), r.getMessage().endsWith("it nests deeper than 512 levels"));
    }

    @Test
    public void anotherFormatIsRefusedWhenReading() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeString(ImageCodec.MAGIC);
            g.writeNumber(Image.FORMAT + 1);
            g.writeString(Image.K_FORMAT);
            g.writeNumber(Image.FORMAT + 1);
            g.writeEndArray();
        }
        ImageCodec.UnreadableImageException e = assertThrows(ImageCodec.UnreadableImageException.class,
                () -> ImageCodec.decode(out.toByteArray()));
        assertEquals("the image is of format 2, and this runtime reads format 1 only (it was written by another runtime version)",
                e.getMessage());
    }

    @Test
    public void anImageOfAnotherFormatOrFormIsRefusedWhenWriting() {
        Map<String, Object> other = Images.header();
        other.put(Image.K_FORMAT, 2);
        IllegalArgumentException format = assertThrows(IllegalArgumentException.class, () -> ImageCodec.encode(other));
        assertTrue(format.getMessage(), format.getMessage().startsWith("the image's format is 2; this codec writes format 1 only"));

        Map<String, Object> live = Images.header();
        live.put(Image.K_FORM, Image.FORM_LIVE);
        IllegalArgumentException form = assertThrows(IllegalArgumentException.class, () -> ImageCodec.encode(live));
        assertTrue(form.getMessage(), form.getMessage().startsWith("the image's form is live; only a neutral image can be encoded"));
    }

    @Test
    public void truncatedOrForeignBytesAreRefusedInOneLine() {
        byte[] whole = ImageCodec.encode(Images.image(100));
        for (int cut : new int[] {1, 5, 20, whole.length / 2, whole.length - 1}) {
            ImageCodec.UnreadableImageException e = assertThrows(ImageCodec.UnreadableImageException.class,
                    () -> ImageCodec.decode(Arrays.copyOf(whole, cut)));
            assertTrue(cut + ": " + e.getMessage(), e.getMessage().startsWith("the image ends early, at byte "));
            assertTrue(e.getMessage(), e.getMessage().endsWith(": it is truncated"));
        }
        ImageCodec.UnreadableImageException empty = assertThrows(ImageCodec.UnreadableImageException.class,
                () -> ImageCodec.decode(new byte[0]));
        assertEquals("the image is empty (0 bytes)", empty.getMessage());
        ImageCodec.UnreadableImageException json = assertThrows(ImageCodec.UnreadableImageException.class,
                () -> ImageCodec.decode("{\"format\": 1}".getBytes()));
        assertFalse(json.getMessage(), json.getMessage().contains("\n"));
        ImageCodec.UnreadableImageException foreign = assertThrows(ImageCodec.UnreadableImageException.class,
                () -> ImageCodec.decode(new byte[] {(byte) 0x82, 0x65, 'h', 'e', 'l', 'l', 'o', 0x01}));
        assertEquals("these bytes are not a Molt image (they do not start with 'molt-image')", foreign.getMessage());

        byte[] trailing = Arrays.copyOf(whole, whole.length + 1);
        ImageCodec.UnreadableImageException more = assertThrows(ImageCodec.UnreadableImageException.class,
                () -> ImageCodec.decode(trailing));
        assertTrue(more.getMessage(), more.getMessage().endsWith("more follows the image's end"));

        // Damage inside: every single byte flipped in turn either reads or is refused in one line, never otherwise.
        byte[] small = ImageCodec.encode(Images.image(3));
        for (int i = 0; i < small.length; i++) {
            byte[] damaged = small.clone();
            damaged[i] ^= (byte) 0x5a;
            try {
                ImageCodec.decode(damaged);
            } catch (ImageCodec.UnreadableImageException e) {
                assertFalse(e.getMessage(), e.getMessage().contains("\n"));
            }
        }
    }

    @Test
    public void encodeAndDecodeTimesFor100kProcesses() throws Exception {
        Map<String, Object> image = Images.image(100_000);
        for (int round = 1; round <= 3; round++) {
            long t0 = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 23);
            ImageCodec.encode(image, out);
            long t1 = System.nanoTime();
            Map<String, Object> back = ImageCodec.decode(new ByteArrayInputStream(out.toByteArray()));
            long t2 = System.nanoTime();
            assertEquals(100_000, ((List<?>) back.get(Image.K_PROCESSES)).size());
            System.out.printf("ImageCodec, 100k processes (round %d): encode %d ms, decode %d ms, %,d bytes (%.1f per process)%n",
                    round, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, out.size(), out.size() / 100_000.0);
        }
    }
}
