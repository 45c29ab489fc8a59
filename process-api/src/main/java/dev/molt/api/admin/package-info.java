/**
 * What operators and their tools read from a running Molt: metrics per behaviour and per process,
 * one process in detail (its watchers and its own migrations), and the names of the OSGi events the
 * runtime posts. The runtime registers {@link dev.molt.api.admin.RuntimeInsight} beside
 * {@link dev.molt.api.ProcessRuntime}; the JMX, health-check and web-console bundles read it.
 *
 * <p>Nothing in this package is implementation; the mailbox-service bundle provides it.
 */
@Export
@Version("1.0.0")
package dev.molt.api.admin;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
