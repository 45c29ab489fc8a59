package dev.molt.runtime.code;

import dev.molt.api.ProcessException;

/**
 * An OSGi version range such as {@code [1.0,3.0)} or a bare version {@code 1.2} (meaning "1.2 and
 * later"): the versions a behaviour declares it can import state from.
 *
 * @param floor          the lowest version in the range
 * @param floorIncluded  whether {@code floor} itself is in
 * @param ceiling        the highest, or null for no upper bound
 * @param ceilingIncluded whether {@code ceiling} itself is in
 * @param text           the range as written
 */
public record VersionRange(String floor, boolean floorIncluded, String ceiling, boolean ceilingIncluded, String text) {

    /**
     * Parses a range as OSGi writes them.
     *
     * @throws ProcessException naming the text and the form expected
     */
    public static VersionRange parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw bad(text);
        }
        char first = t.charAt(0);
        if (first != '[' && first != '(') {
            checkVersion(t, text);
            return new VersionRange(t, true, null, false, t);
        }
        char last = t.charAt(t.length() - 1);
        int comma = t.indexOf(',');
        if ((last != ']' && last != ')') || comma < 0) {
            throw bad(text);
        }
        String lo = t.substring(1, comma).strip();
        String hi = t.substring(comma + 1, t.length() - 1).strip();
        checkVersion(lo, text);
        checkVersion(hi, text);
        if (Versions.compare(lo, hi) > 0) {
            throw bad(text);
        }
        return new VersionRange(lo, first == '[', hi, last == ']', t);
    }

    public boolean includes(String version) {
        int lo = Versions.compare(version, floor);
        if (lo < 0 || (lo == 0 && !floorIncluded)) {
            return false;
        }
        if (ceiling == null) {
            return true;
        }
        int hi = Versions.compare(version, ceiling);
        return hi < 0 || (hi == 0 && ceilingIncluded);
    }

    private static void checkVersion(String v, String text) {
        if (!v.matches("\\d+(\\.\\d+){0,2}(\\.[\\w-]+)?")) {
            throw bad(text);
        }
    }

    private static ProcessException bad(String text) {
        return new ProcessException("'" + text + "' is not a version range: write it as OSGi does, e.g. [1.0,3.0) or 1.2");
    }

    @Override
    public String toString() {
        return text;
    }
}
