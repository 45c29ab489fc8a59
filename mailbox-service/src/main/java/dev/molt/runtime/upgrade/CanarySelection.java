package dev.molt.runtime.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.molt.api.ProcessException;
import dev.molt.runtime.process.Proc;

/**
 * Which processes a canary moves first: {@code N%} of them (rounded up), a count {@code N}, or the
 * processes whose names match a glob ({@code *} any run of characters, {@code ?} one). Processes
 * are taken in pid order, so the choice is the same every time.
 */
final class CanarySelection {

    private CanarySelection() {
    }

    static List<Proc> select(List<Proc> byPid, String selection) {
        String s = selection == null ? "" : selection.strip();
        if (s.isEmpty()) {
            throw bad(selection);
        }
        if (s.endsWith("%")) {
            double pct = number(s.substring(0, s.length() - 1), selection);
            if (pct <= 0 || pct > 100) {
                throw bad(selection);
            }
            int n = (int) Math.ceil(byPid.size() * pct / 100.0);
            return byPid.subList(0, Math.min(n, byPid.size()));
        }
        if (s.chars().allMatch(Character::isDigit)) {
            long n = (long) number(s, selection);
            if (n <= 0) {
                throw bad(selection);
            }
            return byPid.subList(0, (int) Math.min(n, byPid.size()));
        }
        Pattern glob = glob(s);
        List<Proc> out = new ArrayList<>();
        for (Proc p : byPid) {
            if (p.name().filter(n -> glob.matcher(n).matches()).isPresent()) {
                out.add(p);
            }
        }
        return out;
    }

    private static double number(String t, String selection) {
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw bad(selection);
        }
    }

    private static Pattern glob(String g) {
        StringBuilder re = new StringBuilder();
        for (char c : g.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    static ProcessException bad(String selection) {
        return new ProcessException("'" + selection + "' is not a canary selection: give a share (10%), a count (5),"
                + " or a glob on process names (shard-1*)");
    }
}
