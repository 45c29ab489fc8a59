/**
 * The upgrade scenario: traffic from several senders and a caller across one or more upgrade
 * steps, then the checks that nothing was lost, duplicated or reordered, every call answered,
 * the old code collected and the log clean. {@link dev.molt.testkit.upgrade.UpgradeScenario} is
 * the entry point; {@link dev.molt.testkit.upgrade.SeenSequences} states the protocol a behaviour
 * under test follows.
 */
@Export
@Version("0.1.0")
package dev.molt.testkit.upgrade;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
