package dev.molt.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Where the MBeans go: straight into the platform MBeanServer (plain Felix), or onto the OSGi
 * service registry with a {@code jmx.objectname} property, for a JMX whiteboard to register (Karaf's
 * management feature runs Aries JMX's). Either way {@link #close} takes back what was registered.
 *
 * <p>Thread rule: the component calls it under its own monitor.
 */
abstract class MBeanRegistrar implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.molt.jmx");

    abstract void register(ObjectName name, DynamicMBean bean);

    @Override
    public abstract void close();

    static MBeanRegistrar platform() {
        return new Platform(ManagementFactory.getPlatformMBeanServer());
    }

    static MBeanRegistrar whiteboard(BundleContext context) {
        return new Whiteboard(context);
    }

    private static final class Platform extends MBeanRegistrar {
        private final MBeanServer server;
        private final List<ObjectName> names = new ArrayList<>();

        Platform(MBeanServer server) {
            this.server = server;
        }

        @Override
        void register(ObjectName name, DynamicMBean bean) {
            try {
                if (server.isRegistered(name)) {
                    // Left by a runtime that is gone (a refresh of this bundle whose old revision
                    // could not unregister): the name is ours, so the new bean takes it.
                    server.unregisterMBean(name);
                }
                server.registerMBean(bean, name);
                names.add(name);
            } catch (JMException e) {
                LOG.log(System.Logger.Level.WARNING, "could not register MBean " + name + ": " + e);
            }
        }

        @Override
        public void close() {
            for (ObjectName n : names) {
                try {
                    server.unregisterMBean(n);
                } catch (JMException e) {
                    LOG.log(System.Logger.Level.DEBUG, "MBean " + n + " was already gone: " + e);
                }
            }
            names.clear();
        }
    }

    private static final class Whiteboard extends MBeanRegistrar {
        private final BundleContext context;
        private final List<ServiceRegistration<DynamicMBean>> registrations = new ArrayList<>();

        Whiteboard(BundleContext context) {
            this.context = context;
        }

        @Override
        void register(ObjectName name, DynamicMBean bean) {
            Hashtable<String, Object> props = new Hashtable<>();
            props.put("jmx.objectname", name.getCanonicalName());
            registrations.add(context.registerService(DynamicMBean.class, bean, props));
        }

        @Override
        public void close() {
            for (ServiceRegistration<DynamicMBean> r : registrations) {
                try {
                    r.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping: the framework took it back
                }
            }
            registrations.clear();
        }
    }
}
