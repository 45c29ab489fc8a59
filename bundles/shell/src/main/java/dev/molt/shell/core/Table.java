package dev.molt.shell.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Aligned text columns for people and scripts: one header line, one line per row, columns
 * separated by two blanks, no blank inside an empty cell (it shows as {@code -}), numbers
 * aligned to the right. Not thread-safe; build one per command.
 */
final class Table {

    private final String[] headers;
    private final boolean[] right;
    private final List<String[]> rows = new ArrayList<>();

    /** Headers; a header ending in {@code >} marks a right-aligned column (the mark is dropped). */
    Table(String... headers) {
        this.headers = new String[headers.length];
        this.right = new boolean[headers.length];
        for (int i = 0; i < headers.length; i++) {
            right[i] = headers[i].endsWith(">");
            this.headers[i] = right[i] ? headers[i].substring(0, headers[i].length() - 1) : headers[i];
        }
    }

    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("a row of " + cells.length + " cells for " + headers.length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String s = cells[i] == null ? "" : String.valueOf(cells[i]);
            row[i] = s.isBlank() ? "-" : s.replace('\n', ' ');
        }
        rows.add(row);
        return this;
    }

    @Override
    public String toString() {
        int[] width = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            width[i] = headers[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width);
        for (String[] row : rows) {
            line(sb, row, width);
        }
        return sb.toString();
    }

    private void line(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append("  ");
            }
            String pad = " ".repeat(width[i] - cells[i].length());
            line.append(right[i] ? pad + cells[i] : cells[i] + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
