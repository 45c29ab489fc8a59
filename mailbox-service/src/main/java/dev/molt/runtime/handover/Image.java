package dev.molt.runtime.handover;

/**
 * The layout of a process table as the JDK sees it: what one runtime revision hands the next, and what
 * a durable runtime writes to its data area. Only JDK types hold it together (a {@code Map} of
 * {@code List}s of {@code Object[]}), because the two revisions share no class of the runtime's: an
 * outgoing revision's classes are the ones that must be collected afterwards.
 *
 * <p>Two forms:
 * <ul>
 * <li><b>live</b> (a runtime update within one JVM, process-api untouched): states and messages are the
 * very objects the processes held, pending calls and watches are the callers' own
 * {@code CompletableFuture}s. Behaviour bundles are not touched by a runtime update, so their objects
 * stay valid as they are.</li>
 * <li><b>neutral</b> (a framework restart, a snapshot, a refresh of process-api): every state is
 * exported by its code, every queued message that holds a behaviour's classes is exported too, and
 * the values are neutral data (JDK values, collections, the API's data types). Written as CBOR
 * through {@link ImageCodec}; pending calls and watches are not in it (they fail).</li>
 * </ul>
 *
 * <p>The image map's keys are the {@code K_} constants; a process is an {@code Object[]} indexed by
 * the {@code P_} constants, a timer by the {@code T_} constants.
 */
public final class Image {

    private Image() {
    }

    /** The layout's version; a reader refuses another one. */
    public static final int FORMAT = 1;

    public static final String FORM_LIVE = "live";
    public static final String FORM_NEUTRAL = "neutral";

    // ---- the image map ----------------------------------------------------------------------

    /** Integer: {@link #FORMAT}. */
    public static final String K_FORMAT = "format";
    /** String: {@link #FORM_LIVE} or {@link #FORM_NEUTRAL}. */
    public static final String K_FORM = "form";
    /** String: the version of the {@code dev.molt.api} package the image was made with. */
    public static final String K_API = "api";
    /**
     * Live form only: the {@code Class} of {@code dev.molt.api.Pid} the image's values were made with.
     * A revision that sees another one (process-api was refreshed) cannot use the live objects.
     */
    public static final String K_API_CLASS = "apiClass";
    /** String: the version of the runtime bundle that made it. */
    public static final String K_RUNTIME = "runtime";
    /** Long: when it was made (epoch milliseconds). */
    public static final String K_MADE_AT = "madeAt";
    /** Long: the highest pid handed out. */
    public static final String K_LAST_PID = "lastPid";
    /** Long: the highest monitor reference handed out. */
    public static final String K_LAST_REF = "lastRef";
    /** List of Object[] (the {@code P_} slots). */
    public static final String K_PROCESSES = "processes";
    /** List of Object[] (the {@code T_} slots). */
    public static final String K_TIMERS = "timers";
    /**
     * A live image's {@code CompletableFuture<Object>}: the taking revision completes it with its
     * facade, which then serves the callers still holding the older one (not in a neutral image).
     */
    public static final String K_SUCCESSOR = "successor";
    /**
     * A live image's list beside {@link #K_TIMERS}, one {@code CompletableFuture<Object>} per timer, by
     * position: how the older revision's refs go on cancelling them (see {@code PendingTimers}).
     */
    public static final String K_TIMER_REFS = "timerRefs";
    /** Map of String (group) to List of Long (member pids, in join order). */
    public static final String K_GROUPS = "groups";
    /** List of Object[]: {String group, Long watcher pid, Long ref id}. */
    public static final String K_GROUP_MONITORS = "groupMonitors";
    /** Map of String (behaviour) to List of String (the versions that served, newest first: rollback's history). */
    public static final String K_SERVED = "served";
    /** List of the upgrade reports (live form only: {@code dev.molt.api.UpgradeReport} objects). */
    public static final String K_HISTORY = "history";
    /** Live form only: a {@code Consumer<Consumer<Object[]>>} that hands the successor what arrived after the image was made (see {@link Relay}). */
    public static final String K_RELAY = "relay";

    // ---- one process --------------------------------------------------------------------------

    /** Long: the pid's id (always a pid of this node). */
    public static final int P_PID = 0;
    /** String or null: its registered name. */
    public static final int P_NAME = 1;
    /** String: its behaviour. */
    public static final int P_BEHAVIOUR = 2;
    /** String: the version it runs (bound) or the version its state came from (exported). */
    public static final int P_VERSION = 3;
    /**
     * Long: the bundle id of the version it is bound to (-1 for a version registered from no bundle),
     * {@link #NEUTRAL} when its state is exported (waiting for code), or {@link #ARRIVING}.
     */
    public static final int P_BUNDLE = 4;
    /**
     * {@link #P_BUNDLE} of a process that was still in a handler when the image was made: the record
     * holds its pid, name and behaviour; the rest comes through the relay when it exports ({@code Relay.LATE}).
     */
    public static final long ARRIVING = -2L;
    /** {@link #P_BUNDLE} of a process whose state is exported (neutral data), waiting for a version to import it. */
    public static final long NEUTRAL = -3L;

    /** Whether a {@link #P_BUNDLE} value names the version the process runs (its state is live). */
    public static boolean isBound(long bundle) {
        return bundle >= -1;
    }
    /** Object: the live state (bound) or the exported neutral state; null if the state was lost (held for good). */
    public static final int P_STATE = 5;
    /** Object[]: the queued messages in order (a call's message in its place). */
    public static final int P_MESSAGES = 6;
    /** CompletableFuture[] parallel to the messages (the call's reply, or null for a plain message), or null when none is a call. */
    public static final int P_CALLS = 7;
    /** String[] parallel to the messages (the version that exported it, or null for a message as sent), or null when none is. */
    public static final int P_EXPORTED_FROM = 8;
    /** Boolean: it traps exits. */
    public static final int P_TRAP_EXITS = 9;
    /** long[]: the local pids it is linked to. */
    public static final int P_LINKS = 10;
    /** long[]: pairs (monitor ref id, watcher pid) of the processes that monitor it. */
    public static final int P_MONITORED_BY = 11;
    /** CompletableFuture[] (live form): outside watches of its exit ({@code ProcessRuntime.watch}), or null. */
    public static final int P_WATCHES = 12;
    /** Long: messages handed to a handler so far. */
    public static final int P_HANDLED = 13;
    /** Integer: upgrades of its code so far. */
    public static final int P_UPGRADES = 14;
    /** Integer: runtime hand-overs it went through (this one not counted yet). */
    public static final int P_HANDOVERS = 15;
    /** Integer: restores from a snapshot it went through (this one not counted yet). */
    public static final int P_RESTORES = 16;
    /** String or null: why it is held (a failed migration), carried over as it is. */
    public static final int P_HELD = 17;
    /** How many slots a process record has. */
    public static final int P_SLOTS = 18;

    // ---- one timer ---------------------------------------------------------------------------

    /** Long: the pid's id it sends to. */
    public static final int T_TO = 0;
    /** Object: the message. */
    public static final int T_MESSAGE = 1;
    /** Long: nanoseconds left until it fires, when the image was made. */
    public static final int T_LEFT_NANOS = 2;
    public static final int T_SLOTS = 3;
}
