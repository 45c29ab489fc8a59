package dev.molt.bench;

/**
 * One message workload on one system, set up and ready: {@link #round} does a fixed amount of
 * work and returns when all of it has been handled. Made once per JVM; the harness
 * ({@link Messages}) times its rounds.
 */
interface Workload extends AutoCloseable {

    /** Messages handled in one round (the rate is this over the round's wall time). */
    long messages();

    /** Sends one round's messages and waits until every one has been handled. */
    void round() throws Exception;

    /** The run-time check of the system's configuration, one line (see the report). */
    String check();

    /** Thread-name fragment of the system's scheduler threads, for the thread count. */
    String schedulerThreadMark();

    /** The scheduler's pool, once {@link #check} has found it, if a ForkJoinPool; else {@code null}. */
    java.util.concurrent.ForkJoinPool pool();

    @Override
    void close();
}
