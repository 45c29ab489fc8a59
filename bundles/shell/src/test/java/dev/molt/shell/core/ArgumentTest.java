package dev.molt.shell.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.molt.api.Struct;

public class ArgumentTest {

    @Test
    public void aTypedWordQuotedAsAWholeIsText() {
        assertEquals("5", Argument.typed("'5'").value());
        assertEquals("true", Argument.typed("\"true\"").value());
        assertEquals("hello bob", Argument.typed("'hello bob'").value());
        assertEquals("", Argument.typed("''").value());
    }

    @Test
    public void insideQuotesTheNotationStillReadsListsMapsAndRecords() {
        assertEquals(List.of("b", 1), Argument.typed("'[b, 1]'").value());
        assertEquals(Map.of("k", "v"), Argument.typed("'{k=v}'").value());
        assertEquals(new Struct("Post", Map.of("text", "hi there")), Argument.typed("'Post{text=\"hi there\"}'").value());
        assertEquals("5", Argument.typed("'\"5\"'").value());
    }

    @Test
    public void anUnquotedTypedWordIsReadByTheValueParser() {
        assertEquals(List.of("post", "alice", "hello bob"), Argument.typed("[post, alice, 'hello bob']").value());
        assertEquals(new BigInteger("99999999999999999999999999"), Argument.typed("99999999999999999999999999").value());
        assertEquals(5, Argument.typed("5").value());
        assertEquals(5L, Argument.typed("5L").value());
    }

    @Test
    public void consoleValuesAreTakenAsTheConsoleMadeThem() {
        assertEquals(5, Argument.evaluated(5L).value());
        assertEquals(1.0E26, Argument.evaluated(1.0E26).value());
        assertEquals(List.of("a", "hello bob"), Argument.evaluated(List.of("a", "hello bob")).value());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Argument.evaluated(Double.POSITIVE_INFINITY).value());
        assertEquals(true, e.getMessage().contains("beyond the range of a double"));
    }

    @Test
    public void optionsAreUnquotedWordsWithTwoDashes() {
        assertEquals("--name", Argument.typed("--name").optionName());
        assertEquals("--name", Argument.typed("--name=x").optionName());
        assertEquals("x", Argument.typed("--name=x").inlineValue().text());
        assertEquals(null, Argument.typed("'--name'").optionName());
        assertEquals(null, Argument.typed("-1").optionName());
        assertEquals("--name", Argument.evaluated("--name").optionName());
    }
}
