package dev.molt.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.molt.api.Behaviour;
import dev.molt.api.ProcessContext;

/**
 * A test behaviour that checks the runtime's guarantees from the inside: every message is a
 * {@code long[]{sender, seq}}; it counts them, checks each sender's sequence has no gap or
 * repeat, and detects two threads in one process at once.
 */
final class Ledger implements Behaviour<Ledger.State> {

    /** Mutable on purpose: owned by one process, touched by one thread at a time. */
    static final class State {
        long count;
        final Map<Long, Long> last = new HashMap<>();
        long outOfOrder;
        final AtomicInteger inside = new AtomicInteger();
    }

    /** Times a handler found another thread already inside the same process. */
    static final AtomicLong OVERLAPS = new AtomicLong();

    @Override
    public State init(ProcessContext context, Object argument) {
        return new State();
    }

    @Override
    public State handle(ProcessContext context, State s, Object message) {
        if (s.inside.incrementAndGet() != 1) {
            OVERLAPS.incrementAndGet();
        }
        try {
            if (message instanceof long[] m) {
                Long prev = s.last.put(m[0], m[1]);
                if (m[1] != (prev == null ? 1 : prev + 1)) {
                    s.outOfOrder++;
                }
                s.count++;
            } else if ("get".equals(message)) {
                context.reply(new long[]{s.count, s.outOfOrder});
            } else if ("last".equals(message)) {
                context.reply(Map.copyOf(s.last));
            }
            return s;
        } finally {
            s.inside.decrementAndGet();
        }
    }
}
