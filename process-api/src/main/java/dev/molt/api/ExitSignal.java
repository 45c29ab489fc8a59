package dev.molt.api;

/**
 * The message a process that traps exits receives when a linked process ends.
 *
 * @param from   the linked process that ended
 * @param reason why it ended
 */
public record ExitSignal(Pid from, ExitReason reason) {
}
