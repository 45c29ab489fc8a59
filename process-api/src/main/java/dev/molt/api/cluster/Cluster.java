package dev.molt.api.cluster;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import dev.molt.api.Pid;
import dev.molt.api.ProcessInfo;
import dev.molt.api.UpgradeOptions;

/**
 * The cluster this node is in, for operators and tools (the shell's {@code proc:nodes},
 * {@code proc:ps --all}, {@code proc:spawn --node}, {@code proc:upgrade --cluster}). Registered by a
 * cluster bundle while it is connected.
 *
 * <p>Thread rule: any thread. Methods that ask other nodes block their caller for at most the
 * cluster's request timeout; errors are {@link dev.molt.api.ProcessException}s that say what is wrong
 * and what to do, and change nothing.
 */
@ProviderType
public interface Cluster {

    /** This node's name. */
    String localNode();

    /** The nodes of the current view, coordinator first. */
    List<NodeInfo> nodes();

    /**
     * Registers {@code name} for {@code pid} across the cluster; the name goes when the process ends or
     * its node leaves. Global names are apart from local ones ({@link dev.molt.api.ProcessRuntime#whereis}).
     *
     * @throws dev.molt.api.DuplicateNameException if the name is registered already
     * @throws dev.molt.api.NoSuchProcessException if {@code pid} is not alive
     */
    void registerGlobal(String name, Pid pid);

    /** The process {@code name} is registered to, anywhere in the cluster. */
    Optional<Pid> whereisGlobal(String name);

    /** Removes a global name; false if it was not registered. */
    boolean unregisterGlobal(String name);

    /**
     * Spawns a process on {@code node} (this node's name spawns here), as
     * {@link dev.molt.api.ProcessRuntime#spawn} does there.
     *
     * @return its pid, remote unless {@code node} is this one
     */
    Pid spawn(String node, String behaviour, String name, Object argument);

    /** The live processes of every node of the view, each node's pids as seen from here. */
    List<ProcessInfo> processes();

    /**
     * Upgrades {@code behaviour} node by node, each with its local upgrade in {@code options}' mode
     * (atomic or rolling) from the jar at {@code location} (read here, and sent to each node), in view
     * order. The upgrade stops at the first node that fails or leaves: the nodes before it run the new
     * version, the nodes after it the old one, each consistent; the report says which is which.
     */
    ClusterUpgradeReport upgrade(String behaviour, String location, UpgradeOptions options);
}
