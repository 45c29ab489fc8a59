package dev.molt.testkit.upgrade;

import java.util.Map;

/**
 * What a process says it saw of the scenario's sequenced messages, read from its exported state.
 *
 * <p>The protocol: the scenario sends each process messages {@code List.of(sender, seq)}, where
 * {@code sender} is a {@code String} and {@code seq} a {@code Long} counting from 1 per sender and
 * process. The behaviour keeps, per sender, the last {@code seq} it handled, and counts every
 * message whose {@code seq} was not the previous one plus 1. One lost, duplicated or reordered
 * message then shows as a count above zero or a last number short of what was sent:
 *
 * <pre>
 * if (message instanceof List&lt;?&gt; l &amp;&amp; l.size() == 2 &amp;&amp; l.get(1) instanceof Number seq) {
 *     Long last = lastSeq.put(String.valueOf(l.get(0)), seq.longValue());
 *     if (seq.longValue() != (last == null ? 1 : last + 1)) outOfOrder++;
 * }
 * </pre>
 *
 * <p>A behaviour that also counts the sequenced messages it handled lets the scenario say which
 * went wrong: fewer than sent is a loss, more a duplicate, as many but out of order a reordering.
 *
 * @param lastSeq    per sender, the last sequence number handled
 * @param outOfOrder messages whose number did not follow their sender's previous one
 * @param handled    sequenced messages handled, all senders together, or {@link #UNKNOWN}
 */
public record SeenSequences(Map<String, Long> lastSeq, long outOfOrder, long handled) {

    /** The behaviour does not count what it handled. */
    public static final long UNKNOWN = -1;

    public SeenSequences {
        lastSeq = Map.copyOf(lastSeq);
    }
}
