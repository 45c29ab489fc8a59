package dev.molt.jmx;

/** {@code dev.molt:type=UpgradeHistory}: the settled upgrades, oldest first, as proc:history has them. */
public interface UpgradeHistoryMBean {

    int getCount();

    /** Each upgrade's one-line summary, oldest first. */
    String[] getSummaries();

    /** The newest upgrade's summary, or empty. */
    String getLast();

    /** Each upgrade's processes' pauses: behaviour, versions, p50, p99 and max in microseconds. */
    String[] getPauses();
}
