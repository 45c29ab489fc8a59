package dev.molt.runtime.osgi;

import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

import dev.molt.api.Behaviour;
import dev.molt.api.MoltBehaviour;
import dev.molt.api.ProcessException;
import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.VersionRange;

/**
 * Turns behaviour service events into versions of the runtime.
 *
 * <p>Why a ServiceTracker and not a DS reference: {@code removedService} is called synchronously
 * from the framework's UNREGISTERING event, while the old bundle revision is still loaded — the one
 * moment the old code can export its processes' state. {@code addingService} is called from the
 * REGISTERED event of the new version, before {@code Bundle.update} returns.
 *
 * <p>Thread rule: called on the framework's event threads; never throws into them.
 */
final class BehaviourTracker implements ServiceTrackerCustomizer<Behaviour<?>, BehaviourVersion> {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    private final BundleContext context;
    private final MoltRuntime runtime;
    private final JarStore copies;

    BehaviourTracker(BundleContext context, MoltRuntime runtime, JarStore copies) {
        this.context = context;
        this.runtime = runtime;
        this.copies = copies;
    }

    @Override
    public BehaviourVersion addingService(ServiceReference<Behaviour<?>> ref) {
        Bundle bundle = ref.getBundle();
        Object name = ref.getProperty(Behaviour.NAME);
        if (!(name instanceof String n) || n.isBlank()) {
            LOG.log(System.Logger.Level.ERROR, "bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId()
                    + "] registers a Behaviour without the '" + Behaviour.NAME + "' service property;"
                    + " add @MoltBehaviour(\"name\") to its component. It is ignored");
            return null;
        }
        Object v = ref.getProperty(Behaviour.VERSION);
        String version = v != null ? v.toString() : bundle.getVersion().toString();
        VersionRange importsFrom;
        try {
            importsFrom = importsFrom(bundle, n, ref.getProperty("importsFrom"));
        } catch (ProcessException e) {
            LOG.log(System.Logger.Level.ERROR, "behaviour " + n + " of bundle " + bundle.getSymbolicName() + " ["
                    + bundle.getBundleId() + "] is ignored: " + e.getMessage());
            return null;
        }
        Behaviour<?> code = context.getService(ref);
        if (code == null) {
            return null;
        }
        try {
            BehaviourVersion b = runtime.register(n, version, code, new BehaviourVersion.Source(ref,
                    bundle.getBundleId(), bundle.getSymbolicName(), importsFrom));
            copies.keep(bundle, n, version);
            return b;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "behaviour from bundle " + bundle.getSymbolicName() + " ["
                    + bundle.getBundleId() + "] is ignored: " + e.getMessage());
            context.ungetService(ref);
            return null;
        }
    }

    /**
     * The versions the behaviour imports from: its bundle's capability (what {@code @MoltBehaviour}
     * writes), or else the service property; null for any.
     */
    private static VersionRange importsFrom(Bundle bundle, String name, Object property) {
        BundleRevision rev = bundle.adapt(BundleRevision.class);
        if (rev != null) {
            for (BundleCapability c : rev.getDeclaredCapabilities(MoltBehaviour.NAMESPACE)) {
                Map<String, Object> attrs = c.getAttributes();
                if (name.equals(attrs.get(MoltBehaviour.NAMESPACE))) {
                    Object range = attrs.get("importsFrom");
                    return range == null || range.toString().isBlank() ? null : VersionRange.parse(range.toString());
                }
            }
        }
        return property == null || property.toString().isBlank() ? null : VersionRange.parse(property.toString());
    }

    @Override
    public void modifiedService(ServiceReference<Behaviour<?>> ref, BehaviourVersion b) {
    }

    @Override
    public void removedService(ServiceReference<Behaviour<?>> ref, BehaviourVersion b) {
        try {
            runtime.unregister(b);
        } catch (RuntimeException e) {
            // Never into the framework's event thread.
            LOG.log(System.Logger.Level.ERROR, "withdrawing " + b + " failed in the runtime", e);
        } finally {
            context.ungetService(ref);
        }
    }
}
