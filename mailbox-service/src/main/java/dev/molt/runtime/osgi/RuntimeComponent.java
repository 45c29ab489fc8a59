package dev.molt.runtime.osgi;

import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.api.Behaviour;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.RuntimeSettings;
import dev.molt.runtime.code.BehaviourVersion;

/**
 * The runtime as an OSGi component: it holds a {@link MoltRuntime}, registers it as the
 * {@link ProcessRuntime} service, follows every {@link Behaviour} service
 * ({@link BehaviourTracker}), and gives the runtime its code host ({@link BundleCodeHost}).
 *
 * <p>Configuration (PID {@code dev.molt.runtime}) is applied by {@link #modified} without
 * restarting anything: processes survive a change of settings.
 */
@Component(service = {}, configurationPid = "dev.molt.runtime", immediate = true)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=dev.molt.api.ProcessRuntime",
        uses = ProcessRuntime.class)
public final class RuntimeComponent {

    /** Settings; every one has a default that needs no configuration. */
    public @interface Config {
        /** Turns that run at once (worker permits); 0 means one per core. */
        int workers() default 0;

        /** User messages a process handles per turn before others get the thread. */
        int throughput() default 50;

        /** How long an upgrade waits for a running handler before it reports the process held. */
        long upgradeTimeoutMillis() default 5000;

        /** Upgrade reports kept for proc:history. */
        int historySize() default 100;

        /** Worker threads at most, counting those blocked in handlers; 0 means 256 (or 4 per worker). */
        int maxThreads() default 0;

        /** Processes a rolling upgrade moves at once. */
        int rollingBatch() default 4;

        /** Crashes of canary processes within canaryWindowSeconds that abort a canary. */
        int canaryMaxCrashes() default 3;

        /** The window of canaryMaxCrashes. */
        long canaryWindowSeconds() default 60;

        /** How a jar replaced in FileInstall's deploy folder upgrades its behaviour: atomic or rolling. */
        String deployUpgrade() default "atomic";
    }

    private final MoltRuntime runtime;
    private final ServiceTracker<Behaviour<?>, BehaviourVersion> tracker;
    private final ServiceRegistration<ProcessRuntime> registration;
    /** The deploy folder's mode in force; DS calls activate and modified one at a time, so a plain field. */
    private UpgradeMode deployUpgrade;

    @Activate
    public RuntimeComponent(BundleContext context, Config config, Map<String, Object> properties) {
        JarStore copies = new JarStore(context);
        this.deployUpgrade = DeploySetting.mode(config.deployUpgrade(), UpgradeMode.ATOMIC);
        this.runtime = new MoltRuntime(settings(config));
        runtime.host(new BundleCodeHost(context, copies));
        this.registration = context.registerService(ProcessRuntime.class, runtime, serviceProperties(properties, deployUpgrade));
        this.tracker = new ServiceTracker<>(context, behaviourClass(), new BehaviourTracker(context, runtime, copies));
        tracker.open();
    }

    /** A cluster bundle's router (none outside a cluster): the runtime hands it the pids that are not local. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindRouter(RemoteRouter router) {
        runtime.attachRouter(router);
    }

    void unbindRouter(RemoteRouter router) {
        runtime.detachRouter(router);
    }

    @Modified
    void modified(Config config, Map<String, Object> properties) {
        runtime.reconfigure(settings(config));
        deployUpgrade = DeploySetting.mode(config.deployUpgrade(), deployUpgrade);
        registration.setProperties(serviceProperties(properties, deployUpgrade));
    }

    /**
     * The component's properties on the service, as DS would publish them (private ones, starting
     * with '.', left out), with the deploy folder's mode in force rather than as typed.
     */
    private static Hashtable<String, Object> serviceProperties(Map<String, Object> properties, UpgradeMode deployUpgrade) {
        Hashtable<String, Object> out = new Hashtable<>();
        properties.forEach((k, v) -> {
            if (!k.startsWith(".") && v != null) {
                out.put(k, v);
            }
        });
        out.put(DeploySetting.PROPERTY, DeploySetting.name(deployUpgrade));
        return out;
    }

    @Deactivate
    void deactivate() {
        registration.unregister();
        runtime.shutdown(); // processes first, so that closing the tracker has nothing left to migrate
        tracker.close();
    }

    static RuntimeSettings settings(Config c) {
        int workers = c.workers() > 0 ? c.workers() : Runtime.getRuntime().availableProcessors();
        int maxThreads = c.maxThreads() > 0 ? Math.max(c.maxThreads(), workers) : Math.max(256, workers * 4);
        return new RuntimeSettings(workers, c.throughput(), Duration.ofMillis(c.upgradeTimeoutMillis()), c.historySize(),
                maxThreads, c.rollingBatch(), c.canaryMaxCrashes(), Duration.ofSeconds(c.canaryWindowSeconds()));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<Behaviour<?>> behaviourClass() {
        return (Class) Behaviour.class;
    }
}
