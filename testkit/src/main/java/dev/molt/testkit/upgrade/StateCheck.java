package dev.molt.testkit.upgrade;

import dev.molt.api.Pid;

/** A test's own check of one process's state at the end of a scenario. */
@FunctionalInterface
public interface StateCheck {

    /**
     * Throws (an {@code AssertionError}, say) if the state is wrong.
     *
     * @param pid           the process
     * @param exportedState its state as its current version exports it
     * @param sequencedSent how many sequenced messages the scenario sent it, all senders together
     */
    void check(Pid pid, Object exportedState, long sequencedSent) throws Exception;
}
