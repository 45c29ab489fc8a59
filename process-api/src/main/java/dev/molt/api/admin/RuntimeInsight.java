package dev.molt.api.admin;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.molt.api.Pid;

/**
 * Metrics and details of a running Molt, for operators' tools (JMX, health checks, the web
 * console). Registered by the mailbox-service bundle beside {@link dev.molt.api.ProcessRuntime}.
 *
 * <p>Thread rule: any thread. Every figure is read as of the call, without stopping any process:
 * counts are exact for what has ended and a moment's view of what is live; latency figures are
 * sampled.
 */
@ProviderType
public interface RuntimeInsight {

    /** The runtime as a whole. */
    RuntimeTotals totals();

    /** Every behaviour the runtime knows, by name. */
    List<BehaviourMetrics> behaviours();

    /** One behaviour, if the runtime knows it. */
    Optional<BehaviourMetrics> behaviour(String name);

    /** One live process in detail. */
    Optional<ProcessDetails> details(Pid pid);

    /** The settled upgrades of the history, oldest first, with their processes' pauses. */
    List<UpgradePauses> upgrades();

    /**
     * The one operation here: asks a held process to import its kept state again, into the version
     * that serves now (after a failure that may not recur, or once a fixed version serves). Returns at
     * once; the process moves, or is held again with a new reason, on its own turn.
     *
     * @throws dev.molt.api.NoSuchProcessException if {@code pid} is not alive
     * @throws dev.molt.api.ProcessException       if it is not held, cannot be retried (its export failed,
     *                                             or its handler is still running), or no version serves;
     *                                             the message says what to do instead
     */
    void retry(Pid pid);
}
