package dev.molt.supervision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.BundleTracker;

import dev.molt.api.Application;
import dev.molt.api.Behaviour;
import dev.molt.api.BehaviourInfo;
import dev.molt.api.ChildSpec;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.SupervisorSpec;
import dev.molt.api.Supervisors;

/**
 * The extender of {@value Application#HEADER}: starts the supervision tree a bundle declares, keeps
 * it across updates and stops, and stops it when the bundle is uninstalled (the policy is in
 * {@link Application}).
 *
 * <p>Why a manifest header and not a DS component property: the tree must outlive the bundle's stop
 * and its updates, and end only at its uninstall. A header can be read in every bundle state and a
 * bundle tracker sees each of those events by name; a component of the bundle would be deactivated
 * by the stop and by the update alike, and gone before the uninstall.
 *
 * <p>The running tree is found by its root supervisor's registered name (the application's name),
 * so a new revision of this bundle (or a restart of it) adopts the trees running now instead of
 * starting second ones.
 *
 * <p>Thread rule: the tracker's callbacks run on the framework's threads and only note what is
 * wanted; one thread of this component ({@code molt-applications}) starts the trees, once every
 * behaviour a tree names serves (a bundle's behaviours register while it starts, in no order with
 * this tracker). The pending map is guarded by this object's monitor.
 */
@Component(immediate = true)
public final class ApplicationExtender {

    private static final System.Logger LOG = System.getLogger("dev.molt.supervision");
    /** How long a tree may wait for its behaviours before the wait is logged (it goes on waiting). */
    private static final long PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** One declaration: the application's name and its class, in the bundle that declared it. */
    record Declared(String name, String className, Bundle bundle) {
    }

    private final ProcessRuntime runtime;
    private final BundleTracker<Declared> tracker;
    private final ServiceListener behaviours = this::behaviourChanged;
    private final BundleContext context;
    /** Trees to start, with the time they were first wanted; guarded by this. */
    private final Map<Declared, Long> pending = new LinkedHashMap<>();
    private final Thread starter;
    private boolean closed;

    @Activate
    public ApplicationExtender(BundleContext context, @Reference ProcessRuntime runtime) throws Exception {
        this.context = context;
        this.runtime = runtime;
        int all = Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING;
        this.tracker = new BundleTracker<>(context, all, null) {
            @Override
            public Declared addingBundle(Bundle bundle, BundleEvent event) {
                Declared d = declared(bundle);
                if (d != null && bundle.getState() == Bundle.ACTIVE) {
                    want(d);
                }
                return d;
            }

            @Override
            public void modifiedBundle(Bundle bundle, BundleEvent event, Declared d) {
                if (event != null && event.getType() == BundleEvent.STARTED) {
                    want(d); // the first start starts the tree; a later one finds it running
                }
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, Declared d) {
                if (event != null && event.getType() == BundleEvent.UNINSTALLED) {
                    uninstalled(d);
                }
                // else this tracker is closing (this bundle stops or is updated): the trees run on
            }
        };
        this.starter = new Thread(this::startLoop, "molt-applications");
        starter.setDaemon(true);
        context.addServiceListener(behaviours, "(objectClass=" + Behaviour.class.getName() + ")");
        starter.start();
        tracker.open();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        tracker.close();
        context.removeServiceListener(behaviours);
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        starter.join(TimeUnit.SECONDS.toMillis(10));
    }

    /** The declaration in {@code bundle}'s manifest, or null; a malformed one is logged and ignored. */
    static Declared declared(Bundle bundle) {
        String header = bundle.getHeaders("").get(Application.HEADER);
        if (header == null) {
            return null;
        }
        String[] parts = header.split(";");
        String name = parts[0].strip();
        String cls = null;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length == 2 && kv[0].strip().equals("class")) {
                cls = kv[1].strip().replace("\"", "");
            }
        }
        if (name.isEmpty() || cls == null || cls.isEmpty()) {
            LOG.log(System.Logger.Level.ERROR, "bundle " + bundle.getSymbolicName() + " declares " + Application.HEADER
                    + ": '" + header + "', which is not '<name>; class=<class implementing dev.molt.api.Application>';"
                    + " no tree is started for it");
            return null;
        }
        return new Declared(name, cls, bundle);
    }

    private synchronized void want(Declared d) {
        pending.putIfAbsent(d, System.nanoTime());
        notifyAll();
    }

    private void behaviourChanged(ServiceEvent e) {
        if (e.getType() == ServiceEvent.REGISTERED) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private void uninstalled(Declared d) {
        synchronized (this) {
            pending.remove(d);
        }
        runtime.whereis(d.name()).ifPresent(root -> {
            if (isSupervisor(root)) {
                LOG.log(System.Logger.Level.INFO, "application " + d.name() + " (bundle " + d.bundle().getSymbolicName()
                        + ") was uninstalled: its tree is stopped, last started first");
                runtime.stop(root); // its terminate stops the children in reverse order
            }
        });
    }

    private boolean isSupervisor(Pid pid) {
        return runtime.info(pid).map(i -> Supervisors.BEHAVIOUR.equals(i.behaviour())).orElse(false);
    }

    // ---- the starter thread ---------------------------------------------------------------

    private void startLoop() {
        for (;;) {
            List<Declared> ready;
            synchronized (this) {
                if (closed) {
                    return;
                }
                ready = new ArrayList<>(pending.keySet());
            }
            for (Declared d : ready) {
                tryStart(d);
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    // Woken by a wanted tree or a behaviour service registering; the timed wait also
                    // covers a registration the runtime took in after the event reached us.
                    wait(pending.isEmpty() ? 0 : 50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void tryStart(Declared d) {
        if (runtime.whereis(d.name()).isPresent()) {
            done(d); // running already: an update, a restart of a bundle, or a new revision of this one
            return;
        }
        SupervisorSpec spec;
        try {
            Class<?> c = d.bundle().loadClass(d.className());
            spec = ((Application) c.getConstructor().newInstance()).supervisor();
        } catch (Exception | LinkageError e) {
            LOG.log(System.Logger.Level.ERROR, "application " + d.name() + " of bundle " + d.bundle().getSymbolicName()
                    + ": cannot get its supervisor spec from " + d.className() + " (" + e + "); give a public class with a"
                    + " public no-argument constructor implementing dev.molt.api.Application");
            done(d);
            return;
        }
        Set<String> missing = missingBehaviours(spec);
        if (!missing.isEmpty()) {
            Long since;
            synchronized (this) {
                since = pending.get(d);
            }
            if (since != null && System.nanoTime() - since > PATIENCE_NANOS) {
                LOG.log(System.Logger.Level.WARNING, "application " + d.name() + " waits for behaviours " + missing
                        + " to register; it starts when they do");
                synchronized (this) {
                    pending.replace(d, Long.MAX_VALUE / 2 + System.nanoTime()); // logged once
                }
            }
            return;
        }
        try {
            Pid root = runtime.spawn(Supervisors.BEHAVIOUR, d.name(), spec);
            LOG.log(System.Logger.Level.INFO, "application " + d.name() + " started: root supervisor " + root.id());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "application " + d.name() + " of bundle " + d.bundle().getSymbolicName()
                    + " did not start: " + e.getMessage());
        }
        done(d);
    }

    private synchronized void done(Declared d) {
        pending.remove(d);
    }

    /** The behaviours the tree names that do not serve now. */
    private Set<String> missingBehaviours(SupervisorSpec spec) {
        Set<String> serving = new TreeSet<>();
        for (BehaviourInfo b : runtime.behaviours()) {
            if (b.active() != null) {
                serving.add(b.name());
            }
        }
        Set<String> missing = new TreeSet<>();
        collect(spec, serving, missing);
        if (!serving.contains(Supervisors.BEHAVIOUR)) {
            missing.add(Supervisors.BEHAVIOUR);
        }
        return missing;
    }

    private static void collect(SupervisorSpec spec, Set<String> serving, Set<String> missing) {
        for (ChildSpec c : spec.children()) {
            if (!serving.contains(c.behaviour())) {
                missing.add(c.behaviour());
            }
            if (c.argument() instanceof SupervisorSpec nested) {
                collect(nested, serving, missing);
            }
        }
    }
}
