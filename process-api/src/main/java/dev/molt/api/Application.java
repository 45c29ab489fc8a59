package dev.molt.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The processes a bundle wants running: a root supervisor and its children, declared by the
 * bundle's manifest header {@value #HEADER} and started by the supervision bundle's extender.
 *
 * <pre>
 * Molt-Application: chat; class=com.example.chat.ChatApplication
 * </pre>
 *
 * The class (public, with a public no-argument constructor) implements this interface. The root
 * supervisor is registered under the application's name ({@code chat}). What each bundle event does
 * to the tree:
 * <ul>
 * <li>first start: the root supervisor is spawned with {@link #supervisor()};</li>
 * <li>update, refresh: the tree is kept; its processes move to the new code like any other;</li>
 * <li>stop: the tree is kept; processes of the bundle's own behaviours wait, their mailboxes queueing;</li>
 * <li>start again: the tree is kept (the root supervisor is found by its name);</li>
 * <li>uninstall: the root supervisor is stopped, and stops its children in reverse order.</li>
 * </ul>
 */
@ConsumerType
public interface Application {

    /** The manifest header: {@code <name>; class=<fully qualified class name>}. */
    String HEADER = "Molt-Application";

    /** The root supervisor's specification; called once, when the tree is started. */
    SupervisorSpec supervisor();
}
