package dev.molt.api;

import java.util.List;

/**
 * A behaviour name and what the runtime knows of it.
 *
 * @param name      the behaviour's name
 * @param active    the version new processes get, or null while none is registered
 * @param versions  every registered version, newest first
 * @param bundleId  the bundle providing the active version, or -1
 * @param processes live processes of this behaviour
 */
public record BehaviourInfo(String name, String active, List<String> versions, long bundleId, int processes) {
}
