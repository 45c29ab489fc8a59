package dev.molt.runtime.handover;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.molt.api.ExitReason;
import dev.molt.api.MonitorRef;
import dev.molt.api.Pid;
import dev.molt.runtime.process.Successor;
import dev.molt.runtime.process.SystemMessage;

/**
 * The outgoing runtime's side of a hand-over: what reaches its processes after they exported
 * themselves, kept in order until the incoming revision {@link #attach}es, then passed straight to it.
 * Every entry is an {@code Object[]} of JDK and API values ({@link #KIND}, {@link #PID}, {@link #A},
 * {@link #B}), because the incoming revision sees no class of this one.
 *
 * <p>Thread rule: any thread; every entry is passed under this object's monitor, and {@link #attach}
 * hands over what was kept under the same monitor before it lets anything through, so one sender's
 * entries arrive in the order it made them, and after everything the image holds.
 */
public final class Relay implements Successor {

    public static final int KIND = 0;
    public static final int PID = 1;
    public static final int A = 2;
    public static final int B = 3;

    public static final String SEND = "send";
    public static final String CALL = "call";
    public static final String STOP = "stop";
    public static final String KILL = "kill";
    public static final String EXIT = "exit";
    public static final String STATE = "state";
    public static final String MONITOR = "monitor";
    public static final String LINK = "link";
    public static final String DEMONITOR = "demonitor";
    public static final String UNLINK = "unlink";
    public static final String WATCH = "watch";
    public static final String TIMER = "timer";
    /** A process that was in a handler when the image was made, exported since (A: its record). */
    public static final String LATE = "late";
    /** A process that was in a handler when the image was made, and ended there (A: its exit reason). */
    public static final String ENDED = "ended";

    private final List<Object[]> kept = new ArrayList<>();
    private Consumer<Object[]> sink;

    /** Where a timer's ref future goes in an entry: after the values, so that a conversion leaves it as it is. */
    public static final int REF = 4;

    private void pass(String kind, Pid pid, Object a, Object b) {
        pass(new Object[] {kind, pid.id(), a, b});
    }

    private synchronized void pass(Object[] e) {
        if (sink != null) {
            sink.accept(e);
        } else {
            kept.add(e);
        }
    }

    /** The incoming revision takes over: what was kept goes to {@code to} first, then everything else as it comes. */
    public synchronized void attach(Consumer<Object[]> to) {
        for (Object[] e : kept) {
            to.accept(e);
        }
        kept.clear();
        sink = to;
    }

    @Override
    public void send(Pid to, Object message) {
        pass(SEND, to, message, null);
    }

    @Override
    public void call(Pid to, Object message, CompletableFuture<Object> reply) {
        pass(CALL, to, message, reply);
    }

    @Override
    public void signal(Pid to, SystemMessage s) {
        if (s instanceof SystemMessage.Stop st) {
            pass(STOP, to, st.reason(), null);
        } else if (s instanceof SystemMessage.Kill k) {
            pass(KILL, to, k.reason(), null);
        } else if (s instanceof SystemMessage.LinkExit le) {
            pass(EXIT, to, le.from(), le.reason());
        } else if (s instanceof SystemMessage.GetState g) {
            pass(STATE, to, g.result(), null);
        }
    }

    @Override
    public void monitor(Pid target, MonitorRef ref, Pid watcher) {
        pass(MONITOR, target, ref.id(), watcher.id());
    }

    @Override
    public void link(Pid target, Pid other) {
        pass(LINK, target, other.id(), null);
    }

    @Override
    public void demonitor(Pid target, MonitorRef ref) {
        pass(DEMONITOR, target, ref.id(), null);
    }

    @Override
    public void unlink(Pid target, Pid other) {
        pass(UNLINK, target, other.id(), null);
    }

    @Override
    public void watch(Pid target, CompletableFuture<ExitReason> watch) {
        pass(WATCH, target, watch, null);
    }

    @Override
    public void timer(Pid to, Object message, long leftNanos, CompletableFuture<Object> ref) {
        pass(new Object[] {TIMER, to.id(), message, leftNanos, ref});
    }

    /** A straggler's record, exported after the image was made. */
    void late(Pid pid, Object[] record) {
        pass(LATE, pid, record, null);
    }

    /** A straggler ended in its handler before it could export. */
    void ended(Pid pid, ExitReason reason) {
        pass(ENDED, pid, reason, null);
    }
}
