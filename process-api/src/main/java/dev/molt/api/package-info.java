/**
 * The Molt process contract.
 *
 * <p>A <em>behaviour</em> ({@link dev.molt.api.Behaviour}) is code, registered as an OSGi
 * service by a behaviour bundle under a name ({@link dev.molt.api.Behaviour#NAME}). The
 * <em>runtime</em> ({@link dev.molt.api.ProcessRuntime}) owns every process: its
 * {@link dev.molt.api.Pid}, its registered name, its mailbox and its state. It reaches a
 * behaviour only through the behaviour's service, so when a behaviour bundle is updated,
 * the runtime suspends that behaviour's processes at a message boundary, lets the old code
 * export each state as neutral data ({@link dev.molt.api.Struct}, JDK values and
 * collections), lets the new code import it, and resumes them with their mailboxes intact.
 *
 * <p>Nothing in this package is implementation; the mailbox-service bundle provides it.
 */
@Export
@Version("1.3.0")
package dev.molt.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
