package dev.molt.api.admin;

/**
 * The runtime as a whole, as of the call.
 *
 * @param processes        live processes
 * @param spawned          processes spawned since the runtime started
 * @param exited           processes ended since then
 * @param crashes          of those, the ones a callback's throw (or a broken contract) ended
 * @param handled          messages handled since then
 * @param held             processes held by an upgrade now
 * @param latencySampling  one message in this many is timed (0: none)
 * @param processLatency   whether each process keeps its own latency figures too
 * @param eventsDropped    events the runtime could not queue for delivery (its event queue was full)
 */
public record RuntimeTotals(int processes, long spawned, long exited, long crashes, long handled, int held,
                            int latencySampling, boolean processLatency, long eventsDropped) {
}
