package dev.molt.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The runtime service: spawn processes of named behaviours, send and call, monitor, stop,
 * list, and read upgrade reports. Registered by the mailbox-service bundle.
 *
 * <p>Thread rule: every method may be called from any thread, including a behaviour's
 * callbacks. Only {@link #call} blocks, and only its caller.
 *
 * <p>Errors are unchecked {@link ProcessException}s whose message says what is wrong and what
 * to do; a method that throws has changed nothing.
 */
@ProviderType
public interface ProcessRuntime {

    /** Spawns an unnamed process; see {@link #spawn(String, String, Object)}. */
    default Pid spawn(String behaviour, Object argument) {
        return spawn(behaviour, null, argument);
    }

    /**
     * Spawns a process of the newest available version of {@code behaviour}. The behaviour's
     * {@code init} runs on this thread before this method returns.
     *
     * @param name     a unique name to register the process under, or null
     * @param argument passed to {@code init}
     * @throws UnknownBehaviourException if no version of the behaviour is registered
     * @throws DuplicateNameException    if a live process holds {@code name}
     * @throws InvalidNameException      if {@code name} breaks the naming rule (see {@link InvalidNameException})
     * @throws SpawnException            if {@code init} failed
     */
    Pid spawn(String behaviour, String name, Object argument);

    /**
     * Spawns as {@link #spawn(String, String, Object)} does, with the new process linked to
     * {@code linkTo} before its {@code init} runs, so that no exit of it, not even one during
     * {@code init}, goes unseen (Erlang's {@code spawn_link}; a process uses
     * {@link ProcessContext#spawnLink}). If {@code init} fails, the link is removed before the
     * process ends: the spawner learns of it from the {@link SpawnException} alone.
     *
     * @throws NoSuchProcessException if {@code linkTo} is not alive; nothing is spawned
     */
    Pid spawnLinked(Pid linkTo, String behaviour, String name, Object argument);

    /**
     * Queues {@code message} for {@code to} and returns at once, never waiting for a handler.
     * A message to a process that has ended is dropped, as in Erlang.
     *
     * @throws NoSuchProcessException only if {@code to} was never a process of this runtime
     */
    void send(Pid to, Object message);

    /**
     * Queues {@code message} for the process registered as {@code name}.
     *
     * @throws NoSuchProcessException if no live process has that name
     */
    void send(String name, Object message);

    /**
     * Sends {@code message} as a call and waits at most {@code timeout} for the reply.
     *
     * @throws CallTimeoutException   if no reply came in time (a later reply is dropped)
     * @throws ProcessExitedException if the process ended before replying, or did not reply
     * @throws NoSuchProcessException if {@code to} is not alive (at once)
     */
    Object call(Pid to, Object message, Duration timeout);

    /**
     * The call without blocking: the stage completes with the reply, or exceptionally with
     * one of the exceptions {@link #call} throws.
     */
    CompletionStage<Object> callAsync(Pid to, Object message, Duration timeout);

    /** Sends {@code message} to {@code to} after {@code delay}. */
    TimerRef sendAfter(Pid to, Object message, Duration delay);

    /** The live process registered as {@code name}. */
    Optional<Pid> whereis(String name);

    /**
     * Resolves a shell-style reference: a pid ({@code <42>} or {@code 42}) or a registered name.
     *
     * @throws NoSuchProcessException if it names no live process
     */
    Pid resolve(String pidOrName);

    /**
     * A stage that completes with the exit reason when {@code pid} ends ({@link ExitReason#NOPROC}
     * at once if it is not alive): a monitor for callers that are not processes.
     */
    CompletionStage<ExitReason> watch(Pid pid);

    /**
     * Asks {@code pid} to stop after its current message: {@code terminate} runs, queued
     * messages are dropped, the reason is {@link ExitReason#SHUTDOWN}.
     *
     * @return false if it was not alive
     */
    boolean stop(Pid pid);

    /**
     * Ends {@code pid} without running {@code terminate}; queued messages are dropped and
     * queued calls fail. A handler already running finishes first (a JVM thread cannot be
     * taken off its stack safely); the process never handles another message.
     *
     * @return false if it was not alive
     */
    boolean kill(Pid pid, String reason);

    /** Every live process, in pid order. */
    List<ProcessInfo> processes();

    /** One process, if it is alive. */
    Optional<ProcessInfo> info(Pid pid);

    /**
     * The process's state as its current version exports it (neutral data), read at a message
     * boundary like {@code sys:get_state}. For a suspended or held process, the exported state
     * it is waiting with.
     */
    CompletionStage<Object> state(Pid pid);

    /** The behaviours known to the runtime, with their available versions. */
    List<BehaviourInfo> behaviours();

    /**
     * Completed upgrade reports, oldest first (a bounded history), each as it stands now: a
     * process an upgrade left held is counted there when it moves late or ends (see
     * {@link UpgradeReport}).
     */
    List<UpgradeReport> upgradeHistory();

    /**
     * Updates the bundle that provides {@code behaviour} (a behaviour name, or the bundle's id)
     * from the jar at {@code location}, waits until its processes have moved to the new code
     * (or were held), and returns the report. It is the same migration a plain
     * {@code Bundle.update} (Gogo {@code update}, Karaf {@code bundle:update}, FileInstall)
     * triggers; this method only adds the checks and the wait.
     *
     * @param location a URL (or file path) of the new jar
     * @throws UnknownBehaviourException if nothing provides {@code behaviour}
     * @throws ProcessException          if the jar cannot be read, is not a bundle, or is a
     *                                   different bundle (another symbolic name); nothing is changed
     */
    UpgradeReport upgrade(String behaviour, String location);

    /**
     * Reinstalls the version of {@code behaviour} that ran before the newest upgrade, from the
     * copy the runtime kept, and migrates the processes back to it (processes that were held
     * are retried from their kept state).
     *
     * @return the report of the migration back
     * @throws UnknownBehaviourException if the behaviour has no earlier version to go back to
     */
    UpgradeReport rollback(String behaviour);

    /**
     * Upgrades the behaviour (a name, or the id of the bundle providing it) to the jar at
     * {@code location} (a URL or a file path), in the mode {@code options} says.
     *
     * <p>Every mode reads the new jar first and refuses, before anything stops, an upgrade with no
     * migration path: the new version may declare the versions it imports state from
     * ({@code @MoltBehaviour(value = "counter", importsFrom = "[1.0,3.0)")}), and a running version
     * outside that range is a one-line error naming both. Rolling and canary install the new
     * version beside the old one (the same bundle symbolic name, another version).
     *
     * @return the report: complete for atomic and rolling, at the canary stage for a canary
     * @throws UnknownBehaviourException if nothing provides the behaviour
     * @throws ProcessException if the jar cannot be read, is another bundle, has no
     *         migration path from a running version, or another upgrade of the behaviour is under way;
     *         nothing is changed
     */
    UpgradeReport upgrade(String behaviour, String location, UpgradeOptions options);

    /** Moves the rest of a canary's processes to the new version; the old version goes when empty. */
    UpgradeReport promote(String behaviour);

    /** Moves a canary's processes back to the old version and removes the new one. */
    UpgradeReport abort(String behaviour);

    /** The upgrade of {@code behaviour} under way (rolling, or stopped at its canary stage), if any. */
    Optional<UpgradeReport> inProgress(String behaviour);

    // ---- process groups (Erlang's pg) ---------------------------------------------------

    /**
     * Adds {@code pid} to the process group {@code group} (made on first join); joining twice is one
     * membership. A member leaves every group when it ends; upgrades keep memberships.
     *
     * @throws NoSuchProcessException if {@code pid} is not alive
     * @throws IllegalArgumentException if the group name is blank or has control characters
     */
    void join(String group, Pid pid);

    /**
     * Removes {@code pid} from {@code group}; a group with no members and no monitors is gone.
     *
     * @return false if it was not a member
     */
    boolean leave(String group, Pid pid);

    /** The live members of {@code group}, in join order (empty for an unknown group). */
    List<Pid> members(String group);

    /** The groups that have members, sorted by name. */
    List<String> groups();

    /**
     * Monitors {@code group} for {@code watcher}: it receives a {@link GroupChange} message for every
     * join and leave from now on; the monitor ends when the watcher ends or demonitors.
     *
     * @return the monitor and the members at this moment
     * @throws NoSuchProcessException if {@code watcher} is not alive
     */
    GroupMonitor monitorGroup(String group, Pid watcher);

    /** Ends a group monitor; false if it had ended. */
    boolean demonitorGroup(GroupMonitor.Ref ref);
}
