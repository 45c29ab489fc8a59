package dev.molt.api;

/**
 * Why a process ended, as monitors and links see it.
 *
 * <p>Only text is kept of a crash (the exception's class, message and stack trace), never
 * the exception object: an exception class from a behaviour bundle would otherwise keep that
 * bundle's class loader alive after an upgrade.
 *
 * @param kind   the category of the exit
 * @param detail a readable explanation; empty for {@link Kind#NORMAL}
 */
public record ExitReason(Kind kind, String detail) {

    /** Categories, after Erlang's {@code normal}, {@code shutdown}, {@code killed}, errors. */
    public enum Kind {
        /** The behaviour asked to stop, or was stopped politely, and finished cleanly. */
        NORMAL,
        /** Stopped by an operator or the runtime shutting down; {@code terminate} ran. */
        SHUTDOWN,
        /** Killed; {@code terminate} did not run, queued messages were dropped. */
        KILLED,
        /** A callback threw or returned something it may not return. */
        ERROR,
        /** A linked process ended abnormally and this one did not trap exits. */
        LINKED,
        /** The process did not exist when it was monitored or called. */
        NOPROC,
        /**
         * The process is on another node, and that node left this node's view of the cluster (it
         * crashed, was stopped, or a partition cut it off): whether the process still runs there is
         * not known, as with Erlang's {@code noconnection}.
         */
        NOCONNECTION
    }

    public static final ExitReason NORMAL = new ExitReason(Kind.NORMAL, "");
    public static final ExitReason SHUTDOWN = new ExitReason(Kind.SHUTDOWN, "shutdown");
    public static final ExitReason NOPROC = new ExitReason(Kind.NOPROC, "no such process");

    public ExitReason {
        if (kind == null) {
            throw new IllegalArgumentException("an exit reason needs a kind");
        }
        detail = detail == null ? "" : detail;
    }

    /** The reason a watcher of a process on {@code node} is told when that node leaves the view. */
    public static ExitReason noconnection(String node) {
        return new ExitReason(Kind.NOCONNECTION, "node " + node + " left the cluster");
    }

    /** A kill with a reason an operator gave. */
    public static ExitReason killed(String why) {
        return new ExitReason(Kind.KILLED, why == null || why.isBlank() ? "killed" : why);
    }

    /** An error exit describing {@code failure} by text only (see the class comment). */
    public static ExitReason error(String where, Throwable failure) {
        StringBuilder sb = new StringBuilder(where).append(": ").append(failure);
        StackTraceElement[] trace = failure.getStackTrace();
        for (int i = 0; i < Math.min(trace.length, 8); i++) {
            sb.append("\n\tat ").append(trace[i]);
        }
        return new ExitReason(Kind.ERROR, sb.toString());
    }

    /** An error exit with a plain explanation. */
    public static ExitReason error(String detail) {
        return new ExitReason(Kind.ERROR, detail);
    }

    /** Normal and shutdown exits do not propagate over links. */
    public boolean isAbnormal() {
        return kind != Kind.NORMAL && kind != Kind.SHUTDOWN;
    }

    /** The first line of {@link #detail()} without the kind: what happened, in words. */
    public String firstLine() {
        int nl = detail.indexOf('\n');
        String first = nl < 0 ? detail : detail.substring(0, nl);
        return first.isEmpty() ? kind.name().toLowerCase() : first;
    }

    /** The first line of {@link #detail()}, for tables. */
    public String summary() {
        int nl = detail.indexOf('\n');
        String first = nl < 0 ? detail : detail.substring(0, nl);
        return first.isEmpty() ? kind.name().toLowerCase() : kind.name().toLowerCase() + ": " + first;
    }

    @Override
    public String toString() {
        return summary();
    }
}
