package dev.molt.runtime.process;

/** Values and failures as one line of text, for errors and logs; none of these ever throws. */
public final class Texts {

    private Texts() {
    }

    /** A message or state as text; a user's toString may throw, and then its class is named instead. */
    public static String describe(Object value) {
        try {
            return abbreviate(String.valueOf(value));
        } catch (Throwable t) {
            return value.getClass().getName() + " (its toString threw " + t.getClass().getSimpleName() + ")";
        }
    }

    public static String abbreviate(String s) {
        s = s.replace('\n', ' ');
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    public static String oneLine(Throwable t) {
        try {
            return abbreviate(t.toString());
        } catch (Throwable again) {
            return t.getClass().getName();
        }
    }
}
