package dev.molt.runtime.observe;

import java.util.Map;

/**
 * Something that happened in the runtime, as an event: a topic in the OSGi style
 * ({@code dev/molt/upgrade/COMPLETED}, see {@link dev.molt.api.admin.MoltEvents}) and its
 * properties (JDK values only, so that no sink holds a behaviour's classes).
 */
public record RuntimeEvent(String topic, Map<String, Object> properties) {

    public RuntimeEvent {
        properties = Map.copyOf(properties);
    }
}
