package dev.molt.testkit;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * Records every warning and error logged in the container while it is open, so that a test can
 * fail on a log line nobody expected.
 *
 * <p>How it sees the runtime's log: the runtime logs through {@code System.Logger}. In plain
 * Felix no bundle provides a {@code System.LoggerFinder}, so the JDK's default finder hands those
 * records to {@code java.util.logging}, whose {@code LogManager} is one per JVM; Pax Exam's native
 * container runs the framework in the test's JVM. A {@link Handler} added to the root JUL logger
 * therefore receives every record at {@code WARNING} or above from the runtime (logger
 * {@code dev.molt.runtime}), from behaviours that log the same way, and from anything else using
 * JUL. Framework errors and warnings (a bundle that failed to start, an exception in a listener)
 * come as {@link FrameworkEvent}s and are recorded too. Under Karaf or with a LoggerFinder bundle
 * installed, System.Logger goes elsewhere and this sees nothing of it.
 *
 * <p>An entry keeps text only: a record's exception or parameters could be objects of an old
 * bundle revision, and holding them would keep that revision's class loader alive.
 */
public final class LogCapture implements AutoCloseable {

    /** One warning or error: its level, where it came from, and the message with any stack trace. */
    public record Entry(String level, String source, String message) {
        @Override
        public String toString() {
            return level + " " + source + ": " + message;
        }
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<Predicate<Entry>> expected = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                String message = r.getMessage();
                if (r.getParameters() != null && message != null) {
                    message = java.text.MessageFormat.format(message, r.getParameters());
                }
                entries.add(new Entry(r.getLevel() == Level.WARNING ? "WARNING" : "ERROR",
                        String.valueOf(r.getLoggerName()), message + stackTrace(r.getThrown())));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final BundleContext context;
    private final FrameworkListener frameworkListener = event -> {
        int type = event.getType();
        if (type == FrameworkEvent.ERROR || type == FrameworkEvent.WARNING) {
            entries.add(new Entry(type == FrameworkEvent.ERROR ? "ERROR" : "WARNING",
                    "framework (bundle " + event.getBundle().getSymbolicName() + ")",
                    String.valueOf(event.getThrowable()) + stackTrace(event.getThrowable())));
        }
    };

    private LogCapture(BundleContext context) {
        this.context = context;
    }

    /** Starts recording; close it when done (a handler left on the root logger outlives the test). */
    public static LogCapture start(BundleContext context) {
        LogCapture capture = new LogCapture(context);
        capture.handler.setLevel(Level.WARNING);
        capture.root.addHandler(capture.handler);
        if (context != null) {
            context.addFrameworkListener(capture.frameworkListener);
        }
        return capture;
    }

    /** Declares that entries whose text (level, source, message) matches {@code regex} are expected. */
    public LogCapture expect(String regex) {
        Pattern p = Pattern.compile(regex, Pattern.DOTALL);
        expected.add(e -> p.matcher(e.toString()).find());
        return this;
    }

    /** Every warning and error recorded so far. */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The entries that no {@link #expect} matches. */
    public List<Entry> unexpected() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (expected.stream().noneMatch(p -> p.test(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Fails if anything unexpected was logged at WARNING or above. */
    public void assertNothingUnexpected() {
        List<Entry> unexpected = unexpected();
        if (!unexpected.isEmpty()) {
            StringBuilder b = new StringBuilder(unexpected.size() + " unexpected warning(s) or error(s) were logged"
                    + " (declare expected ones with expectLog):");
            for (Entry e : unexpected) {
                b.append("\n  ").append(e);
            }
            throw new AssertionError(b.toString());
        }
    }

    @Override
    public void close() {
        root.removeHandler(handler);
        if (context != null) {
            try {
                context.removeFrameworkListener(frameworkListener);
            } catch (IllegalStateException stopped) {
                // The framework is shutting down: its listeners go with it.
            }
        }
    }

    private static String stackTrace(Throwable t) {
        if (t == null) {
            return "";
        }
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return "\n" + w;
    }
}
