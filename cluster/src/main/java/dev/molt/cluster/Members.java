package dev.molt.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;

import dev.molt.api.cluster.NodeInfo;

/**
 * One view of the cluster: its members with their Molt node names and incarnations, which every
 * member carries in its address (a JGroups {@link ExtendedUUID}: the name under {@link #NODE_KEY},
 * the incarnation in the UUID's high bits). Immutable: a new view makes a new one.
 */
final class Members {

    static final String NODE_KEY = "molt-node";

    /** One member. */
    record Member(String name, long incarnation, Address address) {
    }

    private final List<Member> list;
    private final Map<Address, Member> byAddress = new HashMap<>();
    private final Address self;

    Members(View view, Address self) {
        this.self = self;
        List<Member> l = new ArrayList<>();
        if (view != null) {
            for (Address a : view.getMembers()) {
                Member m = member(a);
                if (m != null) {
                    l.add(m);
                    byAddress.put(a, m);
                }
            }
        }
        this.list = List.copyOf(l);
    }

    static Members none() {
        return new Members(null, null);
    }

    /** The Molt node an address stands for; null for an address of something else. */
    static Member member(Address a) {
        if (a instanceof ExtendedUUID u) {
            byte[] name = u.get(NODE_KEY);
            if (name != null) {
                return new Member(new String(name, StandardCharsets.UTF_8), incarnationOf(u), a);
            }
        }
        return null;
    }

    /** Never 0, which in a pid means "the current incarnation". */
    static long incarnationOf(ExtendedUUID u) {
        long inc = u.getMostSignificantBits() & Long.MAX_VALUE;
        return inc == 0 ? 1 : inc;
    }

    List<Member> all() {
        return list;
    }

    Member at(Address a) {
        return byAddress.get(a);
    }

    boolean contains(Address a) {
        return byAddress.containsKey(a);
    }

    /** The member of that name and incarnation (0: whichever incarnation is in the view), or null. */
    Member find(String name, long incarnation) {
        for (Member m : list) {
            if (m.name().equals(name) && (incarnation == 0 || m.incarnation() == incarnation)) {
                return m;
            }
        }
        return null;
    }

    Member coordinator() {
        return list.isEmpty() ? null : list.get(0);
    }

    List<NodeInfo> infos() {
        List<NodeInfo> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Member m = list.get(i);
            out.add(new NodeInfo(m.name(), m.incarnation(), m.address().toString(), m.address().equals(self), i == 0));
        }
        return out;
    }

    /** Members of {@code before} that are not in this view. */
    List<Member> leftSince(Members before) {
        List<Member> out = new ArrayList<>();
        for (Member m : before.list) {
            if (!byAddress.containsKey(m.address())) {
                out.add(m);
            }
        }
        return out;
    }

    /** Whether this view has a member {@code before} had not. */
    boolean grewSince(Members before) {
        for (Member m : list) {
            if (!before.byAddress.containsKey(m.address())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return list.stream().map(Member::name).toList().toString();
    }
}
