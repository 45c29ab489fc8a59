package dev.molt.runtime.neutral;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.molt.api.Pid;
import dev.molt.api.Struct;

/** The neutral form of state and messages, and the default migration built on it. */
public class NeutralTest {

    public enum Colour { RED, GREEN }

    public record Item(String name, int qty, Colour colour) {
    }

    public record Cart(long id, List<Item> items, Map<String, Long> tags) {
    }

    public record CartV2(long id, List<Item> items, Map<String, Long> tags, List<String> added, boolean flag) {
    }

    public record Narrow(int id) {
    }

    static final ClassLoader OURS = NeutralTest.class.getClassLoader();

    /** Converts what this test's class loader defined, as an export converts a behaviour's own classes. */
    private static Object toNeutral(Object v, ClassLoader code) {
        return Neutral.toNeutral(v, c -> c.getClassLoader() == code);
    }

    private static Object fromNeutral(Object v, java.lang.reflect.Type type, ClassLoader code) {
        return Neutral.fromNeutral(v, type, name -> {
            try {
                return Class.forName(name, false, code);
            } catch (ClassNotFoundException e) {
                return null;
            }
        }, null);
    }

    private static boolean references(Object v, ClassLoader code) {
        return Neutral.needsConversion(v, c -> c.getClassLoader() == code);
    }

    @Test
    public void recordsAndEnumsBecomeStructsAndComeBack() {
        Cart c = new Cart(9, List.of(new Item("pen", 2, Colour.RED)), Map.of("a", 1L));
        Object n = toNeutral(c, OURS);
        Struct s = (Struct) n;
        assertEquals(Cart.class.getName(), s.type());
        Struct item = (Struct) ((List<?>) s.get("items")).get(0);
        assertEquals(new Struct(Colour.class.getName(), Map.of("name", "RED")), item.get("colour"));
        assertEquals(c, fromNeutral(n, Cart.class, OURS));
        assertEquals(c, fromNeutral(n, Object.class, OURS));
        assertTrue(references(c, OURS));
        assertTrue(!references(n, OURS));
    }

    @Test
    public void newComponentsGetEmptyDefaultsAndMatchingOnesAreCopied() {
        Cart c = new Cart(9, List.of(), Map.of());
        CartV2 v2 = (CartV2) fromNeutral(toNeutral(c, OURS), CartV2.class, OURS);
        assertEquals(new CartV2(9, List.of(), Map.of(), List.of(), false), v2);
    }

    @Test
    public void numbersNarrowOnlyWhenTheyFit() {
        assertEquals(new Narrow(5), fromNeutral(new Struct("x", Map.of("id", 5L)), Narrow.class, OURS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromNeutral(new Struct("x", Map.of("id", 1L << 40)), Narrow.class, OURS));
        assertTrue(e.getMessage(), e.getMessage().contains("Narrow.id") && e.getMessage().contains("does not fit in int"));
    }

    @Test
    public void jdkValuesAndOtherBundlesTypesPassAsTheyAre() {
        Pid pid = new Pid(3);
        ClassLoader behaviours = new ClassLoader(null) {
        };
        assertSame(pid, toNeutral(pid, behaviours)); // a record of another loader: left alone
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("id", 3L);
        fields.put("home", null);
        assertEquals(new Struct(Pid.class.getName(), fields), toNeutral(pid, OURS));
        assertEquals(List.of(1, "a", true), toNeutral(new ArrayList<>(List.of(1, "a", true)), OURS));
    }

    @Test
    public void aClassThatIsNeitherRecordNorEnumIsRefusedWithAClearError() {
        Object notNeutral = new NeutralTest();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> toNeutral(notNeutral, OURS));
        assertTrue(e.getMessage(), e.getMessage().contains("is not neutral data") && e.getMessage().contains("override exportState"));
    }

    @Test
    public void aStructOfAClassTheCodeDoesNotHaveStaysAStruct() {
        Struct gone = new Struct("no.such.Type", Map.of("items", List.of(new Struct(Colour.class.getName(), Map.of("name", "RED")))));
        assertEquals("a struct with no class here stays neutral; what is inside is rebuilt where it can be",
                new Struct("no.such.Type", Map.of("items", List.of(Colour.RED))), fromNeutral(gone, Object.class, OURS));
    }

    @Test
    public void theDefaultMigrationNotesDroppedAndDefaultedFields() {
        MigrationNotes.OneProcess notes = new MigrationNotes.OneProcess();
        Struct old = new Struct(Cart.class.getName(), Map.of("id", 1L, "items", List.of(), "tags", Map.of(), "gone", 3));
        Neutral.fromNeutral(old, CartV2.class, name -> null, notes);
        MigrationNotes all = new MigrationNotes();
        all.add(notes);
        all.add(notes);
        assertEquals(Map.of("Cart.gone", 2), all.dropped());
        assertEquals(Map.of("CartV2.added", 2, "CartV2.flag", 2), all.defaulted());
    }

    @Test
    public void theStateTypeIsReadFromTheBehavioursDeclaration() {
        assertEquals(Cart.class, Neutral.stateType(CartBehaviour.class));
        assertEquals(Object.class, Neutral.stateType(Raw.class));
    }

    static final class CartBehaviour implements dev.molt.api.Behaviour<Cart> {
        @Override
        public Cart init(dev.molt.api.ProcessContext c, Object a) {
            return null;
        }

        @Override
        public Cart handle(dev.molt.api.ProcessContext c, Cart s, Object m) {
            return s;
        }
    }

    @SuppressWarnings("rawtypes")
    static final class Raw implements dev.molt.api.Behaviour {
        @Override
        public Object init(dev.molt.api.ProcessContext c, Object a) {
            return null;
        }

        @Override
        public Object handle(dev.molt.api.ProcessContext c, Object s, Object m) {
            return s;
        }
    }
}
