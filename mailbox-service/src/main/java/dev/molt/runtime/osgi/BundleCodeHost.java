package dev.molt.runtime.osgi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

import dev.molt.api.MoltBehaviour;
import dev.molt.api.ProcessException;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.VersionRange;
import dev.molt.runtime.upgrade.CodeHost;

/**
 * Code from bundles: reads jars, updates a behaviour's bundle in place, installs a new version
 * beside it, uninstalls one that no process runs any more, and puts back kept copies.
 *
 * <p>Thread rule: any thread; every framework call returns after the framework has done it (the
 * service events that follow run the migration on the calling thread).
 */
final class BundleCodeHost implements CodeHost {

    private final BundleContext context;
    private final JarStore copies;

    BundleCodeHost(BundleContext context, JarStore copies) {
        this.context = context;
        this.copies = copies;
    }

    static Bundle bundleOf(BehaviourVersion v) {
        Object t = v.source();
        Bundle bundle = t instanceof ServiceReference<?> r ? r.getBundle() : null;
        if (bundle == null) {
            throw new ProcessException("the bundle of " + v + " is gone; install the new version with 'install'");
        }
        return bundle;
    }

    @Override
    public String symbolicName(BehaviourVersion v) {
        Object t = v.source();
        Bundle b = t instanceof ServiceReference<?> r ? r.getBundle() : null;
        return b == null ? null : b.getSymbolicName();
    }

    @Override
    public Jar read(String location) {
        Path jar = fetch(location);
        try {
            return readManifest(jar, location);
        } catch (RuntimeException e) {
            delete(jar);
            throw e;
        }
    }

    @Override
    public void discard(Jar jar) {
        delete(jar.jar());
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file; the OS cleans it
        }
    }

    @Override
    public void update(BehaviourVersion v, Jar jar) {
        update(bundleOf(v), jar.jar());
    }

    @Override
    public void installBeside(BehaviourVersion v, Jar jar) {
        String location = "molt:" + jar.symbolicName() + "/" + jar.version() + "/" + System.nanoTime();
        Bundle installed;
        try (InputStream in = Files.newInputStream(jar.jar())) {
            installed = context.installBundle(location, in);
        } catch (IOException | BundleException e) {
            throw new ProcessException("installing " + jar.location() + " beside " + v + " failed: " + e.getMessage());
        }
        try {
            installed.start();
        } catch (BundleException e) {
            try {
                installed.uninstall();
            } catch (BundleException again) {
                e.addSuppressed(again);
            }
            throw new ProcessException("starting " + jar.location() + " beside " + v + " failed: " + e.getMessage()
                    + "; nothing was changed");
        }
    }

    @Override
    public void retire(BehaviourVersion v) {
        Object t = v.source();
        Bundle b = t instanceof ServiceReference<?> r ? r.getBundle() : null;
        if (b == null) {
            return; // gone already
        }
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            System.getLogger("dev.molt.runtime").log(System.Logger.Level.WARNING, "could not uninstall " + v.bundleLabel()
                    + " after its processes moved: " + e.getMessage());
        }
    }

    @Override
    public void rollback(BehaviourVersion current, String version) {
        Path copy = copies.copyOf(current.name(), version);
        if (copy == null || !Files.isRegularFile(copy)) {
            throw new ProcessException("no kept copy of " + current.name() + " " + version + " to roll back to;"
                    + " update to that version's jar with proc:upgrade");
        }
        update(bundleOf(current), copy);
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

    private static Jar readManifest(Path jar, String location) {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest m = in.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (bsn == null) {
                throw new ProcessException(location + " is not an OSGi bundle (no Bundle-SymbolicName in its manifest);"
                        + " give the jar of a behaviour bundle");
            }
            int semi = bsn.indexOf(';');
            String name = (semi < 0 ? bsn : bsn.substring(0, semi)).trim();
            String version = m.getMainAttributes().getValue(Constants.BUNDLE_VERSION);
            List<Declared> declared = new ArrayList<>();
            for (Capabilities.Clause c : Capabilities.parse(m.getMainAttributes().getValue(Constants.PROVIDE_CAPABILITY))) {
                if (c.namespace().equals(MoltBehaviour.NAMESPACE) && c.attributes().get(MoltBehaviour.NAMESPACE) != null) {
                    String range = c.attributes().get("importsFrom");
                    declared.add(new Declared(c.attributes().get(MoltBehaviour.NAMESPACE),
                            range == null || range.isBlank() ? null : VersionRange.parse(range)));
                }
            }
            return new Jar(jar, location, name, version == null ? "0.0.0" : version.strip(), declared);
        } catch (IOException e) {
            throw new ProcessException(location + " is not a jar (" + e.getMessage() + "); give the jar of a behaviour bundle");
        }
    }
}
