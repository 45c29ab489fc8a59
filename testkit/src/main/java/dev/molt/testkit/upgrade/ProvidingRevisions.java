package dev.molt.testkit.upgrade;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleWiring;

import dev.molt.api.Behaviour;
import dev.molt.testkit.ClassLoaders;

/**
 * The bundle revisions that provide a behaviour, remembered by weak references to their class
 * loaders, so that after a step every revision that no longer provides it can be shown collected.
 *
 * <p>The rule covers every mode without the step saying which code it retired: an atomic update
 * replaces the one revision; a rolling upgrade ends with the old bundle uninstalled; a canary
 * leaves both providing (nothing to check until it is promoted, when the old one goes, or aborted,
 * when the new one goes).
 */
final class ProvidingRevisions {

    /** One revision: what to call it, and its class loader. */
    private record Revision(String name, WeakReference<ClassLoader> loader) {
    }

    private final List<Revision> revisions;

    private ProvidingRevisions(List<Revision> revisions) {
        this.revisions = revisions;
    }

    /** The revisions providing {@code behaviour} now. */
    static ProvidingRevisions of(BundleContext context, String behaviour) {
        List<Revision> found = new ArrayList<>();
        for (ServiceReference<?> ref : providers(context, behaviour)) {
            BundleWiring wiring = ref.getBundle() == null ? null : ref.getBundle().adapt(BundleWiring.class);
            if (wiring != null && wiring.getClassLoader() != null) {
                found.add(new Revision(behaviour + " " + ref.getBundle().getVersion() + " (bundle "
                        + ref.getBundle().getBundleId() + ")", new WeakReference<>(wiring.getClassLoader())));
            }
        }
        return new ProvidingRevisions(found);
    }

    /**
     * Waits until each of these revisions that no longer provides {@code behaviour} is collected;
     * fails naming it, and {@code after}, if one is still reachable after {@code timeout}.
     */
    void awaitRetiredCollected(BundleContext context, String behaviour, String after, Duration timeout) {
        for (Revision r : retired(context, behaviour)) {
            ClassLoaders.awaitCollected(r.loader(), "the class loader of " + r.name() + " after " + after, timeout);
        }
    }

    // A method of its own: the strong references to the live loaders end with its frame, before
    // the caller waits for the retired ones to be collected.
    private List<Revision> retired(BundleContext context, String behaviour) {
        Set<ClassLoader> live = Collections.newSetFromMap(new IdentityHashMap<>());
        for (ServiceReference<?> ref : providers(context, behaviour)) {
            BundleWiring wiring = ref.getBundle() == null ? null : ref.getBundle().adapt(BundleWiring.class);
            if (wiring != null && wiring.getClassLoader() != null) {
                live.add(wiring.getClassLoader());
            }
        }
        List<Revision> retired = new ArrayList<>();
        for (Revision r : revisions) {
            ClassLoader loader = r.loader().get();
            if (loader == null || !live.contains(loader)) {
                retired.add(r);
            }
        }
        return retired;
    }

    private static List<ServiceReference<?>> providers(BundleContext context, String behaviour) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(Behaviour.class.getName(),
                    "(" + Behaviour.NAME + "=" + behaviour + ")");
            return refs == null ? List.of() : List.of(refs);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not a behaviour name: " + behaviour, e);
        }
    }
}
