package dev.molt.cluster.osgi;

import java.util.List;

import dev.molt.cluster.Faults;

/**
 * Gogo commands {@code cluster:isolate <node>...} and {@code cluster:heal}, registered only with
 * {@code faultCommands=true}: partitions on purpose, for tests and drills (see {@link Faults}).
 */
public final class FaultCommands {

    private final Faults faults;

    FaultCommands(Faults faults) {
        this.faults = faults;
    }

    /** Drops everything this node receives from the nodes named. */
    public String isolate(String... nodes) {
        if (nodes.length == 0) {
            return "error: name the nodes to cut this one off from (cluster:isolate n3)";
        }
        try {
            return "isolated from " + faults.isolate(List.of(nodes));
        } catch (RuntimeException e) {
            return "error: " + e.getMessage();
        }
    }

    /** Lets every message through again. */
    public String heal() {
        faults.heal();
        return "healed";
    }
}
