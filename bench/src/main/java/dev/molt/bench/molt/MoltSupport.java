package dev.molt.bench.molt;

import dev.molt.api.Behaviour;
import dev.molt.bench.pekko.PekkoSupport;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.RuntimeSettings;

/**
 * Starts Molt's runtime core without OSGi, configured like the Pekko side: as many workers as
 * Pekko's dispatcher threads, the same throughput per turn. Registering and withdrawing a
 * behaviour here is what the OSGi service events do in a framework.
 */
public final class MoltSupport {

    private MoltSupport() {
    }

    public static RuntimeSettings settings() {
        return RuntimeSettings.defaults()
                .withWorkers(PekkoSupport.THREADS)
                .withThroughput(PekkoSupport.THROUGHPUT);
    }

    public static MoltRuntime start() {
        return new MoltRuntime(settings());
    }

    /** Makes {@code code} available as {@code version} of {@code behaviour}; returns its binding. */
    public static BehaviourVersion register(MoltRuntime runtime, String behaviour, String version, Behaviour<?> code) {
        return runtime.register(behaviour, version, code);
    }

    /** Withdraws a version registered by {@link #register}, as a service unregistration does. */
    public static void unregister(MoltRuntime runtime, BehaviourVersion binding) {
        runtime.unregister(binding);
    }
}
