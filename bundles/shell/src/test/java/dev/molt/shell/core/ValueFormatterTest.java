package dev.molt.shell.core;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.Test;

import dev.molt.api.Struct;

public class ValueFormatterTest {

    private static Struct state(Object... kv) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            fields.put((String) kv[i], kv[i + 1]);
        }
        return new Struct("dev.molt.examples.counter.Counter$State", fields);
    }

    @Test
    public void structsShowTheirSimpleTypeAndFields() {
        assertEquals("State{count=3, lastSeq={}, outOfOrder=0}",
                ValueFormatter.format(state("count", 3, "lastSeq", Map.of(), "outOfOrder", 0)));
    }

    @Test
    public void stringsAreQuotedOnlyWhenTheyWouldReadAsSomethingElse() {
        assertEquals("[inc, \"5\", \"a b\", 1.0.0, \"\", \"null\", null]",
                ValueFormatter.format(java.util.Arrays.asList("inc", "5", "a b", "1.0.0", "", "null", null)));
    }

    @Test
    public void prettyKeepsShortValuesOnOneLine() {
        Struct s = state("total", 3, "history", List.of());
        assertEquals("State{total=3, history=[]}", ValueFormatter.pretty(s, 72));
    }

    @Test
    public void prettyBreaksLongValuesOneElementPerLine() {
        Struct migration = new Struct("x.Migration", Map.of("from", "1.0.0"));
        Struct s = state("total", 12, "history", List.of(migration, migration));
        assertEquals("State{\n"
                + "  total=12,\n"
                + "  history=[Migration{from=1.0.0}, Migration{from=1.0.0}]\n"
                + "}", ValueFormatter.pretty(s, 57));
        assertEquals("State{\n"
                + "  total=12,\n"
                + "  history=[\n"
                + "    Migration{from=1.0.0},\n"
                + "    Migration{from=1.0.0}\n"
                + "  ]\n"
                + "}", ValueFormatter.pretty(s, 30));
    }
}
