package dev.molt.runtime.osgi;

import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * How one revision of the runtime bundle hands its process table to the next within one JVM: a
 * service in the <em>system bundle's</em> registry, typed {@code java.util.Map}.
 *
 * <p>Why this channel: the old revision's own services go when it stops, the system bundle's do not;
 * {@code java.util.Map} is a class both revisions see as the same (neither sees the other's classes);
 * and it carries live objects — behaviour states, callers' futures — which the bundle's data area
 * could only hold serialized, and the processes' states need not be neutral for it. The new revision
 * finds it by the bundle's symbolic name when it activates, and unregisters it.
 *
 * <p>Thread rule: DS's activate and deactivate threads.
 */
final class HandOverChannel {

    static final String PROPERTY = "molt.handover";
    /** The image key of the registration's own unregistering ({@code Runnable}). */
    private static final String WITHDRAW = "molt.handover.withdraw";

    private HandOverChannel() {
    }

    /**
     * Whether this bundle stops to start again while the framework stays up: an update, a refresh, a
     * deploy folder's replaced jar. A plain {@code stop} (which clears the bundle's persistent
     * autostart first) and a framework shutdown are not.
     */
    static boolean isReplacement(BundleContext own) {
        try {
            Bundle system = own.getBundle(0);
            if (system.getState() == Bundle.STOPPING) {
                return false;
            }
            BundleStartLevel sl = own.getBundle().adapt(BundleStartLevel.class);
            return sl != null && sl.isPersistentlyStarted();
        } catch (IllegalStateException | SecurityException e) {
            return false;
        }
    }

    /**
     * Whether the bundle that exports {@code dev.molt.api} to this revision has a newer revision
     * waiting (it was updated: a refresh now replaces it, and this bundle with it).
     */
    static boolean isApiBeingReplaced(BundleContext own) {
        org.osgi.framework.wiring.BundleWiring w = own.getBundle().adapt(org.osgi.framework.wiring.BundleWiring.class);
        if (w == null) {
            return false;
        }
        for (org.osgi.framework.wiring.BundleWire wire
                : w.getRequiredWires(org.osgi.framework.namespace.PackageNamespace.PACKAGE_NAMESPACE)) {
            if ("dev.molt.api".equals(wire.getCapability().getAttributes()
                    .get(org.osgi.framework.namespace.PackageNamespace.PACKAGE_NAMESPACE))) {
                org.osgi.framework.wiring.BundleRevision provider = wire.getProvider();
                org.osgi.framework.wiring.BundleRevision current =
                        provider.getBundle().adapt(org.osgi.framework.wiring.BundleRevision.class);
                return current != provider || !provider.getWiring().isCurrent();
            }
        }
        return false;
    }

    static boolean isFrameworkStopping(BundleContext own) {
        try {
            return own.getBundle(0).getState() == Bundle.STOPPING;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /** Offers {@code image} to the next revision. */
    static void offer(BundleContext own, Map<String, Object> image) {
        BundleContext system = own.getBundle(0).getBundleContext();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(PROPERTY, own.getBundle().getSymbolicName());
        // The withdrawal is in the image before the image is offered: a revision that takes it at once finds it.
        ServiceRegistration<?>[] reg = new ServiceRegistration<?>[1];
        synchronized (image) {
            image.put(WITHDRAW, (Runnable) () -> {
                try {
                    synchronized (reg) {
                        reg[0].unregister();
                    }
                } catch (IllegalStateException gone) {
                    // unregistered already
                }
            });
        }
        synchronized (reg) {
            reg[0] = system.registerService(Map.class.getName(), image, props);
        }
        // Nobody takes it (the bundle was stopped to be uninstalled, not replaced): its processes end
        // as at a shutdown, their watchers told, after a few seconds. By then an uninstalled bundle's
        // content is closed and no class of it can load any more: the code that runs then runs once
        // here first, on an empty image, so that its classes are loaded and linked.
        dev.molt.runtime.handover.TakeOver.endUnclaimed(new java.util.HashMap<>());
        Thread unclaimed = new Thread(() -> {
            try {
                Thread.sleep(UNCLAIMED_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Object w;
            synchronized (image) {
                w = image.remove(WITHDRAW);
            }
            if (w instanceof Runnable r) {
                r.run();
                dev.molt.runtime.handover.TakeOver.endUnclaimed(image);
            }
        }, "molt-handover-unclaimed");
        unclaimed.setDaemon(true);
        unclaimed.start();
    }

    /** How long an offered image waits for the next revision before its processes end. */
    private static final long UNCLAIMED_MILLIS = 5000;

    /** The image an earlier revision of this bundle offered, taken (and withdrawn), or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> take(BundleContext own) {
        String filter = "(" + PROPERTY + "=" + own.getBundle().getSymbolicName() + ")";
        ServiceReference<?>[] refs;
        try {
            refs = own.getServiceReferences(Map.class.getName(), filter);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (refs == null || refs.length == 0) {
            return null;
        }
        Object service = own.getService(refs[0]);
        own.ungetService(refs[0]);
        if (!(service instanceof Map<?, ?> m)) {
            return null;
        }
        Map<String, Object> image = (Map<String, Object>) m;
        Object withdraw;
        synchronized (image) {
            withdraw = image.remove(WITHDRAW);
        }
        if (!(withdraw instanceof Runnable r)) {
            return null; // ended unclaimed meanwhile
        }
        r.run();
        return image;
    }
}
