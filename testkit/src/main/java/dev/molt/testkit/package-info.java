/**
 * The Molt test kit for JUnit 4 and Pax Exam: {@link dev.molt.testkit.MoltOptions} provisions the
 * container from the test's class path, {@link dev.molt.testkit.MoltTestBase} injects the runtime
 * and waits on events with deadlines, {@link dev.molt.testkit.LogCapture} fails a test on
 * unexpected warnings, {@link dev.molt.testkit.ClassLoaders} proves old code was collected, and
 * {@link dev.molt.testkit.TestBundles} builds bundles from test classes with bnd.
 */
@Export
@Version("0.2.0")
package dev.molt.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
