package dev.molt.api;

import java.util.List;

/**
 * The message a process that monitors a process group receives when members join or leave it
 * (Erlang's {@code pg} monitor messages).
 *
 * @param ref   the monitor, as {@link ProcessRuntime#monitorGroup} returned it
 * @param group the group
 * @param kind  joined or left
 * @param pids  the processes that joined or left
 */
public record GroupChange(GroupMonitor.Ref ref, String group, Kind kind, List<Pid> pids) {

    public enum Kind { JOINED, LEFT }

    public GroupChange {
        pids = List.copyOf(pids);
    }
}
