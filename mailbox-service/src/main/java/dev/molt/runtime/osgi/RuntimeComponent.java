package dev.molt.runtime.osgi;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

import dev.molt.api.Behaviour;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessRuntime;
import dev.molt.runtime.core.Binding;
import dev.molt.runtime.core.MoltRuntime;
import dev.molt.runtime.core.RuntimeSettings;

/**
 * The runtime as an OSGi component: it registers {@link ProcessRuntime}, follows every
 * {@link Behaviour} service, and turns service events into migrations.
 *
 * <p>Why a ServiceTracker and not a DS reference: the tracker's {@code removedService} is called
 * synchronously from the framework's UNREGISTERING event, while the old bundle revision is still
 * loaded — the one moment the old code can export its processes' state. {@code addingService}
 * is called from the REGISTERED event of the new version, before {@code Bundle.update} returns.
 *
 * <p>Configuration (PID {@code dev.molt.runtime}) is applied by {@link #modified} without
 * restarting anything: processes survive a change of settings.
 */
@Component(service = ProcessRuntime.class, configurationPid = "dev.molt.runtime", immediate = true)
public final class RuntimeComponent extends MoltRuntime {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    /** Settings; every one has a default that needs no configuration. */
    public @interface Config {
        /** Worker threads; 0 means one per core. */
        int workers() default 0;

        /** User messages a process handles per turn before others get the thread. */
        int throughput() default 50;

        /** How long an upgrade waits for a running handler before it holds the process. */
        long upgradeTimeoutMillis() default 5000;

        /** Upgrade reports kept for proc:history. */
        int historySize() default 100;
    }

    private final BundleContext context;
    private final ServiceTracker<Behaviour<?>, Binding> tracker;

    @Activate
    public RuntimeComponent(BundleContext context, Config config) {
        super(settings(config));
        this.context = context;
        this.tracker = new ServiceTracker<>(context, behaviourClass(), new Tracking());
        tracker.open();
    }

    @Modified
    void modified(Config config) {
        reconfigure(settings(config));
    }

    @Deactivate
    void deactivate() {
        shutdown(); // processes first, so that closing the tracker has nothing left to migrate
        tracker.close();
    }

    static RuntimeSettings settings(Config c) {
        int workers = c.workers() > 0 ? c.workers() : Runtime.getRuntime().availableProcessors();
        return new RuntimeSettings(workers, c.throughput(), Duration.ofMillis(c.upgradeTimeoutMillis()), c.historySize());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Class<Behaviour<?>> behaviourClass() {
        return (Class) Behaviour.class;
    }

    private final class Tracking implements ServiceTrackerCustomizer<Behaviour<?>, Binding> {

        @Override
        public Binding addingService(ServiceReference<Behaviour<?>> ref) {
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
            Behaviour<?> code = context.getService(ref);
            if (code == null) {
                return null;
            }
            try {
                Binding b = register(n, version, code, ref);
                keepCopy(bundle, n, version);
                return b;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "behaviour from bundle " + bundle.getSymbolicName() + " ["
                        + bundle.getBundleId() + "] is ignored: " + e.getMessage());
                context.ungetService(ref);
                return null;
            }
        }

        @Override
        public void modifiedService(ServiceReference<Behaviour<?>> ref, Binding b) {
        }

        @Override
        public void removedService(ServiceReference<Behaviour<?>> ref, Binding b) {
            try {
                unregister(b);
            } catch (RuntimeException e) {
                // Never into the framework's event thread; the runtime has already let go of the code.
                LOG.log(System.Logger.Level.ERROR, "withdrawing " + b + " failed in the runtime", e);
            } finally {
                context.ungetService(ref);
            }
        }
    }

    // ---- code from jars -----------------------------------------------------------------

    @Override
    protected long bundleId(Binding b) {
        Object t = b.token();
        return t instanceof ServiceReference<?> r && r.getBundle() != null ? r.getBundle().getBundleId() : -1;
    }

    private Bundle bundleOf(Binding b) {
        Object t = b.token();
        Bundle bundle = t instanceof ServiceReference<?> r ? r.getBundle() : null;
        if (bundle == null) {
            throw new ProcessException("the bundle of " + b + " is gone; install the new version with 'install'");
        }
        return bundle;
    }

    @Override
    protected void updateCode(Binding b, String location) {
        Bundle bundle = bundleOf(b);
        Path jar = fetch(location);
        try {
            String bsn = symbolicName(jar, location);
            if (!bsn.equals(bundle.getSymbolicName())) {
                throw new ProcessException(location + " is bundle " + bsn + ", not " + bundle.getSymbolicName()
                        + " which provides " + b.behaviour() + "; give a jar of the same bundle");
            }
            update(bundle, jar);
        } finally {
            try {
                Files.deleteIfExists(jar);
            } catch (IOException ignored) {
                // a temp file; the OS cleans it
            }
        }
    }

    @Override
    protected void rollbackCode(Binding current, String version) {
        Bundle bundle = bundleOf(current);
        Path copy = copyPath(current.behaviour(), version);
        if (copy == null || !Files.isRegularFile(copy)) {
            throw new ProcessException("no kept copy of " + current.behaviour() + " " + version + " to roll back to;"
                    + " update to that version's jar with proc:upgrade");
        }
        update(bundle, copy);
    }

    private static void update(Bundle bundle, Path jar) {
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        } catch (IOException | BundleException e) {
            throw new ProcessException("updating bundle " + bundle.getBundleId() + " failed: " + e.getMessage());
        }
    }

    /** Copies the jar at {@code location} (a URL or a file path) to a temp file, or says why not. */
    private static Path fetch(String location) {
        if (location == null || location.isBlank()) {
            throw new ProcessException("no jar given: name the new version's jar as a URL (file:..., http:...) or a path");
        }
        URL url;
        try {
            url = location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*") ? new URL(location) : new File(location).toURI().toURL();
        } catch (MalformedURLException e) {
            throw new ProcessException("'" + location + "' is not a URL or a file path; use file:/path/to/bundle.jar");
        }
        try (InputStream in = url.openStream()) {
            Path tmp = Files.createTempFile("molt-upgrade-", ".jar");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new ProcessException("cannot read " + location + ": " + e.getMessage() + "; check the path or URL");
        }
    }

    private static String symbolicName(Path jar, String location) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = in.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn == null) {
                throw new ProcessException(location + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest);"
                        + " give the jar of a behaviour bundle");
            }
            int semi = bsn.indexOf(';');
            return (semi < 0 ? bsn : bsn.substring(0, semi)).trim();
        } catch (IOException e) {
            throw new ProcessException(location + " is not a jar (" + e.getMessage() + "); give the jar of a behaviour bundle");
        }
    }

    // ---- copies for rollback ------------------------------------------------------------

    private Path copyPath(String behaviour, String version) {
        File dir = context.getDataFile("rollback");
        return dir == null ? null : dir.toPath().resolve(behaviour + "-" + version + ".jar");
    }

    /**
     * Keeps a copy of the bundle's jar as it is now, so that {@code rollback} can put this version
     * back after it was replaced (the framework keeps no old revision's content).
     */
    private void keepCopy(Bundle bundle, String behaviour, String version) {
        Path target = copyPath(behaviour, version);
        if (target == null || Files.exists(target)) {
            return;
        }
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "copy", ".tmp");
            URL mf = bundle.getEntry("META-INF/MANIFEST.MF");
            Manifest manifest;
            try (InputStream in = mf.openStream()) {
                manifest = new Manifest(in);
            }
            try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream out = new JarOutputStream(os, manifest)) {
                Enumeration<URL> entries = bundle.findEntries("/", "*", true);
                while (entries != null && entries.hasMoreElements()) {
                    URL e = entries.nextElement();
                    String path = e.getPath().startsWith("/") ? e.getPath().substring(1) : e.getPath();
                    if (path.isEmpty() || path.equalsIgnoreCase("META-INF/MANIFEST.MF") || path.equals("META-INF/")) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(path));
                    if (!path.endsWith("/")) {
                        try (InputStream in = e.openStream()) {
                            in.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not keep a copy of " + behaviour + " " + version
                    + " for rollback: " + e);
        }
    }
}
