package dev.molt.shell.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command line into its words as typed, quotes and brackets included, the way a
 * Gogo console groups them: blanks separate words, except inside quotes and inside
 * {@code [ ]}, <code>{ }</code> and {@code ( )}.
 *
 * <p>Used to read arguments from the text the operator typed rather than from the values the
 * console made of it (Gogo reads {@code 99999999999999999999} as the double 1.0E20 and drops
 * the quotes inside {@code [a, 'b c']}). It only splits: a line whose meaning depends on the
 * console (a variable, a pipe, a redirection, a glob) is refused, so that the console's own
 * reading is used for it.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ShellWords {

    /** Outside quotes, these make the console change the text before a command sees it. */
    private static final String CONSOLE_SYNTAX = "$`|;&<>*?";

    private ShellWords() {
    }

    /**
     * The words of {@code line}, or null if the console would not pass them on as typed:
     * unbalanced quotes or brackets, or any of {@code $ ` | ; & < > * ?} outside quotes.
     */
    public static List<String> split(CharSequence line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                word.append(c);
                if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\\' && i + 1 < line.length()) {
                word.append(c).append(line.charAt(++i));
            } else if (c == '\'' || c == '"') {
                quote = c;
                word.append(c);
            } else if (CONSOLE_SYNTAX.indexOf(c) >= 0) {
                return null;
            } else if (depth == 0 && Character.isWhitespace(c)) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                if (c == '[' || c == '{' || c == '(') {
                    depth++;
                } else if (c == ']' || c == '}' || c == ')') {
                    if (--depth < 0) {
                        return null;
                    }
                }
                word.append(c);
            }
        }
        if (quote != 0 || depth != 0) {
            return null;
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }

    /** Whether the whole word is one quoted string, such as {@code 'a b'} or {@code "x"}. */
    static boolean isQuoted(String word) {
        if (word.length() < 2 || (word.charAt(0) != '\'' && word.charAt(0) != '"')) {
            return false;
        }
        char quote = word.charAt(0);
        for (int i = 1; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '\\' && quote == '"') {
                i++;
            } else if (c == quote) {
                return i == word.length() - 1;
            }
        }
        return false;
    }

    /**
     * The text of a word with the console's quoting taken away, as the console would pass it:
     * single quotes keep everything literally, a backslash escapes the next character outside
     * them.
     */
    static String unquote(String word) {
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    sb.append(c);
                }
            } else if (c == '\\' && i + 1 < word.length()) {
                sb.append(word.charAt(++i));
            } else if (quote == '"' && c == '"') {
                quote = 0;
            } else if (quote == 0 && (c == '\'' || c == '"')) {
                quote = c;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
