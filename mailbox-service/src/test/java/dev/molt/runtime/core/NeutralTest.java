package dev.molt.runtime.core;

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

    @Test
    public void recordsAndEnumsBecomeStructsAndComeBack() {
        Cart c = new Cart(9, List.of(new Item("pen", 2, Colour.RED)), Map.of("a", 1L));
        Object n = Neutral.toNeutral(c, OURS);
        Struct s = (Struct) n;
        assertEquals(Cart.class.getName(), s.type());
        Struct item = (Struct) ((List<?>) s.get("items")).get(0);
        assertEquals(new Struct(Colour.class.getName(), Map.of("name", "RED")), item.get("colour"));
        assertEquals(c, Neutral.fromNeutral(n, Cart.class, OURS));
        assertEquals(c, Neutral.fromNeutral(n, Object.class, OURS));
        assertTrue(Neutral.references(c, OURS));
        assertTrue(!Neutral.references(n, OURS));
    }

    @Test
    public void newComponentsGetEmptyDefaultsAndMatchingOnesAreCopied() {
        Cart c = new Cart(9, List.of(), Map.of());
        CartV2 v2 = (CartV2) Neutral.fromNeutral(Neutral.toNeutral(c, OURS), CartV2.class, OURS);
        assertEquals(new CartV2(9, List.of(), Map.of(), List.of(), false), v2);
    }

    @Test
    public void numbersNarrowOnlyWhenTheyFit() {
        assertEquals(new Narrow(5), Neutral.fromNeutral(new Struct("x", Map.of("id", 5L)), Narrow.class, OURS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Neutral.fromNeutral(new Struct("x", Map.of("id", 1L << 40)), Narrow.class, OURS));
        assertTrue(e.getMessage(), e.getMessage().contains("Narrow.id") && e.getMessage().contains("does not fit in int"));
    }

    @Test
    public void jdkValuesAndOtherBundlesTypesPassAsTheyAre() {
        Pid pid = new Pid(3);
        ClassLoader behaviours = new ClassLoader(null) {
        };
        assertSame(pid, Neutral.toNeutral(pid, behaviours)); // a record of another loader: left alone
        assertEquals(new Struct(Pid.class.getName(), Map.of("id", 3L)), Neutral.toNeutral(pid, OURS));
        assertEquals(List.of(1, "a", true), Neutral.toNeutral(new ArrayList<>(List.of(1, "a", true)), OURS));
    }

    @Test
    public void aClassThatIsNeitherRecordNorEnumIsRefusedWithAClearError() {
        Object notNeutral = new NeutralTest();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Neutral.toNeutral(notNeutral, OURS));
        assertTrue(e.getMessage(), e.getMessage().contains("is not neutral data") && e.getMessage().contains("override exportState"));
    }

    @Test
    public void aStructOfAClassThatIsGoneSaysWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Neutral.fromNeutral(new Struct("no.such.Type", Map.of()), Object.class, OURS));
        assertTrue(e.getMessage(), e.getMessage().contains("does not exist in this version"));
    }

    @Test
    public void theStateTypeIsReadFromTheBehavioursDeclaration() {
        assertEquals(UpgradeTest.Count.class, Neutral.stateType(UpgradeTest.V1.class));
        assertEquals(List.class, Neutral.stateType(Echo.class));
    }
}
