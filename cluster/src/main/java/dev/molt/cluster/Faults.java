package dev.molt.cluster;

import java.util.ArrayList;
import java.util.List;

import org.jgroups.Address;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;

import dev.molt.api.ProcessException;

/**
 * Partitions made on purpose, for tests and drills: a JGroups {@code DISCARD} protocol inserted
 * above the transport at run time drops everything this node receives from the nodes named. Isolate
 * the same pair on both of its sides, and failure detection splits the view; {@link #heal} lets the
 * messages through again, and MERGE3 merges the views.
 *
 * <p>Thread rule: any thread; JGroups' DISCARD keeps its ignore set in a concurrent set.
 */
public final class Faults {

    private final ClusterNode node;

    Faults(ClusterNode node) {
        this.node = node;
    }

    private DISCARD discard() {
        ProtocolStack stack = node.channel().getProtocolStack();
        synchronized (stack) {
            DISCARD d = stack.findProtocol(DISCARD.class);
            if (d == null) {
                d = new DISCARD();
                d.setAddress(node.self());
                try {
                    stack.insertProtocol(d, ProtocolStack.Position.ABOVE, TP.class);
                    d.init();
                    d.start();
                } catch (Exception e) {
                    throw new ProcessException("could not insert DISCARD into the stack: " + e);
                }
            }
            return d;
        }
    }

    /** Drops whatever comes from the nodes named; returns the names it found in the view. */
    public List<String> isolate(List<String> nodes) {
        List<Address> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String n : nodes) {
            Members.Member m = node.members().find(n, 0);
            if (m == null) {
                throw new ProcessException("no node '" + n + "' is in the view; proc:nodes lists them");
            }
            found.add(m.address());
            names.add(m.name());
        }
        DISCARD d = discard();
        for (Address a : found) {
            d.addIgnoreMember(a);
        }
        return names;
    }

    /** Lets everything through again. */
    public void heal() {
        discard().resetIgnoredMembers();
    }
}
