package dev.molt.runtime.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;

/** Messages to a process from the runtime; handled before user messages, even while suspended. */
sealed interface SystemMessage {

    /** Export the state for {@code upgrade} if still bound to {@code from}; count {@code done} down. */
    record Suspend(Binding from, Upgrade upgrade, CountDownLatch done) implements SystemMessage {
    }

    /** Stop with {@code reason}; {@code terminate} runs unless it is a kill. */
    record Exit(ExitReason reason, boolean runTerminate) implements SystemMessage {
    }

    /** A linked process ended. */
    record LinkExit(Pid from, ExitReason reason) implements SystemMessage {
    }

    /** Read the state at a message boundary. */
    record GetState(CompletableFuture<Object> result) implements SystemMessage {
    }
}
