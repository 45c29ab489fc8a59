package dev.molt.shell.core;

import java.io.PrintStream;
import java.util.List;

import dev.molt.api.ChildInfo;
import dev.molt.api.ChildSpec;
import dev.molt.api.Pid;
import dev.molt.api.SupervisionNode;
import dev.molt.api.Supervisors;

/**
 * {@code proc:tree} and {@code proc:sup}: the supervision trees drawn, and the requests a
 * supervisor answers. Every check is made before the supervisor is asked; the supervisor refuses
 * what it cannot do with one line and changes nothing.
 */
final class Supervision {

    private Supervision() {
    }

    static void tree(Supervisors supervisors, PrintStream out) {
        List<SupervisionNode> roots = supervisors.trees();
        if (roots.isEmpty()) {
            out.println("no supervisors run; start one with the Supervisors service or a Molt-Application bundle");
            return;
        }
        for (SupervisionNode root : roots) {
            out.println(line(root));
            draw(root.children(), "", out);
        }
    }

    private static void draw(List<SupervisionNode> nodes, String indent, PrintStream out) {
        for (int i = 0; i < nodes.size(); i++) {
            boolean last = i == nodes.size() - 1;
            SupervisionNode n = nodes.get(i);
            out.println(indent + (last ? "`-- " : "|-- ") + line(n));
            draw(n.children(), indent + (last ? "    " : "|   "), out);
        }
    }

    /** {@code 12 worker-1 (name) sup.worker 1.0.0 restarts=0}; a child not running shows {@code -}. */
    private static String line(SupervisionNode n) {
        return (n.pid() == null ? "-" : String.valueOf(n.pid().id())) + " " + n.id()
                + (n.name() != null && !n.name().equals(n.id()) ? " (" + n.name() + ")" : "")
                + " " + n.behaviour() + " " + n.version() + " restarts=" + n.restarts();
    }

    static void sup(Supervisors supervisors, Invocation in, PrintStream out) {
        String action = in.argument(0).text();
        String sup = in.argument(1).text();
        int extra = in.size() - 2;
        switch (action) {
            case "which-children" -> {
                expect(in, 0, 0, "proc:sup which-children <supervisor>");
                Table table = new Table("ID", "PID>", "BEHAVIOUR", "RESTART", "SHUTDOWN", "RESTARTS>");
                for (ChildInfo c : supervisors.whichChildren(sup)) {
                    table.row(c.id(), c.pid() == null ? "-" : c.pid().id(), c.spec().behaviour(),
                            c.spec().restart().name().toLowerCase(), c.spec().shutdown(), c.restarts());
                }
                out.print(table);
            }
            case "restart-child" -> {
                expect(in, 1, 1, "proc:sup restart-child <supervisor> <child>");
                out.println(supervisors.restartChild(sup, in.argument(2).text()).id());
            }
            case "terminate-child" -> {
                expect(in, 1, 1, "proc:sup terminate-child <supervisor> <child>");
                supervisors.terminateChild(sup, in.argument(2).text());
                out.println("terminated " + in.argument(2).text());
            }
            case "delete-child" -> {
                expect(in, 1, 1, "proc:sup delete-child <supervisor> <child>");
                supervisors.deleteChild(sup, in.argument(2).text());
                out.println("deleted " + in.argument(2).text());
            }
            case "start-child" -> {
                expect(in, 0, 3, "proc:sup start-child <supervisor> [arg] (simple_one_for_one), or"
                        + " <supervisor> <id> <behaviour> [arg]");
                Pid pid;
                if (extra <= 1) {
                    pid = supervisors.startChild(sup, extra == 1 ? in.argument(2).value() : null);
                } else {
                    Object arg = extra == 3 ? in.argument(4).value() : null;
                    ChildSpec spec;
                    try {
                        spec = ChildSpec.worker(in.argument(2).text(), in.argument(3).text(), arg);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(e.getMessage() + "; usage: proc:sup start-child <supervisor> <id>"
                                + " <behaviour> [arg]");
                    }
                    pid = supervisors.startChild(sup, spec);
                }
                out.println(pid.id());
            }
            default -> throw new IllegalArgumentException("unknown action '" + action + "': use which-children, start-child,"
                    + " restart-child, terminate-child or delete-child; usage: " + CommandSyntax.SUP.usage());
        }
    }

    private static void expect(Invocation in, int min, int max, String usage) {
        int extra = in.size() - 2;
        if (extra < min) {
            throw new IllegalArgumentException("missing argument: " + usage);
        }
        if (extra > max) {
            throw new IllegalArgumentException("too many arguments: " + usage);
        }
    }
}
