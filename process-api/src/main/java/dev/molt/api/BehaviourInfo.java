package dev.molt.api;

import java.util.List;

/**
 * A behaviour name and what the runtime knows of it.
 *
 * @param name      the behaviour's name
 * @param active    the version new processes get, or null while none is registered
 * @param versions  every registered version, newest first (a version registered twice appears twice)
 * @param bundleId  the bundle providing the active version, or -1
 * @param processes live processes of this behaviour
 * @param details   each registered version with its bundle and its processes, newest first, and the
 *                  processes waiting for code (suspended or held) as a last entry with a null bundle
 */
public record BehaviourInfo(String name, String active, List<String> versions, long bundleId, int processes,
                            List<VersionInfo> details) {

    /**
     * One registered version.
     *
     * @param version   the version
     * @param bundleId  the bundle registering it, or -1 (for the waiting entry too)
     * @param bundle    the bundle's symbolic name and id, or null
     * @param processes processes running it
     * @param serving   whether new processes get this one
     * @param duplicate whether another bundle registers the same version of the same behaviour
     */
    public record VersionInfo(String version, long bundleId, String bundle, int processes, boolean serving,
                              boolean duplicate) {
    }

    public BehaviourInfo {
        versions = List.copyOf(versions);
        details = details == null ? List.of() : List.copyOf(details);
    }

    /** The info of API 1.0, without per-version details. */
    public BehaviourInfo(String name, String active, List<String> versions, long bundleId, int processes) {
        this(name, active, versions, bundleId, processes, List.of());
    }
}
