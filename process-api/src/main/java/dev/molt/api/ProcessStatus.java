package dev.molt.api;

/** Where a process is in its life. */
public enum ProcessStatus {
    /** Bound to a version of its behaviour: handling messages or waiting for one. */
    RUNNING,
    /** Its behaviour is being replaced, or no version is present: messages queue. */
    SUSPENDED,
    /**
     * An upgrade could not move it (export or import threw, or a handler overran the upgrade
     * timeout): suspended with its exported state and mailbox kept until a version that can
     * import it is deployed, or it is killed.
     */
    HELD,
    /** Ended; kept only in the reports of those who watched it. */
    EXITED
}
