package dev.molt.api.cluster;

import java.util.List;

import dev.molt.api.UpgradeReport;

/**
 * What a cluster-wide upgrade did on each node, in the order the nodes were upgraded.
 *
 * @param behaviour the behaviour upgraded
 * @param nodes     one entry per node of the view when the upgrade began
 */
public record ClusterUpgradeReport(String behaviour, List<NodeResult> nodes) {

    /** What happened on one node. */
    public enum Outcome {
        /** The node's upgrade finished with no process held or failed. */
        UPGRADED,
        /** The node's upgrade was refused, or left processes held or failed; the upgrade stopped there. */
        FAILED,
        /** The node left the view before it answered; the upgrade stopped there. */
        LEFT,
        /** Not attempted, because the upgrade stopped at an earlier node: this node runs what it ran. */
        NOT_STARTED
    }

    /**
     * @param node    the node's name
     * @param outcome what happened
     * @param report  the node's own upgrade report, or null if it made none
     * @param detail  an explanation for anything but {@link Outcome#UPGRADED}, else empty
     */
    public record NodeResult(String node, Outcome outcome, UpgradeReport report, String detail) {
    }

    /** Every node upgraded. */
    public boolean complete() {
        return nodes.stream().allMatch(n -> n.outcome() == Outcome.UPGRADED);
    }
}
