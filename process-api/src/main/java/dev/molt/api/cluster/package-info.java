/**
 * Molt across several JVMs: the {@link dev.molt.api.cluster.Cluster} service that operators and
 * tools use (nodes, global names, spawning on a node, cluster-wide listings and upgrades), and the
 * seam between the runtime and a cluster bundle ({@link dev.molt.api.cluster.RemoteRouter}, which a
 * cluster bundle implements, and {@link dev.molt.api.cluster.LocalNode}, which the runtime hands it).
 *
 * <p>The runtime consults a router only for pids that are not local ({@link dev.molt.api.Pid#isLocal}),
 * so a send to a local process costs the same with or without a cluster.
 */
@Export
@Version("1.0.0")
package dev.molt.api.cluster;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
