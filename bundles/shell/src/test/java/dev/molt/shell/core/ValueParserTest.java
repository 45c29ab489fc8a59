package dev.molt.shell.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.molt.api.Struct;

public class ValueParserTest {

    @Test
    public void integersAreIntsUntilTheyDoNotFit() {
        assertEquals(42, ValueParser.parse("42"));
        assertEquals(-7, ValueParser.parse(" -7 "));
        assertEquals(2147483648L, ValueParser.parse("2147483648"));
        assertEquals(new BigInteger("99999999999999999999"), ValueParser.parse("99999999999999999999"));
    }

    @Test
    public void anLSuffixMakesALong() {
        assertEquals(5L, ValueParser.parse("5L"));
        assertEquals(-5L, ValueParser.parse("-5l"));
    }

    @Test
    public void aLongThatDoesNotFitIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValueParser.parse("99999999999999999999L"));
        assertTrue(e.getMessage(), e.getMessage().contains("does not fit in a long"));
    }

    @Test
    public void decimalsAreDoubles() {
        assertEquals(1.5, ValueParser.parse("1.5"));
        assertEquals(2000.0, ValueParser.parse("2e3"));
        assertEquals(-0.25, ValueParser.parse("-2.5E-1"));
    }

    @Test
    public void booleans() {
        assertEquals(true, ValueParser.parse("true"));
        assertEquals(false, ValueParser.parse("false"));
        assertEquals("True", ValueParser.parse("True"));
    }

    @Test
    public void otherTextIsAString() {
        assertEquals("inc", ValueParser.parse("inc"));
        assertEquals("sleep:500", ValueParser.parse("sleep:500"));
        assertEquals("1.0.0", ValueParser.parse("1.0.0"));
        assertEquals("hello world", ValueParser.parse("hello world"));
        assertEquals("", ValueParser.parse(""));
    }

    @Test
    public void quotesMakeAStringOfAnything() {
        assertEquals("5", ValueParser.parse("\"5\""));
        assertEquals("true", ValueParser.parse("'true'"));
        assertEquals("a \"b\"\n", ValueParser.parse("\"a \\\"b\\\"\\n\""));
    }

    @Test
    public void lists() {
        assertEquals(List.of("a", 1), ValueParser.parse("[a, 1]"));
        assertEquals(List.of("a", 1), ValueParser.parse("[a 1]"));
        assertEquals(List.of("a", 1), ValueParser.parse("[ a ,1 ]"));
        assertEquals(List.of(), ValueParser.parse("[]"));
        assertEquals(List.of(List.of(1, 2), List.of()), ValueParser.parse("[[1,2],[]]"));
        assertEquals(List.of("a b", 2.5, true), ValueParser.parse("['a b', 2.5, true]"));
    }

    @Test
    public void maps() {
        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put("k", "v");
        expected.put("n", 1);
        expected.put(2, List.of("x"));
        Object parsed = ValueParser.parse("{k=v, n = 1, 2=[x]}");
        assertEquals(expected, parsed);
        assertEquals(List.of("k", "n", 2), List.copyOf(((Map<?, ?>) parsed).keySet()));
        assertEquals(Map.of(), ValueParser.parse("{}"));
        assertEquals(Map.of("a", Map.of("b", 1)), ValueParser.parse("{a={b=1}}"));
    }

    @Test
    public void malformedValuesSayWhereAndHow() {
        for (String bad : List.of("[a, 1", "{k=v", "{k}", "{k=}", "[a,,b]", "[,a]", "[a,]", "\"open",
                "[a] b", "{k=v, k=w}", "[a=b]", "[a]]")) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> ValueParser.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().startsWith("malformed value '" + bad.strip() + "' at position "));
            assertTrue(e.getMessage(), e.getMessage().endsWith("write lists as [a, 1], maps as {k=v}, records as Type{field=v}, quote text as \"a b\""));
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
        }
    }

    @Test
    public void theErrorPointsAtTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValueParser.parse("[a, 1"));
        assertTrue(e.getMessage(), e.getMessage().contains("at position 1: the list has no closing ']'"));
        e = assertThrows(IllegalArgumentException.class, () -> ValueParser.parse("{k v}"));
        assertTrue(e.getMessage(), e.getMessage().contains("at position 4: a map entry needs '=' after its key"));
    }

    @Test
    public void whatTheFormatterWritesReadsBackAsTheSameValue() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("text with blanks", List.of("5", "true", "", "q\"uote", "back\\slash", "null"));
        map.put(7, Arrays.asList(1, 2147483648L, 1.5, -2.0E-9, false, new BigInteger("123456789012345678901234")));
        map.put("nested", Map.of("k", List.of(List.of(), Map.of())));
        map.put("[", "]");
        for (Object v : List.of(map, "plain", "a=b", "with,comma", 3, List.of("x y", "{", "}"))) {
            String text = ValueFormatter.format(v);
            assertEquals(text, v, ValueParser.parse(text));
        }
    }

    @Test
    public void integersBeyondALongAreExactBigIntegers() {
        assertEquals(new BigInteger("99999999999999999999999999"), ValueParser.parse("99999999999999999999999999"));
        assertEquals(List.of(new BigInteger("-99999999999999999999")), ValueParser.parse("[-99999999999999999999]"));
    }

    @Test
    public void aDecimalBeyondADoubleIsAnErrorNotInfinityOrZero() {
        for (String bad : List.of("1e400", "-1e400", "1e-400", "[1e400]")) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> ValueParser.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().contains("is beyond the range of a double"));
            assertTrue(e.getMessage(), e.getMessage().contains("type a whole number for an exact BigInteger"));
        }
        assertEquals(0.0, ValueParser.parse("0e10"));
        assertEquals(1e300, ValueParser.parse("1e300"));
    }

    @Test
    public void aRecordLiteralIsAStructOfTheTypedName() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("from", "alice");
        fields.put("text", "hello bob");
        fields.put("n", 3);
        assertEquals(new Struct("Post", fields), ValueParser.parse("Post{from=alice, text='hello bob', n=3}"));
        assertEquals(new Struct("dev.x.Post", Map.of()), ValueParser.parse("dev.x.Post{}"));
        assertEquals(List.of(new Struct("Pt", Map.of("x", 1)), 2), ValueParser.parse("[Pt{x=1} 2]"));
        assertEquals(new Struct("Box", Map.of("inner", new Struct("Pt", Map.of("x", List.of(1))))),
                ValueParser.parse("Box{inner=Pt{x=[1]}}"));
        assertEquals("Pöst", new Struct("Pöst", Map.of()).type(), ((Struct) ValueParser.parse("Pöst{}")).type());
    }

    @Test
    public void aMalformedRecordSaysWhereAndHow() {
        for (String bad : List.of("Post{from=alice", "Post{from}", "Post{=a}", "Post{a=1, a=2}", "Post{'a'=1}", "[1x{a=1}]")) {
            IllegalArgumentException e = assertThrows(bad, IllegalArgumentException.class, () -> ValueParser.parse(bad));
            assertTrue(e.getMessage(), e.getMessage().startsWith("malformed value '" + bad + "' at position "));
            assertTrue(e.getMessage(), e.getMessage().contains("records as Type{field=v}"));
        }
    }

    @Test
    public void whatTheFormatterWritesOfARecordReadsBackAsTheSameRecord() {
        Struct post = new Struct("Post", new LinkedHashMap<>(Map.of("text", "hello bob")));
        assertEquals(post, ValueParser.parse(ValueFormatter.format(post)));
        assertEquals("\"1e400\"", ValueFormatter.format("1e400"));
        assertEquals("1e400", ValueParser.parse(ValueFormatter.format("1e400")));
    }
}
