package dev.molt.jmx;

/**
 * {@code dev.molt:type=Behaviour,name=<behaviour>}: one behaviour's versions, processes and
 * metrics (latency in nanoseconds, over about the last minute, sampled), and its upgrades. Errors as
 * in {@link RuntimeMBean}.
 */
public interface BehaviourMBean {

    String getName();

    /** The version new processes get, or empty while none is registered. */
    String getActiveVersion();

    /** Registered versions, newest first. */
    String[] getVersions();

    int getProcesses();

    /** {@code version=count} for each version with processes ({@code waiting}: with none). */
    String[] getProcessesByVersion();

    int getHeld();

    long getMailboxDepth();

    long getMaxMailboxDepth();

    long getMessagesHandled();

    long getSpawned();

    long getExited();

    long getCrashes();

    long getRecentCrashes();

    long getRestarts();

    long getWaitP50Nanos();

    long getWaitP99Nanos();

    long getWaitMaxNanos();

    long getHandlerP50Nanos();

    long getHandlerP99Nanos();

    long getHandlerMaxNanos();

    /** Upgrades to the jar at {@code jarUrl} in {@code mode} (atomic, rolling, canary; {@code canary}: the selection). */
    String upgrade(String jarUrl, String mode, String canary);

    String rollback();

    String promote();

    String abort();
}
