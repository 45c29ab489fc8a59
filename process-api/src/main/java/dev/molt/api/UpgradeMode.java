package dev.molt.api;

/** How an upgrade moves a behaviour's processes to a new version. */
public enum UpgradeMode {
    /**
     * Every process of the old version moves at once, each at its own next message boundary; a busy
     * one never delays the others. What a plain {@code Bundle.update} does (Gogo {@code update},
     * Karaf {@code bundle:update}, the deploy folder).
     */
    ATOMIC,
    /**
     * The new version runs beside the old one; processes move a few at a time, each paused only for
     * its own export and import, while the rest keep running. The old version goes when empty.
     */
    ROLLING,
    /**
     * As rolling, but only a subset moves and the upgrade stops there, until it is promoted (the rest
     * move) or aborted (the subset moves back); too many crashes of the subset abort it by itself.
     */
    CANARY
}
