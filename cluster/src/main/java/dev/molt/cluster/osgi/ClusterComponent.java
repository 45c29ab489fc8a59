package dev.molt.cluster.osgi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.cluster.Cluster;
import dev.molt.api.cluster.RemoteRouter;
import dev.molt.cluster.ClusterNode;
import dev.molt.cluster.ClusterSettings;

/**
 * The cluster as an OSGi component: present only when configured (PID {@code dev.molt.cluster}), it
 * joins the cluster on a thread of its own (joining takes up to the join attempts' time, which
 * should not hold up the thread that activated it), then registers the node as the runtime's
 * {@link RemoteRouter} and as the {@link Cluster} service. A changed configuration makes a new node
 * (DS deactivates and activates the component): pids of the old incarnation are then remote ones.
 */
@Component(service = {}, configurationPid = "dev.molt.cluster", configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
public final class ClusterComponent {

    private static final System.Logger LOG = System.getLogger("dev.molt.cluster");

    /** Settings; {@code node}, {@code port}, {@code peers} and {@code secret} have no useful default. */
    public @interface Config {
        String cluster() default "molt";

        String node();

        String bindAddress() default "127.0.0.1";

        int port() default 7800;

        String peers() default "";

        String secret();

        long failureTimeoutMillis() default 6000;

        long heartbeatMillis() default 2000;

        long verifyTimeoutMillis() default 1500;

        long mergeMinMillis() default 2000;

        long mergeMaxMillis() default 6000;

        long joinTimeoutMillis() default 1000;

        int joinAttempts() default 3;

        int maxMessageBytes() default 1 << 20;

        int maxJarBytes() default 64 << 20;

        long requestTimeoutMillis() default 10_000;

        long upgradeTimeoutMillis() default 120_000;

        boolean faultCommands() default false;
    }

    private final BundleContext context;
    private final Thread joiner;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    /** Guarded by this: the node once joined, and whether the component went away meanwhile. */
    private ClusterNode node;
    private boolean deactivated;

    @Activate
    public ClusterComponent(BundleContext context, Config config, @Reference ProcessRuntime runtime) {
        this.context = context;
        ClusterSettings settings;
        try {
            settings = settings(config);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "the cluster is not started: " + e.getMessage()
                    + " (configuration dev.molt.cluster)");
            this.joiner = null;
            return;
        }
        this.joiner = new Thread(() -> join(settings, runtime), "molt-cluster-join");
        joiner.setDaemon(true);
        joiner.start();
    }

    private void join(ClusterSettings settings, ProcessRuntime runtime) {
        ClusterNode n;
        try {
            n = ClusterNode.join(settings, runtime);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "node " + settings.node() + " could not join cluster " + settings.cluster()
                    + " on " + settings.bindAddress() + ":" + settings.port() + ": " + e
                    + "; check that the port is free and the address is this machine's");
            return;
        }
        synchronized (this) {
            if (deactivated) {
                n.close();
                return;
            }
            node = n;
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("molt.node", settings.node());
            props.put("molt.cluster", settings.cluster());
            registrations.add(context.registerService(new String[] {RemoteRouter.class.getName(), Cluster.class.getName()},
                    n, props));
            if (settings.faultCommands()) {
                Hashtable<String, Object> cmd = new Hashtable<>();
                cmd.put("osgi.command.scope", "cluster");
                cmd.put("osgi.command.function", new String[] {"isolate", "heal"});
                registrations.add(context.registerService(Object.class, new FaultCommands(n.faults()), cmd));
            }
        }
        LOG.log(System.Logger.Level.INFO, "node " + settings.node() + " is in cluster " + settings.cluster() + ": "
                + n.nodes().stream().map(i -> i.name()).toList());
    }

    @Deactivate
    void deactivate() {
        ClusterNode n;
        synchronized (this) {
            deactivated = true;
            for (ServiceRegistration<?> r : registrations) {
                try {
                    r.unregister();
                } catch (IllegalStateException gone) {
                    // the bundle is stopping and took it already
                }
            }
            registrations.clear();
            n = node;
            node = null;
        }
        if (n != null) {
            n.close();
        }
    }

    static ClusterSettings settings(Config c) {
        return new ClusterSettings(c.cluster(), c.node(), c.bindAddress(), c.port(), ClusterSettings.parsePeers(c.peers()),
                c.secret(), Duration.ofMillis(c.failureTimeoutMillis()), Duration.ofMillis(c.heartbeatMillis()),
                Duration.ofMillis(c.verifyTimeoutMillis()), Duration.ofMillis(c.mergeMinMillis()),
                Duration.ofMillis(c.mergeMaxMillis()), Duration.ofMillis(c.joinTimeoutMillis()), c.joinAttempts(),
                c.maxMessageBytes(), c.maxJarBytes(), Duration.ofMillis(c.requestTimeoutMillis()),
                Duration.ofMillis(c.upgradeTimeoutMillis()), c.faultCommands());
    }
}
