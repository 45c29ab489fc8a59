package dev.molt.examples.counter;

import java.util.ArrayList;
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
 * Counter 3.0.0, for tests only: as 2.0.0, but its migration refuses every state whose total is
 * odd, so that an upgrade to it holds some processes and moves the others.
 * Messages are those of 2.0.0.
 */
@Component(service = Behaviour.class)
@MoltBehaviour("counter")
public final class Counter implements Behaviour<Counter.State> {

    /**
     * @param total      what was counted (1.0.0 called it count)
     * @param lastSeq    per sender, the last sequence number seen
     * @param outOfOrder sequenced messages that did not follow their sender's previous one
     * @param history    the migrations this state went through, "from -> to"
     */
    public record State(long total, Map<String, Long> lastSeq, long outOfOrder, List<String> history) {
    }

    @Override
    public State init(ProcessContext context, Object argument) {
        long start = argument instanceof Number n ? n.longValue() : 0;
        return new State(start, new HashMap<>(), 0, new ArrayList<>());
    }

    @Override
    public State handle(ProcessContext context, State s, Object message) throws Exception {
        if (message instanceof Number n) {
            return new State(s.total() + n.longValue(), s.lastSeq(), s.outOfOrder(), s.history());
        }
        if (message instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Number seq) {
            String sender = String.valueOf(l.get(0));
            Long last = s.lastSeq().put(sender, seq.longValue());
            boolean inOrder = seq.longValue() == (last == null ? 1 : last + 1);
            return new State(s.total() + 1, s.lastSeq(), s.outOfOrder() + (inOrder ? 0 : 1), s.history());
        }
        String m = String.valueOf(message);
        switch (m) {
            case "inc":
                return new State(s.total() + 1, s.lastSeq(), s.outOfOrder(), s.history());
            case "reset":
                return new State(0, new HashMap<>(), 0, s.history());
            case "get":
                context.reply(s.total());
                return s;
            case "version":
                context.reply(context.version());
                return s;
            case "history":
                context.reply(List.copyOf(s.history()));
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
                            + "; send a number, inc, reset, get, version, history, [sender, seq], crash, sleep:MS or stop");
                }
                return s;
        }
    }

    /**
     * As 2.0.0, but odd totals fail. From 1.x: rename count to total. From any version: note the migration. Other components
     * are copied by name, and components 1.x did not have start empty.
     */
    @Override
    public State importState(ProcessContext context, String fromVersion, Object neutral) {
        Object data = neutral;
        if (fromVersion.startsWith("1.") && neutral instanceof Struct s) {
            data = s.rename("count", "total");
        }
        State old = context.fromNeutral(data, State.class);
        if (old.total() % 2 != 0) {
            throw new IllegalStateException("counter 3.0.0 cannot import an odd total (" + old.total()
                    + "); this version is broken on purpose");
        }
        List<String> history = new ArrayList<>(old.history());
        if (!fromVersion.equals(context.version())) {
            history.add(fromVersion + " -> " + context.version());
        }
        return new State(old.total(), old.lastSeq(), old.outOfOrder(), history);
    }
}
