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
        // The image waits for as long as a next revision may still come: a jar that does not resolve
        // leaves the bundle INSTALLED, still persistently started, and its processes wait, messages
        // kept, until it is updated with one that does (an error path loses nothing queued). It ends
        // as at a shutdown, its watchers told, when none can come: the bundle uninstalled (Karaf's
        // feature:uninstall stops it transiently first), stopped for good, or the framework going.
        // By then an uninstalled bundle's content may be closed and no class of it can load: the code
        // that runs then runs once here first (on an empty image), so that its classes are loaded
        // and linked.
        Bundle bundle = own.getBundle();
        Bundle framework = own.getBundle(0);
        dev.molt.runtime.handover.TakeOver.endUnclaimed(new java.util.HashMap<>());
        mayStillCome(bundle, framework);
        int processes = processCount(image);
        Thread keeper = new Thread(() -> keep(image, bundle, framework, processes), "molt-handover-waiting");
        keeper.setDaemon(true);
        keeper.start();
    }

    /**
     * The keeper's loop: polls until the image is taken, or ends its processes once no revision can
     * come; says once, after {@link #QUIET_MILLIS}, that the processes wait and why.
     *
     * <p>Thread rule: the keeper's own thread. The image's withdrawal entry is removed under the
     * image's lock by whoever comes first, the next revision or this loop, so the processes are either
     * taken or ended, never both.
     */
    private static void keep(Map<String, Object> image, Bundle bundle, Bundle framework, int processes) {
        long since = System.nanoTime();
        boolean told = false;
        while (true) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (image) {
                if (!image.containsKey(WITHDRAW)) {
                    return; // taken
                }
            }
            boolean mayCome;
            try {
                mayCome = mayStillCome(bundle, framework);
            } catch (Throwable t) {
                mayCome = false; // whatever went wrong, the image must not wait for ever
            }
            if (!mayCome) {
                boolean sayWhy = told || framework.getState() != Bundle.ACTIVE; // they waited, or the framework stops with them
                if (withdraw(image)) {
                    if (sayWhy) {
                        System.getLogger("dev.molt.runtime").log(System.Logger.Level.ERROR, processes + " processes"
                                + " that waited for a new revision of " + bundle.getSymbolicName() + " end: none can"
                                + " come (the bundle was uninstalled or stopped, or the framework stops; no snapshot"
                                + " is written for them)");
                    }
                    dev.molt.runtime.handover.TakeOver.endUnclaimed(image);
                }
                return;
            }
            if (!told && System.nanoTime() - since > QUIET_MILLIS * 1_000_000L) {
                told = true;
                System.getLogger("dev.molt.runtime").log(System.Logger.Level.WARNING, "the runtime bundle "
                        + bundle.getSymbolicName() + " (" + bundle.getBundleId() + ") stopped to be replaced and no"
                        + " revision has started since (state " + stateName(bundle.getState()) + (bundle.getState()
                        == Bundle.INSTALLED ? ": its new jar did not resolve, see the framework's error" : "") + "): "
                        + processes + " processes wait, their messages kept; proc:upgrade-runtime with a jar that resolves"
                        + " (or update it and start it), and they go on. Uninstalling or stopping it ends them");
            }
        }
    }

    /**
     * Takes {@code image} off the registry if nobody has yet: true for the one caller (the next
     * revision, or the keeper) that removes the withdrawal entry under the image's lock.
     */
    private static boolean withdraw(Map<String, Object> image) {
        Object w;
        synchronized (image) {
            w = image.remove(WITHDRAW);
        }
        if (w instanceof Runnable r) {
            r.run();
            return true;
        }
        return false;
    }

    /**
     * Whether a next revision of {@code bundle} may still take an offered image: the framework runs,
     * and the bundle is starting, active, or persistently started (updated to a jar that did not
     * resolve, or stopped transiently).
     */
    static boolean mayStillCome(Bundle bundle, Bundle framework) {
        try {
            int fw = framework.getState();
            if (fw != Bundle.ACTIVE && fw != Bundle.STARTING) { // STARTING: until the start level is reached
                return false;
            }
            int state = bundle.getState();
            if (state == Bundle.UNINSTALLED) {
                return false;
            }
            if (state == Bundle.STARTING || state == Bundle.ACTIVE) {
                return true;
            }
            BundleStartLevel sl = bundle.adapt(BundleStartLevel.class);
            return sl != null && sl.isPersistentlyStarted();
        } catch (RuntimeException e) {
            return false; // Felix says "uninstalled" with an IllegalArgumentException
        }
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> String.valueOf(state);
        };
    }

    private static int processCount(Map<String, Object> image) {
        Object records = image.get(dev.molt.runtime.handover.Image.K_PROCESSES);
        return records instanceof java.util.List<?> l ? l.size() : 0;
    }

    /** How often the keeper of an offered image looks at the bundle. */
    private static final long POLL_MILLIS = 100;
    /** How long an offered image waits before the keeper says why. */
    private static final long QUIET_MILLIS = 2000;

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
        return withdraw(image) ? image : null; // null: ended unclaimed meanwhile
    }
}
