package dev.molt.cluster;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.Test;

import dev.molt.api.Down;
import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.api.Struct;

public class WireTest {

    private final Wire n1 = new Wire("n1", 11);
    private final Wire n2 = new Wire("n2", 22);

    private Object roundTrip(Wire from, Wire to, Object v) throws Exception {
        byte[] b = from.writer().value(v).bytes();
        return to.reader(b, 0, b.length).value();
    }

    record Point(int x, long y, String label) {
    }

    enum Colour { RED }

    @Test
    public void everyNeutralTypeComesBackAsTheSameType() throws Exception {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(1, "one");
        map.put("two", 2L);
        Set<Object> set = new LinkedHashSet<>(List.of("a", 3));
        List<Object> values = Arrays.asList(null, "text", 5, 5L, (short) 5, (byte) 5, 1.5, 1.5f, 'c', true,
                new BigInteger("123456789012345678901234567890"), new BigDecimal("1.25"), map, set,
                Arrays.asList(1, null, "x"), new Struct("Post", Map.of("from", "alice")),
                new ExitReason(ExitReason.Kind.NOCONNECTION, "node n3 left"));
        for (Object v : values) {
            Object back = roundTrip(n1, n2, v);
            assertEquals(String.valueOf(v), v, back);
            if (v != null && !(v instanceof java.util.Collection) && !(v instanceof Map)) {
                assertEquals(String.valueOf(v), v.getClass(), back.getClass());
            }
        }
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(n1, n2, new byte[] {1, 2, 3}));
    }

    @Test
    public void aLongStaysALongAndAnIntegerAnInteger() throws Exception {
        assertEquals(Long.class, roundTrip(n1, n2, 7L).getClass());
        assertEquals(Integer.class, roundTrip(n1, n2, 7).getClass());
        assertEquals(Double.class, roundTrip(n1, n2, 7.0).getClass());
    }

    @Test
    public void pidsAreLocalOnTheirOwnNodeAndRemoteElsewhere() throws Exception {
        Pid local = new Pid(42);
        Pid atN2 = (Pid) roundTrip(n1, n2, local);
        assertEquals(new Pid(42, "n1", 11), atN2);
        assertEquals("a pid of n2 sent back to n2 is local there", new Pid(7),
                roundTrip(n1, n2, new Pid(7, "n2", 22)));
        assertEquals("an older incarnation stays remote", new Pid(7, "n2", 21), roundTrip(n1, n2, new Pid(7, "n2", 21)));
        Down d = new Down(new MonitorRef(3, local), local, ExitReason.NORMAL);
        assertEquals(new Down(new MonitorRef(3, atN2), atN2, ExitReason.NORMAL), roundTrip(n1, n2, d));
    }

    @Test
    public void recordsAndEnumsGoAsStructs() throws Exception {
        Struct s = (Struct) roundTrip(n1, n2, new Point(1, 2L, "p"));
        assertEquals(Point.class.getName(), s.type());
        assertEquals(Map.of("x", 1, "y", 2L, "label", "p"), s.fields());
        Struct e = (Struct) roundTrip(n1, n2, Colour.RED);
        assertEquals(Map.of("name", "RED"), e.fields());
    }

    @Test
    public void anythingElseIsRefusedAtTheSenderNamingIt() {
        Wire.NotNeutralException e = assertThrows(Wire.NotNeutralException.class,
                () -> n1.writer().value(List.of("ok", new Object())));
        assertTrue(e.getMessage(), e.getMessage().startsWith("a java.lang.Object is not neutral data"));
        assertThrows(Wire.NotNeutralException.class, () -> n1.writer().value(new Thread()));
    }
}
