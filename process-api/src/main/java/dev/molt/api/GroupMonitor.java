package dev.molt.api;

import java.util.List;

/**
 * A monitor of a process group and the members it had when it was taken: every change after that
 * arrives as a {@link GroupChange} message, so members plus changes give the exact membership.
 *
 * @param ref     identifies the monitor (for {@link ProcessRuntime#demonitorGroup})
 * @param members the members when the monitor was taken, in join order
 */
public record GroupMonitor(Ref ref, List<Pid> members) {

    public GroupMonitor {
        members = List.copyOf(members);
    }

    /**
     * @param id      unique within the runtime
     * @param group   the monitored group
     * @param watcher the process that receives the changes
     */
    public record Ref(long id, String group, Pid watcher) {
    }
}
