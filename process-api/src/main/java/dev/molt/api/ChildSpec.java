package dev.molt.api;

import java.time.Duration;

/**
 * One child of a supervisor, as OTP's child specification: neutral data (a record of JDK values,
 * enums and this package's types), so that it survives upgrades of the supervisor and of the
 * bundle that declared it.
 *
 * <p>The behaviour is named, never given as a class: a restarted child gets whatever version of it
 * serves new processes at that moment (see {@link SupervisorSpec}).
 *
 * @param id        the child's name within its supervisor: unique there, used by
 *                  {@link Supervisors#restartChild} and friends (letters, digits, '.', '-', '_')
 * @param behaviour the behaviour the child runs
 * @param argument  what the child's {@code init} receives; neutral data (JDK values, records and
 *                  enums of the JDK or this API, {@link Struct}, collections of them), so that the
 *                  supervisor can keep it across upgrades. Anything else is turned into neutral
 *                  data when the supervisor starts
 * @param restart   when the child is restarted
 * @param shutdown  how the supervisor stops it
 * @param name      a name to register each incarnation of the child under, or null
 */
public record ChildSpec(String id, String behaviour, Object argument, Restart restart, Shutdown shutdown, String name) {

    /** When a child that ended is started again (OTP's restart types). */
    public enum Restart {
        /** Always. */
        PERMANENT,
        /** Only if it ended abnormally (not {@link ExitReason.Kind#NORMAL} or {@link ExitReason.Kind#SHUTDOWN}). */
        TRANSIENT,
        /** Never: it is removed from its supervisor when it ends. */
        TEMPORARY
    }

    /** How long a worker has to end after it is asked to stop, unless its spec says otherwise. */
    public static final Duration DEFAULT_SHUTDOWN = Duration.ofSeconds(5);

    public ChildSpec {
        if (id == null || id.isBlank() || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
            throw new IllegalArgumentException("a child id is letters, digits, '.', '-' or '_', got '" + id + "'");
        }
        if (behaviour == null || behaviour.isBlank()) {
            throw new IllegalArgumentException("child " + id + " names no behaviour; give the behaviour's name");
        }
        if (restart == null) {
            throw new IllegalArgumentException("child " + id + " has no restart type; use PERMANENT, TRANSIENT or TEMPORARY");
        }
        if (shutdown == null) {
            throw new IllegalArgumentException("child " + id + " has no shutdown; use Shutdown.after(...), brutalKill() or infinity()");
        }
    }

    /** A permanent worker with the default shutdown ({@link #DEFAULT_SHUTDOWN}) and no registered name. */
    public static ChildSpec worker(String id, String behaviour, Object argument) {
        return new ChildSpec(id, behaviour, argument, Restart.PERMANENT, Shutdown.after(DEFAULT_SHUTDOWN), null);
    }

    /** A permanent child supervisor: the built-in supervisor behaviour with {@code spec}, shutdown infinity. */
    public static ChildSpec supervisor(String id, SupervisorSpec spec) {
        return new ChildSpec(id, Supervisors.BEHAVIOUR, spec, Restart.PERMANENT, Shutdown.infinity(), null);
    }

    public ChildSpec withRestart(Restart r) {
        return new ChildSpec(id, behaviour, argument, r, shutdown, name);
    }

    public ChildSpec withShutdown(Shutdown s) {
        return new ChildSpec(id, behaviour, argument, restart, s, name);
    }

    /** The same child, registered under {@code processName} each time it starts. */
    public ChildSpec withName(String processName) {
        return new ChildSpec(id, behaviour, argument, restart, shutdown, processName);
    }

    public ChildSpec withArgument(Object a) {
        return new ChildSpec(id, behaviour, a, restart, shutdown, name);
    }

    /** Whether this child is itself a supervisor (it runs the built-in supervisor behaviour). */
    public boolean isSupervisor() {
        return Supervisors.BEHAVIOUR.equals(behaviour);
    }
}
