package dev.molt.jmx;

/**
 * {@code dev.molt:type=Runtime}: the runtime as a whole, and the operations on behaviours and
 * processes. An operation that cannot run throws an {@link IllegalArgumentException} whose message
 * is one line saying what is wrong and what to do; it has changed nothing.
 */
public interface RuntimeMBean {

    int getProcesses();

    long getSpawned();

    long getExited();

    long getCrashes();

    long getMessagesHandled();

    int getHeld();

    /** One message in this many is timed (0: none). */
    int getLatencySampling();

    boolean isProcessLatency();

    /** Events the runtime could not queue (its queue was full). */
    long getEventsDropped();

    /** The behaviours the runtime knows. */
    String[] getBehaviours();

    /** The live processes, one line each: pid, name, behaviour, version, status, mailbox depth, handled. */
    String[] getProcessList();

    /**
     * Upgrades {@code behaviour} (a name or a bundle id) to the jar at {@code jarUrl}.
     *
     * @param mode   atomic, rolling or canary
     * @param canary for a canary: N%, a count, or a name glob; empty otherwise
     * @return the report's summary
     */
    String upgrade(String behaviour, String jarUrl, String mode, String canary);

    /** Goes back to the version that ran before the newest upgrade; returns the report's summary. */
    String rollback(String behaviour);

    /** Moves the rest of a canary's processes to its new version; returns the report's summary. */
    String promote(String behaviour);

    /** Moves a canary's processes back; returns the report's summary. */
    String abort(String behaviour);

    /** Kills a process (a pid or a registered name); false if it was not alive. */
    boolean kill(String pidOrName, String reason);

    /** Asks a held process to import again into the version that serves now. */
    void retry(String pidOrName);
}
