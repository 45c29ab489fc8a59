package dev.molt.api;

/**
 * Identifies one monitor, as Erlang's monitor reference does.
 *
 * @param id     unique within the runtime
 * @param target the monitored process
 */
public record MonitorRef(long id, Pid target) {
}
