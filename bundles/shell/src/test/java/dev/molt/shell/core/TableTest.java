package dev.molt.shell.core;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class TableTest {

    @Test
    public void columnsAlignNumbersRightAndEmptyCellsShowADash() {
        Table t = new Table("ID>", "NAME", "HANDLED>")
                .row(1, "c1", 3)
                .row(12, null, 1045);
        assertEquals(""
                + "ID  NAME  HANDLED\n"
                + " 1  c1          3\n"
                + "12  -        1045\n", t.toString());
    }

    @Test
    public void aTableWithNoRowsIsItsHeader() {
        assertEquals("ID  NAME\n", new Table("ID>", "NAME").toString());
    }
}
