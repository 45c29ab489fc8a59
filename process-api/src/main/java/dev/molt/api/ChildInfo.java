package dev.molt.api;

/**
 * One child as its supervisor sees it ({@code supervisor:which_children}).
 *
 * @param id         the child's id in its supervisor (for a dynamic child, its pid's number)
 * @param pid        the process running now, or null if it is not running (terminated, or not restarted)
 * @param spec       the child's specification
 * @param restarts   how many times the supervisor restarted it
 */
public record ChildInfo(String id, Pid pid, ChildSpec spec, int restarts) {

    /** Whether the child is a supervisor itself. */
    public boolean isSupervisor() {
        return spec.isSupervisor();
    }
}
