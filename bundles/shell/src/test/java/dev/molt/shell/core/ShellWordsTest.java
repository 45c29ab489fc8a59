package dev.molt.shell.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.List;

import org.junit.Test;

public class ShellWordsTest {

    @Test
    public void blanksSplitWordsExceptInsideQuotesAndBrackets() {
        assertEquals(List.of("proc:send", "c1", "[post, alice, 'hello bob']"),
                ShellWords.split("proc:send c1 [post, alice, 'hello bob']"));
        assertEquals(List.of("proc:send", "c1", "Post{from=alice, text='hello bob'}"),
                ShellWords.split("proc:send  c1\tPost{from=alice, text='hello bob'}"));
        assertEquals(List.of("send", "'a b'", "\"c \\\" d\"", "'<4>'"), ShellWords.split("send 'a b' \"c \\\" d\" '<4>'"));
    }

    @Test
    public void aLineTheConsoleWouldRewriteIsRefused() {
        for (String line : List.of("proc:send c1 $x", "proc:ps | grep c1", "a; b", "proc:ps > f", "send <4> 1",
                "send c1 'open", "send c1 [a", "send c1 a]", "kill c1 *")) {
            assertNull(line, ShellWords.split(line));
        }
        assertEquals(List.of("send", "'$x | y'"), ShellWords.split("send '$x | y'"));
    }

    @Test
    public void unquotingTakesAwayTheConsolesQuotes() {
        assertTrue(ShellWords.isQuoted("'a b'"));
        assertTrue(ShellWords.isQuoted("\"a \\\" b\""));
        assertFalse(ShellWords.isQuoted("'a' b'"));
        assertFalse(ShellWords.isQuoted("[a, 'b']"));
        assertEquals("a b", ShellWords.unquote("'a b'"));
        assertEquals("a \" b", ShellWords.unquote("\"a \\\" b\""));
        assertEquals("ab c", ShellWords.unquote("a'b c'"));
        assertEquals("", ShellWords.unquote("''"));
    }
}
