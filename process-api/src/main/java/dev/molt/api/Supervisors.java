package dev.molt.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Supervision trees (OTP's {@code supervisor} module), registered as a service by the supervision
 * bundle. A supervisor is a process of the built-in behaviour {@value #BEHAVIOUR}: it can be named,
 * monitored and linked, and it moves to new code, children and all, when its bundle is updated.
 *
 * <p>A supervisor traps exits and links to each child from before the child's {@code init} runs
 * ({@link ProcessContext#spawnLink}). An upgrade never ends a process, so an upgrade of a child's
 * behaviour (or of the supervisor's) restarts nothing; a child whose new code crashes is restarted
 * under its supervisor's rules, into the version that serves new processes then (see
 * {@link SupervisorSpec}). Crashes of a canary's processes count toward the canary's automatic
 * abort whether or not a supervisor restarts them.
 *
 * <p>Errors are {@link ProcessException}s that say what is wrong; a method that throws changed nothing.
 * A supervisor is given by pid or by registered name (as {@link ProcessRuntime#resolve}).
 */
@ProviderType
public interface Supervisors {

    /** The name of the built-in supervisor behaviour. */
    String BEHAVIOUR = "molt.supervisor";

    /**
     * Spawns a supervisor, which starts its children in order before this returns.
     *
     * @param name a name to register the supervisor under, or null
     * @throws SpawnException if a child could not start (those started are stopped again)
     */
    Pid start(String name, SupervisorSpec spec);

    /** The children of {@code supervisor}, in start order. */
    List<ChildInfo> whichChildren(String supervisor);

    /** Adds {@code spec} to a static supervisor and starts it; returns the child's pid. */
    Pid startChild(String supervisor, ChildSpec spec);

    /** Starts a dynamic child of a simple_one_for_one supervisor with {@code argument} (null: the template's). */
    Pid startChild(String supervisor, Object argument);

    /**
     * Stops a child (by id, or for a dynamic child by pid) as its shutdown says; a static child's spec
     * is kept (restart it with {@link #restartChild}); a dynamic child is removed.
     */
    void terminateChild(String supervisor, String child);

    /** Starts a terminated static child again; returns its new pid. */
    Pid restartChild(String supervisor, String child);

    /** Removes the spec of a terminated static child. */
    void deleteChild(String supervisor, String child);

    /** Every supervisor tree, from the supervisors that no supervisor supervises. */
    List<SupervisionNode> trees();
}
