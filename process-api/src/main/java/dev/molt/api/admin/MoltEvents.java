package dev.molt.api.admin;

/**
 * The OSGi events (EventAdmin) the runtime posts, and their properties: a table of them is in the
 * README ("Events"). Every event is posted ({@code postEvent}, asynchronous) from one thread, in the
 * order things happened, so a handler sees an upgrade's events in order. Process events are off by
 * default ({@code processEvents} in the runtime's settings).
 */
public final class MoltEvents {

    private MoltEvents() {
    }

    /** Every Molt topic starts with this; subscribe to {@code dev/molt/*} for all of them. */
    public static final String PREFIX = "dev/molt/";

    /** An upgrade began: its old version started to go away, or its first process is about to move. */
    public static final String UPGRADE_STARTED = "dev/molt/upgrade/STARTED";
    /** A rolling or canary upgrade moved more processes (at most one event per 100 ms of an upgrade, and the first move). */
    public static final String UPGRADE_PROGRESS = "dev/molt/upgrade/PROGRESS";
    /** A process could not move and is held. */
    public static final String UPGRADE_HELD = "dev/molt/upgrade/HELD";
    /** A canary moved its subset and waits to be promoted or aborted. */
    public static final String UPGRADE_CANARY = "dev/molt/upgrade/CANARY";
    /** Every process moved or was held. */
    public static final String UPGRADE_COMPLETED = "dev/molt/upgrade/COMPLETED";
    /** A canary was aborted: its processes went back. */
    public static final String UPGRADE_ABORTED = "dev/molt/upgrade/ABORTED";
    /** A behaviour version was registered. */
    public static final String BEHAVIOUR_REGISTERED = "dev/molt/behaviour/REGISTERED";
    /** A behaviour version was withdrawn (its bundle updated, refreshed or stopped). */
    public static final String BEHAVIOUR_WITHDRAWN = "dev/molt/behaviour/WITHDRAWN";
    /** A process was spawned (off by default; see the class comment). */
    public static final String PROCESS_SPAWNED = "dev/molt/process/SPAWNED";
    /** A process ended (off by default). */
    public static final String PROCESS_EXITED = "dev/molt/process/EXITED";

    /** String: the behaviour's name (every event). */
    public static final String BEHAVIOUR = "behaviour";
    /** String: the version a behaviour event is about; for process events, the version the process ran. */
    public static final String VERSION = "version";
    /** String: the version an upgrade leaves. */
    public static final String FROM = "from";
    /** String: the version an upgrade goes to (absent while not yet known: an atomic upgrade whose new version has not registered). */
    public static final String TO = "to";
    /** String: ATOMIC, ROLLING or CANARY. */
    public static final String MODE = "mode";
    /** String: IN_PROGRESS, CANARY, COMPLETED or ABORTED. */
    public static final String OUTCOME = "outcome";
    /** Long: epoch milliseconds when the upgrade began. */
    public static final String STARTED = "started";
    /** Integer: processes the upgrade set out to move so far. */
    public static final String PROCESSES = "processes";
    /** Integer: processes moved. */
    public static final String MIGRATED = "migrated";
    /** Integer: processes held. */
    public static final String HELD = "held";
    /** Integer: processes that ended during the upgrade. */
    public static final String FAILED = "failed";
    /** Long: nanoseconds from the first export to the last import so far. */
    public static final String TOTAL_NANOS = "total.nanos";
    /** Long: the longest pause of one process, in nanoseconds. */
    public static final String LONGEST_PAUSE_NANOS = "longest.pause.nanos";
    /** String: the report's one-line summary, as proc:history prints it. */
    public static final String SUMMARY = "summary";
    /** String: why a canary was aborted, or why a process is held. */
    public static final String REASON = "reason";
    /** Long: a process id. */
    public static final String PID = "pid";
    /** String: a process's registered name (absent when it has none). */
    public static final String NAME = "name";
    /** String: how a process ended: NORMAL, SHUTDOWN, KILLED, ERROR, LINKED. */
    public static final String EXIT_KIND = "exit.kind";
    /** Long: the id of the bundle that provides a behaviour version (-1 without a framework). */
    public static final String BUNDLE_ID = "bundle.id";
    /** String: that bundle's symbolic name and id. */
    public static final String BUNDLE = "bundle";
}
