package dev.molt.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jgroups.Address;

import dev.molt.api.DuplicateNameException;
import dev.molt.api.InvalidNameException;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessException;
import dev.molt.api.cluster.LocalNode;
import dev.molt.api.cluster.Watch;

/**
 * Names registered across the cluster. Every node keeps the whole table and answers
 * {@code whereis} from it without asking anyone.
 *
 * <h2>Who decides</h2>
 * A registration or removal goes to the coordinator of the view (the first member), which checks
 * its table and multicasts the change; so two nodes registering one name at once get one yes and
 * one {@link DuplicateNameException}. The node of the registered process watches it, and removes
 * the name when the process ends; when a node leaves the view, every node drops the names of its
 * processes.
 *
 * <h2>Both sides of a partition</h2>
 * While a partition lasts, each side has its own coordinator, and the same name may be registered on
 * both. When the sides merge (a MergeView), and whenever a node joins, every node multicasts the
 * names of its own processes, and every node applies one rule to a name claimed twice: <b>the claim of
 * the process whose node name sorts first wins</b> (equal names: the lower incarnation). The loser's
 * process keeps running without the name, and its node logs a warning. Every node sees the same
 * claims and applies the same rule, so the tables agree again without another round.
 *
 * <p>Thread rule: any thread; the table is a concurrent map, and each change of one name is one
 * atomic map operation.
 */
final class GlobalNames {

    private static final System.Logger LOG = System.getLogger("dev.molt.cluster");

    private static final String ADD = "add";
    private static final String REMOVE = "remove";

    private final ClusterNode node;
    /** Name to the process holding it, its pid as seen on this node. */
    private final ConcurrentHashMap<String, Pid> table = new ConcurrentHashMap<>();
    /** Watches on this node's own named processes, by name. */
    private final ConcurrentHashMap<String, Watch> watches = new ConcurrentHashMap<>();

    GlobalNames(ClusterNode node) {
        this.node = node;
    }

    Optional<Pid> whereis(String name) {
        return Optional.ofNullable(name == null ? null : table.get(name));
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank() || name.length() > 255 || !Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
            throw new InvalidNameException("'" + name + "' is not a global name: start it with a letter or '_', at most 255"
                    + " characters");
        }
    }

    void register(String name, Pid pid) {
        checkName(name);
        if (pid.isLocal() && node.runtime().info(pid).isEmpty()) {
            throw new NoSuchProcessException("process " + pid.id() + " is not alive; list live processes with proc:ps");
        }
        Members.Member coordinator = node.members().coordinator();
        if (coordinator == null) {
            throw new ProcessException("this node is in no view yet; try again when proc:nodes lists it");
        }
        Requests.get(requests().ask(coordinator, "name.register", node.settings().requestTimeout(), name, pid));
        apply(name, pid); // the coordinator's multicast may come after its reply: whereis must see it now
    }

    boolean unregister(String name) {
        Members.Member coordinator = node.members().coordinator();
        if (coordinator == null) {
            return false;
        }
        boolean removed = (Boolean) Requests.get(requests().ask(coordinator, "name.unregister",
                node.settings().requestTimeout(), name));
        table.remove(name);
        return removed;
    }

    private Requests requests() {
        return node.requests();
    }

    /** On the coordinator: the name is free (or already this pid's): multicast it, take it here. */
    void coordinateRegister(String name, Pid pid) {
        checkName(name);
        Pid holder = table.putIfAbsent(name, pid);
        if (holder != null && !holder.equals(pid)) {
            throw new DuplicateNameException("the global name '" + name + "' is taken by process " + holder.text()
                    + "; choose another name or unregister it first");
        }
        watchIfOwn(name, pid);
        multicast(ADD, name, pid);
    }

    boolean coordinateUnregister(String name) {
        Pid holder = table.remove(name);
        if (holder == null) {
            return false;
        }
        dropWatch(name);
        multicast(REMOVE, name, holder);
        return true;
    }

    private void multicast(String op, String name, Pid pid) {
        node.sendFrame(null, node.wire().writer().value(ClusterNode.Frame.NAMES).value(op).value(name).value(pid).bytes());
    }

    void onFrame(Address from, Wire.Reader r) throws IOException {
        String op = r.string();
        String name = r.string();
        Pid pid = (Pid) r.value();
        if (ADD.equals(op)) {
            apply(name, pid);
        } else if (REMOVE.equals(op)) {
            table.remove(name, pid);
            if (pid.isLocal()) {
                dropWatch(name);
            }
        }
    }

    /** Takes a claim, or settles a double claim by the rule of the class comment. */
    private void apply(String name, Pid pid) {
        Pid[] lost = new Pid[1];
        table.compute(name, (k, held) -> {
            if (held == null || held.equals(pid)) {
                return pid;
            }
            boolean newWins = before(pid, held);
            lost[0] = newWins ? held : pid;
            return newWins ? pid : held;
        });
        Pid winner = table.get(name);
        if (lost[0] != null) {
            LOG.log(System.Logger.Level.WARNING, "the global name '" + name + "' was registered on both sides of a"
                    + " partition: it stays with process " + text(winner) + ", process " + text(lost[0]) + " loses it"
                    + " (the claim from the node whose name sorts first wins)");
            if (lost[0].isLocal()) {
                dropWatch(name);
            }
        }
        if (pid.equals(winner)) {
            watchIfOwn(name, pid);
        }
    }

    private String text(Pid p) {
        return p.isLocal() ? p.id() + "@" + node.localNode() : p.text();
    }

    /** Whether claim {@code a} wins over claim {@code b}. */
    private boolean before(Pid a, Pid b) {
        String na = a.isLocal() ? node.localNode() : a.node();
        String nb = b.isLocal() ? node.localNode() : b.node();
        int c = na.compareTo(nb);
        if (c != 0) {
            return c < 0;
        }
        long ia = a.isLocal() ? node.incarnation() : a.incarnation();
        long ib = b.isLocal() ? node.incarnation() : b.incarnation();
        return ia != ib ? ia < ib : a.id() < b.id();
    }

    /** On the node of a named process: when it ends, its name goes, everywhere. */
    private void watchIfOwn(String name, Pid pid) {
        LocalNode l = node.local();
        if (!pid.isLocal() || l == null || watches.containsKey(name)) {
            return;
        }
        Watch placeholder = Watch.NONE::cancel;
        if (watches.putIfAbsent(name, placeholder) != null) {
            return;
        }
        Watch w = l.watch(pid, reason -> {
            watches.remove(name);
            if (table.remove(name, pid)) {
                multicast(REMOVE, name, pid);
            }
        });
        watches.replace(name, placeholder, w);
    }

    private void dropWatch(String name) {
        Watch w = watches.remove(name);
        if (w != null) {
            w.cancel();
        }
    }

    /** A node left: the names of its processes go. */
    void nodeLeft(Members.Member m) {
        table.entrySet().removeIf(e -> !e.getValue().isLocal() && e.getValue().node().equals(m.name())
                && e.getValue().incarnation() == m.incarnation());
    }

    /** After a merge or a join: tells everyone the names of this node's own processes. */
    void announce() {
        List<Map.Entry<String, Pid>> own = new ArrayList<>();
        for (Map.Entry<String, Pid> e : table.entrySet()) {
            if (e.getValue().isLocal()) {
                own.add(e);
            }
        }
        for (Map.Entry<String, Pid> e : own) {
            multicast(ADD, e.getKey(), e.getValue());
        }
    }
}
