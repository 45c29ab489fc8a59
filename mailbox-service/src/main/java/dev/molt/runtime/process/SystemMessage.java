package dev.molt.runtime.process;

import java.util.concurrent.CompletableFuture;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;

/**
 * Messages to a process from the runtime, handled by {@link SystemMessages} before any user
 * message, even while the process is suspended (OTP's {@code sys} messages).
 */
public sealed interface SystemMessage {

    /** Work of an upgrade that must run at a message boundary, on the process's own turn. */
    record Migrate(MigrationTask task) implements SystemMessage {
    }

    /** Stop with {@code reason}: {@code terminate} runs, queued messages are dropped. */
    record Stop(ExitReason reason) implements SystemMessage {
    }

    /** End with {@code reason} at once: {@code terminate} does not run. */
    record Kill(ExitReason reason) implements SystemMessage {
    }

    /** A linked process ended. */
    record LinkExit(Pid from, ExitReason reason) implements SystemMessage {
    }

    /** Read the state at a message boundary. */
    record GetState(CompletableFuture<Object> result) implements SystemMessage {
    }

    /** An upgrade's step for one process, run by the process at its boundary (see the upgrade package). */
    interface MigrationTask {
        void runOn(Proc process);

        /** The process had ended before the step could run: the step is settled without it. */
        default void notRun(Proc process) {
        }
    }
}
