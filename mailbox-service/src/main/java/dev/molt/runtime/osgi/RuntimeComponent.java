package dev.molt.runtime.osgi;

import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.api.Behaviour;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;
import dev.molt.api.admin.RuntimeInsight;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.RuntimeSettings;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.handover.AcrossApi;
import dev.molt.runtime.handover.Image;
import dev.molt.runtime.handover.TakeOver;
import dev.molt.runtime.observe.ObserveSettings;

/**
 * The runtime as an OSGi component: it holds a {@link MoltRuntime}, registers it as the
 * {@link ProcessRuntime} service and its metrics as the {@link RuntimeInsight} service, follows every
 * {@link Behaviour} service ({@link BehaviourTracker}), gives the runtime its code host
 * ({@link BundleCodeHost}), and posts the runtime's events to EventAdmin where the optional import
 * of {@code org.osgi.service.event} is wired ({@link EventAdminBridge}).
 *
 * <p>Configuration (PID {@code dev.molt.runtime}, described for the MetaType service: the Web
 * Console's configuration page and Karaf's {@code config:} commands show each setting) is applied by
 * {@link #modified} without restarting anything: processes survive a change of settings.
 */
@Component(service = {}, configurationPid = RuntimeComponent.PID, immediate = true)
@Designate(ocd = RuntimeComponent.Config.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=dev.molt.api.ProcessRuntime",
        uses = ProcessRuntime.class)
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=dev.molt.api.admin.RuntimeInsight",
        uses = RuntimeInsight.class)
public final class RuntimeComponent {

    public static final String PID = "dev.molt.runtime";

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    /** Settings; every one has a default that needs no configuration. */
    @ObjectClassDefinition(name = "Molt runtime",
            description = "How the Molt process runtime schedules, upgrades and measures its processes. Every setting"
                    + " applies at once, without restarting any process.")
    public @interface Config {
        @AttributeDefinition(name = "Workers", description = "Turns that run at once (worker permits); 0 means one per core.")
        int workers() default 0;

        @AttributeDefinition(name = "Throughput", description = "User messages a process handles per turn before others get the thread.")
        int throughput() default 50;

        @AttributeDefinition(name = "Upgrade timeout (ms)", description = "How long an upgrade waits for a running handler"
                + " before it reports the process held (it still moves when the handler returns).")
        long upgradeTimeoutMillis() default 5000;

        @AttributeDefinition(name = "History size", description = "Upgrade reports kept for proc:history.")
        int historySize() default 100;

        @AttributeDefinition(name = "Maximum threads", description = "Worker threads at most, counting those blocked in"
                + " handlers; 0 means 256 (or 4 per worker).")
        int maxThreads() default 0;

        @AttributeDefinition(name = "Rolling batch", description = "Moves a rolling upgrade or canary has in flight at"
                + " most (the window starts at one and widens as moves settle, within about 3 ms of migration"
                + " work); each process still pauses only for its own export and import, on its own turn.")
        int rollingBatch() default RuntimeSettings.DEFAULT_ROLLING_BATCH;

        @AttributeDefinition(name = "Canary crashes", description = "Crashes of canary processes within the canary"
                + " window that abort a canary.")
        int canaryMaxCrashes() default 3;

        @AttributeDefinition(name = "Canary window (s)", description = "The window of the canary crashes.")
        long canaryWindowSeconds() default 60;

        @AttributeDefinition(name = "Latency sampling", description = "One message in this many (a power of two) is"
                + " timed: its wait in the mailbox and its handler, for the percentiles per behaviour. 0 turns timing off.")
        int latencySampling() default 64;

        @AttributeDefinition(name = "Per-process latency", description = "Each process keeps its own latency"
                + " percentiles too (a few hundred bytes to a few KB for each process that handled a timed message).")
        boolean processLatency() default false;

        @AttributeDefinition(name = "Process events", description = "Post a SPAWNED and an EXITED event to EventAdmin"
                + " for one process in this many (by pid); 0 posts none, 1 posts every one.")
        int processEvents() default 0;

        @AttributeDefinition(name = "Migration trails", description = "Processes whose last migrations are kept for"
                + " their detail page, at most.")
        int migrationTrails() default 100_000;

        @AttributeDefinition(name = "Deploy folder upgrade", description = "How a jar replaced in FileInstall's deploy"
                + " folder upgrades its behaviour: atomic or rolling.", options = {
                        @Option(label = "atomic", value = "atomic"), @Option(label = "rolling", value = "rolling")})
        String deployUpgrade() default "atomic";

        @AttributeDefinition(name = "Durable processes", description = "On a clean framework stop, write every process"
                + " (neutral state, mailbox, name, links, monitors, timers) to the snapshot directory, and restore them on"
                + " the next start: they wait for their behaviours and import their state. Pending calls fail at the stop.")
        boolean durable() default false;

        @AttributeDefinition(name = "Snapshot interval (s)", description = "With durable processes: also write a"
                + " snapshot this often while running (each process at its own message boundary), so that a crash"
                + " (kill -9) brings processes back as of the last one. 0 writes none.")
        int snapshotIntervalSeconds() default 0;

        @AttributeDefinition(name = "Snapshot directory", description = "Where snapshots go. Empty: the runtime"
                + " bundle's data area, or molt-data beside the framework's storage when the framework cleans its"
                + " storage at every start (org.osgi.framework.storage.clean=onFirstInit, as bin/molt does).")
        String snapshotDirectory() default "";
    }

    private final MoltRuntime runtime;
    private final ServiceTracker<Behaviour<?>, BehaviourVersion> tracker;
    private final ServiceRegistration<ProcessRuntime> registration;
    private final ServiceRegistration<RuntimeInsight> insight;
    /** The EventAdmin bridge, or null where org.osgi.service.event is not wired. */
    private final AutoCloseable events;
    private final BundleContext context;
    /** Snapshots and restores (PID settings durable, snapshotIntervalSeconds, snapshotDirectory). */
    private final Durability durability;
    /** The hand-over this revision took over from, or null. */
    private final HandOverFigures handedOver;
    /** The deploy folder's mode in force; DS calls activate and modified one at a time, so a plain field. */
    private UpgradeMode deployUpgrade;

    @Activate
    public RuntimeComponent(BundleContext context, Config config, Map<String, Object> properties) {
        JarStore copies = new JarStore(context);
        this.deployUpgrade = DeploySetting.mode(config.deployUpgrade(), UpgradeMode.ATOMIC);
        this.runtime = new MoltRuntime(settings(config), observeSettings(config, ObserveSettings.defaults()));
        runtime.host(new BundleCodeHost(context, copies));
        // Typed as AutoCloseable, and the class named only here: without the wire it is never loaded.
        this.events = wired(context, "org.osgi.service.event") ? EventAdminBridge.open(context, runtime.events()) : null;
        this.context = context;
        Map<String, Object> image = HandOverChannel.take(context);
        // Versions first, then the processes (a live one runs on with its version at once), then the service.
        this.tracker = new ServiceTracker<>(context, behaviourClass(), new BehaviourTracker(context, runtime, copies));
        tracker.open();
        this.durability = new Durability(context, runtime, config);
        this.handedOver = image == null ? null : takeOver(image);
        if (image != null) {
            durability.handedOver(); // a hand-over, not a start: no snapshot of a start to restore
        }
        durability.schedule(config); // a framework start: the processes of the stop before, if durable
        Hashtable<String, Object> props = serviceProperties(properties, deployUpgrade, handedOver);
        this.registration = context.registerService(ProcessRuntime.class, runtime, props);
        this.insight = context.registerService(RuntimeInsight.class, runtime.insight(), props);
    }

    /** The image of the revision before: its processes go on here. */
    private HandOverFigures takeOver(Map<String, Object> image) {
        Object started = image.get(HANDOVER_STARTED);
        if (AcrossApi.FORM_PORTABLE.equals(image.get(Image.K_FORM))) {
            try {
                image = AcrossApi.read(image);
            } catch (java.io.IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "could not read the processes of the runtime before (across a"
                        + " refresh of process-api): " + e.getMessage() + "; they are lost");
                return null;
            }
        }
        String refused = TakeOver.refusal(image);
        if (refused != null) {
            int lost = TakeOver.discard(image, refused);
            LOG.log(System.Logger.Level.ERROR, "could not take over the " + lost + " processes of the runtime before: "
                    + refused + "; they are lost, their callers get a CancellationException");
            return null;
        }
        TakeOver.Outcome o;
        try {
            o = runtime.takeOver(image, true);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "could not take over the processes of the runtime before (" + e
                    + "); this runtime starts without them");
            return null;
        }
        long pause = started instanceof Long s && s != 0 ? System.nanoTime() - s : o.nanos();
        HandOverFigures f = new HandOverFigures(o.processes(), pause, String.valueOf(image.get(Image.K_RUNTIME)));
        LOG.log(System.Logger.Level.INFO, "took over " + o.processes() + " processes from runtime " + f.from() + " ("
                + o.running() + " running on, " + o.waiting() + " waiting for code, " + o.arriving()
                + " still in a handler there, " + o.timers() + " timers); longest pause " + millis(pause) + " ms");
        return f;
    }

    /** What the last hand-over to this revision did, on the service (the shell's report reads it). */
    record HandOverFigures(int processes, long longestPauseNanos, String from) {
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static final String HANDOVER_STARTED = "molt.handover.started";

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
        durability.schedule(config);
        runtime.reconfigure(settings(config));
        runtime.observe(observeSettings(config, runtime.observeSettings()));
        deployUpgrade = DeploySetting.mode(config.deployUpgrade(), deployUpgrade);
        registration.setProperties(serviceProperties(properties, deployUpgrade, handedOver));
        insight.setProperties(serviceProperties(properties, deployUpgrade, handedOver));
    }

    /** Whether this bundle's import of {@code pkg} (an optional one) is wired to an exporter. */
    static boolean wired(BundleContext context, String pkg) {
        BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
        if (wiring == null) {
            return false;
        }
        for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (pkg.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return true;
            }
        }
        return false;
    }

    /** The observation settings of {@code c}; a bad value is one warning line, and {@code before} stays. */
    static ObserveSettings observeSettings(Config c, ObserveSettings before) {
        try {
            return new ObserveSettings(c.latencySampling(), c.processLatency(), c.processEvents(), c.migrationTrails());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "configuration " + PID + " not applied: " + e.getMessage()
                    + "; fix it with config:edit or in deploy/" + PID + ".cfg. The previous observation settings stay");
            return before;
        }
    }

    /**
     * The component's properties on the service, as DS would publish them (private ones, starting
     * with '.', left out), with the deploy folder's mode in force rather than as typed.
     */
    private static Hashtable<String, Object> serviceProperties(Map<String, Object> properties, UpgradeMode deployUpgrade,
                                                               HandOverFigures handedOver) {
        Hashtable<String, Object> out = new Hashtable<>();
        properties.forEach((k, v) -> {
            if (!k.startsWith(".") && v != null) {
                out.put(k, v);
            }
        });
        out.put(DeploySetting.PROPERTY, DeploySetting.name(deployUpgrade));
        if (handedOver != null) {
            out.put("molt.handover.processes", handedOver.processes());
            out.put("molt.handover.longestPauseMillis", handedOver.longestPauseNanos() / 1e6);
            out.put("molt.handover.from", handedOver.from());
        }
        return out;
    }

    @Deactivate
    void deactivate() {
        insight.unregister();
        registration.unregister();
        durability.cancel();
        if (HandOverChannel.isReplacement(context)) {
            // An update or refresh of this bundle: the next revision takes every process as it is.
            long grace = runtime.settings().upgradeTimeout().toNanos();
            String own = context.getBundle().getVersion().toString();
            Map<String, Object> image = HandOverChannel.isApiBeingReplaced(context)
                    ? runtime.handOverAcrossApi(apiVersion(), own, grace) // process-api was updated: refreshed with it
                    : runtime.handOver(apiVersion(), own, grace);
            image.put(HANDOVER_STARTED, runtime.handOverStarted());
            HandOverChannel.offer(context, image);
        } else if (HandOverChannel.isFrameworkStopping(context) && durability.isOn()) {
            durability.stop(); // written, then ended without terminate: they go on after the restart
        } else {
            runtime.shutdown(); // processes first, so that closing the tracker has nothing left to migrate
            durability.forget(); // they ended for good: no snapshot brings them back
        }
        tracker.close();
        if (events != null) {
            try {
                events.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the EventAdmin bridge: " + e);
            }
        }
    }

    /** The version of the API package this revision is wired to. */
    private String apiVersion() {
        return apiVersion(context);
    }

    static String apiVersion(BundleContext context) {
        BundleWiring wiring = context.getBundle().adapt(BundleWiring.class);
        if (wiring != null) {
            for (BundleWire w : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
                Map<String, Object> a = w.getCapability().getAttributes();
                if ("dev.molt.api".equals(a.get(PackageNamespace.PACKAGE_NAMESPACE))) {
                    return String.valueOf(a.get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE));
                }
            }
        }
        return "unknown";
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
