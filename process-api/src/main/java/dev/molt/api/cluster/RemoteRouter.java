package dev.molt.api.cluster;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;

/**
 * How the runtime reaches processes of other nodes: implemented by a cluster bundle and registered
 * as a service; the runtime uses the one with the highest ranking. Every pid given to these methods
 * is remote ({@code !pid.isLocal()}); local pids never come here.
 *
 * <p>Guarantees a router gives: messages from one sender to one receiver arrive in the order they
 * were sent while the two nodes stay connected; when a node leaves the view, every watch on its
 * processes fires with {@link ExitReason.Kind#NOCONNECTION} and every call to them fails at once.
 *
 * <p>Thread rule: every method may be called from any thread, including handlers, and none blocks
 * for the network (a send is queued; a call's answer comes through its stage). Errors the sender can
 * see at once (a message that is not neutral data, or too large; an unknown node) are
 * {@link dev.molt.api.ProcessException}s thrown by the method, with nothing sent.
 */
@ConsumerType
public interface RemoteRouter {

    /** The runtime starts using this router; {@code local} is what the router may do to local processes. */
    void attach(LocalNode local);

    /** The runtime stops using this router (it is shutting down, or another router took over). */
    void detach(LocalNode local);

    /**
     * The pid with its node's current incarnation filled in, when {@code pid.incarnation()} is 0;
     * the pid itself otherwise.
     *
     * @throws dev.molt.api.NoSuchProcessException if no node of that name is in the view
     */
    Pid complete(Pid pid);

    /** Queues {@code message} for a remote process; dropped if that process or its node is gone, as in Erlang. */
    void send(Pid to, Object message);

    /**
     * Sends {@code message} as a call; the stage completes with the reply or with the exception
     * {@link dev.molt.api.ProcessRuntime#call} would throw ({@link dev.molt.api.ProcessExitedException}
     * with a {@code noconnection} reason, at once, when the node leaves).
     */
    CompletionStage<Object> call(Pid to, Object message, Duration timeout);

    /**
     * Runs {@code onExit} once when {@code remote} ends, with its reason ({@code noproc} if it was not
     * alive, {@code noconnection} if its node leaves or is not in the view).
     */
    Watch watch(Pid remote, Consumer<ExitReason> onExit);

    /**
     * Tells {@code remote}'s node that the local process {@code local} linked to it: that node links
     * {@code remote} back ({@link LocalNode#linkFromRemote}), so that either's end reaches the other.
     * The local half (watching {@code remote}) is the runtime's.
     */
    void link(Pid local, Pid remote);

    /** Undoes {@link #link} on {@code remote}'s node. */
    void unlink(Pid local, Pid remote);

    /** Asks {@code remote} to stop ({@code kill} false: terminate runs) or kills it; dropped if it is gone. */
    void exit(Pid remote, ExitReason reason, boolean kill);

    /** The process a global name is registered to, anywhere in the cluster. */
    Optional<Pid> whereisGlobal(String name);
}
