package dev.molt.api.admin;

import java.util.Map;

import dev.molt.api.Pid;

/**
 * What one behaviour's processes are doing, as of the call.
 *
 * @param name               the behaviour
 * @param active             the version new processes get, or null while none is registered
 * @param processes          live processes
 * @param processesByVersion live processes per version they run ({@code "waiting"}: suspended or held, with no version)
 * @param held               processes held by an upgrade
 * @param mailboxDepth       messages waiting, over all its processes
 * @param maxMailboxDepth    the deepest mailbox
 * @param deepest            the process with the deepest mailbox, or null when every mailbox is empty
 * @param handled            messages handled since the runtime started, by live and ended processes
 * @param spawned            processes spawned since the runtime started
 * @param exited             processes ended since the runtime started
 * @param crashes            of those, the ones a callback's throw (or a broken contract) ended
 * @param recentCrashes      crashes in the last minute (a crash loop shows here)
 * @param restarts           spawns under a name whose previous process, of this behaviour, ended
 *                           abnormally (what a supervisor, or an operator, does after a crash)
 * @param waited             how long sampled messages waited in the mailbox, over the last minute or so
 * @param handling           how long sampled handlers ran, over the last minute or so
 */
public record BehaviourMetrics(String name, String active, int processes, Map<String, Integer> processesByVersion,
                               int held, long mailboxDepth, long maxMailboxDepth, Pid deepest, long handled,
                               long spawned, long exited, long crashes, long recentCrashes, long restarts, Latency waited,
                               Latency handling) {

    public BehaviourMetrics {
        processesByVersion = Map.copyOf(processesByVersion);
    }
}
