package dev.molt.api.cluster;

/**
 * One node of the cluster, as this node's view has it.
 *
 * @param name        the node's name (from its configuration)
 * @param incarnation drawn when the node started; part of its pids
 * @param address     the engine's address of the node, for diagnostics
 * @param self        whether this is the node answering
 * @param coordinator whether it coordinates the view (the first member)
 */
public record NodeInfo(String name, long incarnation, String address, boolean self, boolean coordinator) {
}
