package dev.molt.api;

import java.util.List;

/**
 * One process of a supervision tree, for drawing it ({@code proc:tree}).
 *
 * @param pid       the process, or null for a child that is not running
 * @param id        its child id in its supervisor, or for a root its registered name (or pid)
 * @param name      its registered name, or null
 * @param behaviour its behaviour
 * @param version   the version of the code it runs ("?" if not known)
 * @param restarts  how many times its supervisor restarted it (0 for a root)
 * @param children  for a supervisor, its children in start order; else empty
 */
public record SupervisionNode(Pid pid, String id, String name, String behaviour, String version, int restarts,
                              List<SupervisionNode> children) {

    public SupervisionNode {
        children = children == null ? List.of() : List.copyOf(children);
    }
}
