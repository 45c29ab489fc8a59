package dev.molt.runtime.process;

import java.util.concurrent.CompletableFuture;

import dev.molt.api.Behaviour;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.neutral.Neutral;

/**
 * Handles the runtime's messages to a process at its message boundary (OTP's {@code sys}): an
 * upgrade step, a stop or a kill, a linked process's exit, a state query. One place, so that what a
 * process does between two user messages can be read at once.
 *
 * <p>Thread rule: called by the process's owner only.
 */
final class SystemMessages {

    private SystemMessages() {
    }

    static void handle(Proc p, SystemMessage s) {
        if (s instanceof SystemMessage.GetState g) {
            readState(p, g.result());
            return;
        }
        if (p.isExited()) {
            if (s instanceof SystemMessage.Migrate m) {
                m.task().notRun(p); // its upgrade counts it as ended, so that no one waits for it
            }
            return; // an exit or a link signal for a process that has ended: nothing to do
        }
        if (s instanceof SystemMessage.Migrate m) {
            m.task().runOn(p);
        } else if (s instanceof SystemMessage.Stop st) {
            p.exit(st.reason(), Proc.Ending.STOP);
        } else if (s instanceof SystemMessage.Kill k) {
            p.exit(k.reason(), Proc.Ending.KILL);
        } else if (s instanceof SystemMessage.LinkExit le) {
            Watchers.linkedExited(p, le.from(), le.reason());
        }
    }

    /** {@code sys:get_state}: the state as the current version exports it, or the exported state it waits with. */
    private static void readState(Proc p, CompletableFuture<Object> result) {
        if (p.isExited()) {
            result.completeExceptionally(ProcessTable.notAlive(p.pid()));
            return;
        }
        BehaviourVersion v = p.boundVersion();
        Behaviour<Object> code = v == null ? null : v.code();
        if (code == null) {
            result.complete(p.state());
            return;
        }
        try {
            result.complete(Neutral.toNeutral(code.exportState(p, p.state()), Neutral.exportable(p.kernel().apiLoader())));
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }
}
