package dev.molt.api;

/**
 * The message a monitoring process receives when the process it monitors ends.
 *
 * @param ref    the monitor
 * @param pid    the process that ended
 * @param reason why it ended
 */
public record Down(MonitorRef ref, Pid pid, ExitReason reason) {
}
