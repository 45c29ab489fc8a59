package dev.molt.testkit.upgrade;

import java.util.HashMap;
import java.util.Map;

import dev.molt.api.Struct;

/**
 * Reads {@link SeenSequences} from a process's exported state (neutral data: a {@code Struct}
 * for a record state, or a {@code Map}).
 */
@FunctionalInterface
public interface SequenceReader {

    SeenSequences read(Object exportedState);

    /**
     * Reads the state fields {@code lastSeq} (a map from sender to number) and {@code outOfOrder}
     * (a number), as the example counter and the archetype's behaviour keep them.
     */
    static SequenceReader fields() {
        return fields("lastSeq", "outOfOrder", null);
    }

    /**
     * Reads the named fields of a record state (a {@code Struct}) or a map state.
     *
     * @param handledField a field counting the sequenced messages handled, or null if there is none
     */
    static SequenceReader fields(String lastSeqField, String outOfOrderField, String handledField) {
        return state -> {
            Object last = field(state, lastSeqField);
            Object outOfOrder = field(state, outOfOrderField);
            if (!(last instanceof Map<?, ?> m)) {
                throw new AssertionError("the state's " + lastSeqField + " should be a map from sender to the last sequence number, is "
                        + last + " in " + state);
            }
            if (!(outOfOrder instanceof Number n)) {
                throw new AssertionError("the state's " + outOfOrderField + " should be a number, is " + outOfOrder + " in " + state);
            }
            Map<String, Long> seqs = new HashMap<>();
            m.forEach((k, v) -> seqs.put(String.valueOf(k), ((Number) v).longValue()));
            long handled = SeenSequences.UNKNOWN;
            if (handledField != null) {
                if (!(field(state, handledField) instanceof Number h)) {
                    throw new AssertionError("the state's " + handledField + " should be a number, in " + state);
                }
                handled = h.longValue();
            }
            return new SeenSequences(seqs, n.longValue(), handled);
        };
    }

    private static Object field(Object state, String name) {
        if (state instanceof Struct s) {
            if (!s.fields().containsKey(name)) {
                throw new AssertionError("the exported state has no field " + name + ": " + s);
            }
            return s.get(name);
        }
        if (state instanceof Map<?, ?> m) {
            return m.get(name);
        }
        throw new AssertionError("cannot read " + name + " from the exported state " + state
                + "; give the scenario a SequenceReader for this state");
    }
}
