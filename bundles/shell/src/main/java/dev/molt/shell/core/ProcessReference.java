package dev.molt.shell.core;

import java.math.BigInteger;
import java.util.regex.Pattern;

import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;

/**
 * Reads the process an operator names: a pid, typed bare ({@code 42}) or quoted ({@code '<42>'},
 * since Gogo reads a bare {@code <} as a redirection), or a registered name. The messages say
 * the forms that work at the prompt.
 */
final class ProcessReference {

    /** How to type a pid, for messages. */
    static final String PID_FORMS = "type a pid bare (42) or quoted ('<42>')";

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private ProcessReference() {
    }

    /**
     * The live process {@code text} names.
     *
     * @throws IllegalArgumentException   if it is neither a pid nor a name
     * @throws NoSuchProcessException     if no live process has that pid or name
     */
    static Pid resolve(ProcessRuntime runtime, String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no process given: " + PID_FORMS + ", or a name; proc:ps lists the live ones");
        }
        // A name starts with a letter or '_', so a digit, sign or '<' first means a pid was meant.
        char first = t.charAt(0);
        if ((first == '<' || Character.isDigit(first)) && t.contains("@")) {
            try {
                return runtime.resolve(t); // a pid on another node: the cluster knows its incarnation
            } catch (NoSuchProcessException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
        }
        if (first == '<' || first == '-' || first == '+' || Character.isDigit(first)) {
            Pid pid = parsePid(t);
            if (runtime.info(pid).isEmpty()) {
                throw new NoSuchProcessException("no live process has pid " + pid.id() + "; list live processes with proc:ps");
            }
            return pid;
        }
        return runtime.whereis(t).orElseGet(() -> runtime.resolve(t)); // then the cluster's global names, if any
    }

    private static Pid parsePid(String t) {
        String digits = t.startsWith("<") && t.endsWith(">") ? t.substring(1, t.length() - 1).strip() : t;
        if (WHOLE_NUMBER.matcher(digits).matches()) {
            BigInteger n = new BigInteger(digits);
            if (n.signum() > 0 && n.compareTo(MAX) <= 0) {
                return new Pid(n.longValue());
            }
        }
        throw new IllegalArgumentException("'" + t + "' is not a pid: a pid is a whole number from 1 to " + Long.MAX_VALUE
                + "; " + PID_FORMS + ", and proc:ps lists the live ones");
    }
}
