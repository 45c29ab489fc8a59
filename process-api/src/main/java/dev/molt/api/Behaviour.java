package dev.molt.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The code of a kind of process, in the spirit of Erlang's {@code gen_server} callbacks.
 *
 * <p>A behaviour bundle registers one implementation as an OSGi service with the service
 * property {@value #NAME} (the behaviour's name, such as {@code counter}); with Declarative
 * Services that is {@code @Component(service = Behaviour.class)} plus
 * {@code @MoltBehaviour("counter")}. The version of a behaviour is its bundle's version,
 * unless the service property {@value #VERSION} says otherwise. The runtime never holds a
 * behaviour's classes outside a call: when the service goes away it asks the old code to
 * export each state, and when the next version registers it asks the new code to import it.
 *
 * <h2>Callbacks: who calls them, on which thread, what they return</h2>
 * <table>
 * <caption>The callbacks</caption>
 * <tr><th>callback</th><th>called</th><th>returns</th><th>a throw means</th></tr>
 * <tr><td>{@link #init}</td><td>once, on the thread that called {@code spawn}, before
 *   spawn returns</td><td>the first state (not null)</td><td>spawn fails with a
 *   {@link SpawnException}; no process remains</td></tr>
 * <tr><td>{@link #handle}</td><td>once per message, on a runtime worker thread; one at a
 *   time per process, never two threads at once</td><td>the next state (not null)</td><td>the
 *   process ends with an {@link ExitReason.Kind#ERROR} exit; its monitors and links are told;
 *   others go on</td></tr>
 * <tr><td>{@link #exportState}</td><td>while the process is suspended at a message boundary,
 *   with this (old) version still loaded</td><td>neutral data</td><td>the process is held:
 *   suspended, its mailbox kept; the upgrade report names it</td></tr>
 * <tr><td>{@link #importState}</td><td>while the process is suspended, with the new
 *   version</td><td>this version's state (not null)</td><td>the process is held with the
 *   exported state and its mailbox kept, until a version that can import it arrives</td></tr>
 * <tr><td>{@link #exportMessage}/{@link #importMessage}</td><td>the same, for queued
 *   messages whose classes belong to the outgoing version</td><td>neutral data / a message
 *   for this version</td><td>as for the state</td></tr>
 * <tr><td>{@link #terminate}</td><td>when the process stops normally, is shut down, or a
 *   handler threw; not when it is killed</td><td>nothing</td><td>logged; the exit reason
 *   stays the one that caused the stop</td></tr>
 * </table>
 *
 * <p>A callback that returns null where a state is due ends the process with the exit reason
 * {@code bad return value}, as gen_server does. A handler may block (a call to another process,
 * say), but it then holds one of the runtime's few worker threads; long work belongs elsewhere.
 *
 * <h2>Neutral data</h2>
 * State and messages that cross from one version to the next must not be objects of the
 * outgoing bundle's classes. Neutral data is: null, JDK values (strings, numbers, booleans,
 * characters, enums and records of the JDK, {@code java.time} values, {@code byte[]}), types
 * of bundles that are not replaced (such as this API), {@link Struct}, and {@code List},
 * {@code Set} and {@code Map} of neutral data. The defaults turn records and enums of the
 * behaviour's own classes into {@link Struct}s and back, matching record components by name.
 *
 * @param <S> the type of the state this version keeps
 */
@ConsumerType
public interface Behaviour<S> {

    /** The service property that names a behaviour. Required. */
    String NAME = "molt.behaviour";

    /** Optional service property overriding the version (default: the bundle's version). */
    String VERSION = "molt.behaviour.version";

    /**
     * Creates the first state of a new process.
     *
     * @param context  the new process; it may already send, monitor and link
     * @param argument what the spawner passed, possibly null
     */
    S init(ProcessContext context, Object argument) throws Exception;

    /**
     * Handles one message and returns the next state.
     *
     * <p>When the message is a call ({@link ProcessContext#isCall()}), the handler answers with
     * {@link ProcessContext#reply(Object)} or takes {@link ProcessContext#replyLater()} to
     * answer later; a call left unanswered fails at once for its caller with a clear error.
     * To stop, call {@link ProcessContext#stop(ExitReason)} and return the final state.
     */
    S handle(ProcessContext context, S state, Object message) throws Exception;

    /**
     * Exports the state for the next version, while this version is still loaded. The default
     * hands the state to {@link ProcessContext#toNeutral(Object)}, which turns this bundle's
     * records and enums into {@link Struct}s.
     */
    default Object exportState(ProcessContext context, S state) throws Exception {
        return context.toNeutral(state);
    }

    /**
     * Imports a state exported by another (usually the previous) version, as gen_server's
     * {@code code_change(OldVsn, State, Extra)}. The default rebuilds this version's state type
     * from the neutral data, copying record components by name; a component absent from the
     * old state gets 0, false, an empty collection or null. Override it for renamed fields,
     * changed types, split state, or a downgrade.
     *
     * @param fromVersion the version that exported {@code neutral}; the same as this version
     *                    when a stopped bundle was started again
     */
    default S importState(ProcessContext context, String fromVersion, Object neutral) throws Exception {
        return context.fromNeutral(neutral, context.stateType());
    }

    /**
     * Exports a queued message that is an object of this bundle's classes, so that the new
     * version does not receive an object of the old classes. Default: {@link ProcessContext#toNeutral}.
     */
    default Object exportMessage(ProcessContext context, Object message) throws Exception {
        return context.toNeutral(message);
    }

    /**
     * Imports a message exported by {@link #exportMessage}. The default rebuilds a
     * {@link Struct} as the record or enum of the same class name in this version, and leaves
     * other neutral data as it is.
     */
    default Object importMessage(ProcessContext context, String fromVersion, Object neutral) throws Exception {
        return context.fromNeutral(neutral, Object.class);
    }

    /**
     * Called once when the process stops (not when it is killed), on the process's thread.
     *
     * @param reason why the process stops
     */
    default void terminate(ProcessContext context, S state, ExitReason reason) throws Exception {
    }
}
