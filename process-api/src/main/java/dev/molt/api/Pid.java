package dev.molt.api;

/**
 * A process identifier, unique for the life of a runtime and never reused.
 *
 * <p>Printed and parsed as {@code <42>}; the bare number is accepted too.
 *
 * @param id the process number, at least 1
 */
public record Pid(long id) implements Comparable<Pid> {

    public Pid {
        if (id < 1) {
            throw new IllegalArgumentException("a pid is a positive number, got " + id);
        }
    }

    /**
     * Parses {@code <42>} or {@code 42}.
     *
     * @throws IllegalArgumentException naming the text when it is not a pid
     */
    public static Pid parse(String text) {
        String t = text.strip();
        if (t.startsWith("<") && t.endsWith(">")) {
            t = t.substring(1, t.length() - 1);
        }
        try {
            return new Pid(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a pid: type it as a number (42), or quoted ('<42>')");
        }
    }

    @Override
    public int compareTo(Pid o) {
        return Long.compare(id, o.id);
    }

    @Override
    public String toString() {
        return "<" + id + ">";
    }
}
