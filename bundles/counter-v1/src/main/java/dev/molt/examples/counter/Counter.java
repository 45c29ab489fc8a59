package dev.molt.examples.counter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

import dev.molt.api.Behaviour;
import dev.molt.api.ExitReason;
import dev.molt.api.MoltBehaviour;
import dev.molt.api.ProcessContext;
import dev.molt.api.Struct;

/**
 * Counter 1.0.0: counts what it is sent.
 *
 * <p>Messages (all plain values, so they can be typed in the shell):
 * a number adds it; {@code inc} adds 1; {@code get} (a call) replies the count; {@code version}
 * (a call) replies the version of the code that handles it; a list {@code [sender, seq]} counts
 * one sequenced message and checks that each sender's numbers come in order; {@code crash}
 * throws; {@code sleep:MS} blocks the handler for MS milliseconds; {@code stop} stops normally.
 */
@Component(service = Behaviour.class)
@MoltBehaviour("counter")
public final class Counter implements Behaviour<Counter.State> {

    /**
     * @param count      what was counted
     * @param lastSeq    per sender, the last sequence number seen
     * @param outOfOrder sequenced messages that did not follow their sender's previous one
     */
    public record State(long count, Map<String, Long> lastSeq, long outOfOrder) {
    }

    @Override
    public State init(ProcessContext context, Object argument) {
        long start = argument instanceof Number n ? n.longValue() : 0;
        return new State(start, new HashMap<>(), 0);
    }

    @Override
    public State handle(ProcessContext context, State s, Object message) throws Exception {
        if (message instanceof Number n) {
            return new State(s.count() + n.longValue(), s.lastSeq(), s.outOfOrder());
        }
        if (message instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Number seq) {
            String sender = String.valueOf(l.get(0));
            Long last = s.lastSeq().put(sender, seq.longValue());
            boolean inOrder = seq.longValue() == (last == null ? 1 : last + 1);
            return new State(s.count() + 1, s.lastSeq(), s.outOfOrder() + (inOrder ? 0 : 1));
        }
        String m = String.valueOf(message);
        switch (m) {
            case "inc":
                return new State(s.count() + 1, s.lastSeq(), s.outOfOrder());
            case "get":
                context.reply(s.count());
                return s;
            case "version":
                context.reply(context.version());
                return s;
            case "crash":
                throw new IllegalStateException("crash requested");
            case "stop":
                context.stop(ExitReason.NORMAL);
                return s;
            default:
                if (m.startsWith("sleep:")) {
                    Thread.sleep(Long.parseLong(m.substring(6)));
                    return s;
                }
                if (context.isCall()) {
                    context.replyLater().fail("counter does not understand " + m
                            + "; send a number, inc, get, version, [sender, seq], crash, sleep:MS or stop");
                }
                return s;
        }
    }

    /** From 2.x (a downgrade): 2.0.0 renamed count to total. */
    @Override
    public State importState(ProcessContext context, String fromVersion, Object neutral) {
        Object data = neutral;
        if (!fromVersion.startsWith("1.") && neutral instanceof Struct s && s.fields().containsKey("total")) {
            data = s.rename("total", "count");
        }
        return context.fromNeutral(data, State.class);
    }
}
