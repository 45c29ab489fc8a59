package dev.molt.deploy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;

/**
 * FileInstall's installer for behaviour jars in the deploy folder: a replaced jar upgrades its
 * behaviour through {@link ProcessRuntime#upgrade} in the mode of the runtime's
 * {@code deployUpgrade} setting (atomic, or rolling), with the runtime's checks; a jar with no
 * migration path is refused with one line in the log, and nothing changes.
 *
 * <p>It claims only jars whose manifest provides the {@code dev.molt.behaviour} capability; other
 * jars stay FileInstall's. It lives apart from the runtime, so that it stays while the runtime is
 * away (a replaced jar is then a plain bundle update) and a refresh of FileInstall does not
 * restart the runtime. A jar is found again by its bundle symbolic name, because a rolling upgrade
 * leaves the new version under another location than the jar's.
 *
 * <p>Threads: FileInstall calls install, update and uninstall from its one watcher thread (a
 * rolling upgrade holds it until the last process has moved); DS binds the runtime from its own;
 * the framework's event thread retries starts. The maps are concurrent for those threads.
 * The runtime is one volatile reference to an immutable pair, so the watcher sees a runtime with
 * its mode, never one without the other.
 */
@Component(service = ArtifactInstaller.class, immediate = true)
public final class BehaviourJarInstaller implements ArtifactInstaller {

    private static final System.Logger LOG = System.getLogger(BehaviourJarInstaller.class.getName());

    /** The runtime and the deploy folder's mode it publishes (service property {@code deployUpgrade}). */
    private record Runtime(ProcessRuntime service, UpgradeMode mode) {
        static Runtime of(ProcessRuntime service, Map<String, Object> properties) {
            return new Runtime(service, "rolling".equals(String.valueOf(properties.get("deployUpgrade")))
                    ? UpgradeMode.ROLLING : UpgradeMode.ATOMIC);
        }
    }

    private final BundleContext context;
    /** Null while no runtime is registered. */
    private volatile Runtime runtime;
    /** The bundle symbolic name of each claimed jar, for when the jar is gone. */
    private final Map<File, String> symbolicNames = new ConcurrentHashMap<>();
    /** Bundles installed from the folder that did not start (a missing import, say): tried again (see {@link #retry}). */
    private final Set<Bundle> notStarted = ConcurrentHashMap.newKeySet();

    /** Tries the bundles that did not start again whenever another bundle resolves or starts (async events). */
    private final BundleListener retry = event -> {
        if (!notStarted.isEmpty() && (event.getType() == BundleEvent.RESOLVED || event.getType() == BundleEvent.STARTED)) {
            startPending();
        }
    };

    @Activate
    public BehaviourJarInstaller(BundleContext context) {
        this.context = context;
        context.addBundleListener(retry);
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(retry);
    }

    @Reference(name = "runtime", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, updated = "runtimeChanged", unbind = "runtimeGone")
    void runtimeCame(ProcessRuntime service, Map<String, Object> properties) {
        runtime = Runtime.of(service, properties);
    }

    void runtimeChanged(ProcessRuntime service, Map<String, Object> properties) {
        runtime = Runtime.of(service, properties);
    }

    void runtimeGone(ProcessRuntime service) {
        Runtime r = runtime;
        if (r != null && r.service() == service) {
            runtime = null;
        }
    }

    @Override
    public boolean canHandle(File artifact) {
        return BehaviourJar.read(artifact).isPresent();
    }

    @Override
    public void install(File artifact) throws Exception {
        startPending();
        BehaviourJar jar = claimed(artifact);
        Bundle existing = newest(jar.symbolicName());
        if (existing != null) {
            // Installed before this installer knew the jar: a framework restarted with its bundles
            // kept, or the bundle installed by hand. The jar may be newer.
            apply(artifact, jar, existing);
            return;
        }
        Bundle b;
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            b = context.installBundle(artifact.toURI().toString(), in);
        }
        start(b, artifact);
    }

    @Override
    public void update(File artifact) throws Exception {
        startPending();
        BehaviourJar jar = claimed(artifact);
        Bundle current = newest(jar.symbolicName());
        if (current == null) {
            install(artifact); // its bundle was uninstalled meanwhile (by hand): start over
            return;
        }
        apply(artifact, jar, current);
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        String name = symbolicNames.remove(artifact);
        String location = artifact.toURI().toString();
        List<Bundle> gone = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getState() != Bundle.UNINSTALLED
                    && (name != null ? name.equals(b.getSymbolicName()) : location.equals(b.getLocation()))) {
                b.uninstall();
                notStarted.remove(b);
                gone.add(b);
            }
        }
        refresh(gone);
    }

    /** The jar's bundle, remembered for when the jar is gone. */
    private BehaviourJar claimed(File artifact) throws IOException {
        BehaviourJar jar = BehaviourJar.read(artifact)
                .orElseThrow(() -> new IOException(artifact + " is no longer a behaviour jar"));
        symbolicNames.put(artifact, jar.symbolicName());
        return jar;
    }

    /** Brings {@code current} to the jar: through the runtime in the set mode, or as a plain update without it. */
    private void apply(File artifact, BehaviourJar jar, Bundle current) throws BundleException, IOException {
        if (current.getVersion().equals(Version.parseVersion(jar.version())) && current.getLastModified() >= artifact.lastModified()) {
            return; // applied already: after a restart FileInstall reports every jar it did not install itself as changed
        }
        Runtime r = runtime;
        if (r == null) {
            try (InputStream in = Files.newInputStream(artifact.toPath())) {
                current.update(in);
            }
            refresh(List.of(current));
            LOG.log(System.Logger.Level.INFO, "deploy folder: " + artifact.getName() + " updated " + current.getSymbolicName()
                    + " to " + current.getVersion() + " as a plain bundle update (no Molt runtime is running)");
            return;
        }
        UpgradeOptions options = r.mode() == UpgradeMode.ROLLING ? UpgradeOptions.rolling() : UpgradeOptions.atomic();
        try {
            UpgradeReport report = r.service().upgrade(Long.toString(current.getBundleId()), artifact.getPath(), options);
            LOG.log(System.Logger.Level.INFO, "deploy folder: " + artifact.getName() + ": " + report.summary());
        } catch (RuntimeException e) {
            // The runtime changed nothing; FileInstall keeps the jar's checksum and calls again only when it changes.
            LOG.log(System.Logger.Level.WARNING, "deploy folder: " + artifact.getName() + " was not applied: " + e.getMessage()
                    + "; the running version stays. Put a fixed jar in its place");
        }
    }

    private void start(Bundle b, File artifact) {
        try {
            b.start();
            notStarted.remove(b);
        } catch (BundleException e) {
            notStarted.add(b);
            LOG.log(System.Logger.Level.WARNING, "deploy folder: " + artifact.getName() + " is installed but did not start: "
                    + e.getMessage() + "; it starts when another bundle resolves or the folder changes (a bundle it needs may come next)");
        }
    }

    /** Tries again the bundles that did not start: what they lacked may have come since. Any thread. */
    private void startPending() {
        for (Bundle b : notStarted) {
            if (b.getState() == Bundle.UNINSTALLED) {
                notStarted.remove(b);
                continue;
            }
            try {
                b.start();
                notStarted.remove(b);
            } catch (BundleException stillNot) {
                // logged when it first failed
            }
        }
    }

    /** The installed bundle of that symbolic name with the highest version (what a rolling upgrade left), or null. */
    private Bundle newest(String symbolicName) {
        Bundle best = null;
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED
                    && (best == null || b.getVersion().compareTo(best.getVersion()) > 0)) {
                best = b;
            }
        }
        return best;
    }

    private void refresh(List<Bundle> bundles) {
        if (!bundles.isEmpty()) {
            context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(bundles);
        }
    }
}
