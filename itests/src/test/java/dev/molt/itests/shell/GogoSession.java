package dev.molt.itests.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;

/**
 * One real Gogo session, as a console has: commands go through Gogo's parser, its command
 * lookup and argument coercion, and what the commands print is captured per command.
 */
final class GogoSession implements AutoCloseable {

    /** What one command printed on the session's out and err streams. */
    record Printed(String command, String out, String err) {

        /** The single error line, after checking that the command printed nothing else. */
        String error() {
            if (!out.isEmpty() || err.isEmpty() || err.strip().contains("\n")) {
                throw new AssertionError("expected exactly one error line from '" + command + "', got out=[" + out
                        + "] err=[" + err + "]");
            }
            return err.strip();
        }

        /** The output, after checking that there was no error. */
        String ok() {
            if (!err.isEmpty()) {
                throw new AssertionError("'" + command + "' failed: " + err);
            }
            return out;
        }

        @Override
        public String toString() {
            return "g! " + command + "\n" + out + err;
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandSession session;

    GogoSession(CommandProcessor processor) {
        session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** Runs one command line; an exception Gogo itself throws (command not found...) is rethrown. */
    Printed run(String command) throws Exception {
        out.reset();
        err.reset();
        session.execute(command);
        session.getConsole().flush();
        Printed printed = new Printed(command, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(printed);
        return printed;
    }

    /** Runs a command that must succeed, and returns what it printed. */
    String ok(String command) throws Exception {
        return run(command).ok();
    }

    /** Runs a command that must fail with one line, and returns that line. */
    String error(String command) throws Exception {
        return run(command).error();
    }

    @Override
    public void close() {
        session.close();
    }
}
