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
}
