package dev.molt.api;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What a behaviour's callbacks know of, and may do to, the process they run for.
 *
 * <p>Thread rule: a context is given to a callback and is valid on that callback's thread for
 * the duration of the call; {@link #self()}, {@link #runtime()} and the data conversions may be
 * used from anywhere. Do not keep the context in the state.
 */
@ProviderType
public interface ProcessContext {

    /** This process. */
    Pid self();

    /** The name this process is registered under, if any. */
    Optional<String> name();

    /** The behaviour's name. */
    String behaviour();

    /** The version of the code running this callback. */
    String version();

    /** The runtime, to spawn, send and call. */
    ProcessRuntime runtime();

    /**
     * Spawns a process linked to this one from before its {@code init} runs (Erlang's
     * {@code spawn_link}); see {@link ProcessRuntime#spawnLinked}.
     */
    default Pid spawnLink(String behaviour, String name, Object argument) {
        return runtime().spawnLinked(self(), behaviour, name, argument);
    }

    /** Joins this process to the process group {@code group}; see {@link ProcessRuntime#join}. */
    default void join(String group) {
        runtime().join(group, self());
    }

    /** Leaves the process group {@code group}; false if this process was not a member. */
    default boolean leave(String group) {
        return runtime().leave(group, self());
    }

    /** Monitors a process group for this process; see {@link ProcessRuntime#monitorGroup}. */
    default GroupMonitor monitorGroup(String group) {
        return runtime().monitorGroup(group, self());
    }

    /** Sends {@code message} to this process itself (it is queued behind what is waiting). */
    default void sendSelf(Object message) {
        runtime().send(self(), message);
    }

    /** Sends {@code message} to this process after {@code delay}. */
    default TimerRef sendSelfAfter(Duration delay, Object message) {
        return runtime().sendAfter(self(), message, delay);
    }

    /** True while handling a message that was sent with {@link ProcessRuntime#call}. */
    boolean isCall();

    /**
     * Answers the call being handled.
     *
     * @throws IllegalStateException if the current message is not a call, or was answered
     */
    void reply(Object value);

    /**
     * Takes the reply of the current call out of the handler, to answer it later from any
     * thread (gen_server's {@code noreply} plus {@code gen_server:reply/2}).
     *
     * @throws IllegalStateException if the current message is not a call, or was answered
     */
    ReplyHandle replyLater();

    /**
     * Asks the process to stop once the current callback returns; {@code terminate} runs with
     * {@code reason}, and monitors and links are told.
     */
    void stop(ExitReason reason);

    /**
     * Monitors {@code target}: when it ends, this process receives a {@link Down} message (at
     * once with {@link ExitReason#NOPROC} if it does not exist).
     */
    MonitorRef monitor(Pid target);

    /** Stops a monitor; a {@link Down} not yet received is not sent. */
    void demonitor(MonitorRef ref);

    /**
     * Links this process with {@code other}: when either ends abnormally, the other ends with
     * an {@link ExitReason.Kind#LINKED} exit, or receives an {@link ExitSignal} message if it
     * traps exits.
     *
     * @throws NoSuchProcessException if {@code other} is not alive
     */
    void link(Pid other);

    /** Removes a link, if there is one. */
    void unlink(Pid other);

    /** Whether exit signals from linked processes arrive as {@link ExitSignal} messages. */
    void trapExits(boolean trap);

    /**
     * Runs {@code work}, which may block (a lock, I/O, a sleep, a slow service), without stalling
     * other processes: the handler's worker thread hands its place to another thread first, and
     * takes it back afterwards. Returns what {@code work} returns and throws what it throws.
     *
     * <p>The runtime runs at most {@code maxThreads} threads (a setting, 256 by default), counting
     * the ones blocked here. Past that bound, processes wait for a blocked handler to return, and the
     * runtime logs it once. A handler that blocks without this method is found after some 20 ms by
     * the runtime's watchdog, which does the same for it, later. A {@link ProcessRuntime#call} from a
     * handler needs none of this: it is managed already.
     */
    <T> T blocking(Callable<T> work) throws Exception;

    /**
     * Converts a value to neutral data (see {@link Behaviour}): records and enums of any
     * bundle's classes become {@link Struct}s, collections are converted element by element.
     *
     * @throws IllegalArgumentException naming the first value that has no neutral form
     */
    Object toNeutral(Object value);

    /**
     * Converts neutral data to {@code type} using the classes of the code running this
     * callback: a {@link Struct} becomes the record (by {@code type}, or by the struct's class
     * name when {@code type} is {@code Object}) with components copied by name, collections are
     * converted element by element, numbers are widened or narrowed where the value fits.
     *
     * @throws IllegalArgumentException naming what could not be converted, and why
     */
    Object fromNeutral(Object neutral, Type type);

    /** As {@link #fromNeutral(Object, Type)}, typed. */
    @SuppressWarnings("unchecked")
    default <T> T fromNeutral(Object neutral, Class<T> type) {
        return (T) fromNeutral(neutral, (Type) type);
    }

    /**
     * The state type of the running behaviour: the type argument {@code S} of its
     * {@code Behaviour<S>} declaration.
     */
    <S> Class<S> stateType();
}
