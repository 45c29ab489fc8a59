package dev.molt.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import org.osgi.framework.Version;

/**
 * Finds OSGi bundles among the jars on the test's class path, by symbolic name (and version).
 *
 * <p>This is how the kit provisions "the bundles of your own build": everything a test depends
 * on in its pom (the kit brings Felix, SCR, ConfigAdmin and Molt; you add your behaviour's
 * versions) is on the class path that Surefire or Failsafe gives the test JVM, as the very files
 * the build made or resolved. In a reactor build those are the reactor's own jars, never a stale
 * copy from the local repository; no {@code dependency:properties} wiring is needed. A
 * {@code target/classes} folder with a bundle manifest counts too (Felix installs it by
 * {@code reference:}).
 *
 * <p>Works where the class path is visible: on the Pax Exam driver side, and inside the native
 * container (same JVM). The system property {@value #EXTRA} may name further jars or folders,
 * separated by the path separator; they are searched first.
 */
public final class ClasspathBundles {

    /** Extra bundle jars or folders to search before the class path. */
    public static final String EXTRA = "molt.testkit.bundles";

    /** One bundle found: its symbolic name, version and file (a jar or a folder). */
    public record Found(String symbolicName, Version version, Path path) {

        /**
         * A URL that {@code BundleContext.installBundle} accepts. It is the bundle's location, so
         * it is spelt as {@code File.toURI()} spells it ({@code file:/...}), as a test that names
         * the same jar itself most likely does: the framework then sees one location and installs
         * the bundle once, where two spellings would be two bundles of one name and version.
         */
        public String url() {
            String file = path.toFile().toURI().toString();
            return path.toFile().isDirectory() ? "reference:" + file : file;
        }
    }

    private static volatile List<Found> cache;

    private ClasspathBundles() {
    }

    /** The one bundle named {@code symbolicName} (any version). */
    public static Found find(String symbolicName) {
        return pick(symbolicName, null);
    }

    /** The bundle {@code symbolicName} at exactly {@code version} (as OSGi compares versions). */
    public static Found find(String symbolicName, String version) {
        return pick(symbolicName, Version.parseVersion(version));
    }

    /** Like {@link #find(String)}, or null when the class path has none. */
    public static Found findOrNull(String symbolicName) {
        List<Found> matches = matches(symbolicName, null);
        return matches.isEmpty() ? null : matches.get(0);
    }

    private static Found pick(String symbolicName, Version version) {
        List<Found> matches = matches(symbolicName, version);
        if (matches.size() == 1) {
            return matches.get(0);
        }
        String wanted = symbolicName + (version == null ? "" : " " + version);
        if (matches.isEmpty()) {
            List<String> sameName = all().stream().filter(f -> f.symbolicName().equals(symbolicName))
                    .map(f -> f.version() + " (" + f.path() + ")").toList();
            throw new IllegalStateException("no bundle " + wanted + " on the test class path"
                    + (sameName.isEmpty() ? "" : "; found versions " + sameName)
                    + "; add the jar as a test dependency of this module, or name it in -D" + EXTRA);
        }
        throw new IllegalStateException("bundle " + wanted + " is on the test class path " + matches.size()
                + " times: " + matches.stream().map(f -> f.version() + " " + f.path()).toList()
                + "; ask for a version");
    }

    private static List<Found> matches(String symbolicName, Version version) {
        // Extras come first in all(); a bundle both there and on the class path is taken from there.
        Map<String, Found> byVersion = new LinkedHashMap<>();
        for (Found f : all()) {
            if (f.symbolicName().equals(symbolicName) && (version == null || version.equals(f.version()))) {
                byVersion.putIfAbsent(f.version().toString(), f);
            }
        }
        return new ArrayList<>(byVersion.values());
    }

    /** Every bundle on the class path and in {@value #EXTRA}, extras first. */
    public static List<Found> all() {
        List<Found> found = cache;
        if (found == null) {
            found = scan();
            cache = found;
        }
        return found;
    }

    private static List<Found> scan() {
        List<Found> found = new ArrayList<>();
        String extra = System.getProperty(EXTRA, "");
        for (String entry : extra.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                Path path = Path.of(entry.trim()).toAbsolutePath();
                Found f = read(path);
                if (f == null) {
                    throw new IllegalStateException(EXTRA + " names " + path + ", which is not a bundle (no Bundle-SymbolicName)");
                }
                found.add(f);
            }
        }
        try {
            // The system class loader follows Surefire's manifest-only jar to the real class path.
            Enumeration<URL> manifests = ClassLoader.getSystemClassLoader().getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                Path path = fileOf(manifests.nextElement());
                Found f = path == null ? null : read(path);
                if (f != null) {
                    found.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the test class path", e);
        }
        return List.copyOf(found);
    }

    /** The jar or folder a manifest URL belongs to, or null for anything else. */
    private static Path fileOf(URL manifest) {
        try {
            if ("jar".equals(manifest.getProtocol())) {
                URLConnection c = manifest.openConnection();
                return Path.of(((JarURLConnection) c).getJarFileURL().toURI());
            }
            if ("file".equals(manifest.getProtocol())) {
                return Path.of(manifest.toURI()).getParent().getParent();
            }
            return null;
        } catch (IOException | URISyntaxException e) {
            return null;
        }
    }

    private static Found read(Path path) {
        Manifest manifest;
        try {
            if (path.toFile().isDirectory()) {
                File mf = path.resolve("META-INF/MANIFEST.MF").toFile();
                if (!mf.isFile()) {
                    return null;
                }
                try (InputStream in = new java.io.FileInputStream(mf)) {
                    manifest = new Manifest(in);
                }
            } else {
                try (java.util.jar.JarFile jar = new java.util.jar.JarFile(path.toFile())) {
                    manifest = jar.getManifest();
                }
            }
        } catch (IOException e) {
            return null;
        }
        if (manifest == null) {
            return null;
        }
        Attributes main = manifest.getMainAttributes();
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null) {
            return null;
        }
        String name = bsn.split(";")[0].trim();
        String version = main.getValue("Bundle-Version");
        try {
            return new Found(name, version == null ? Version.emptyVersion : Version.parseVersion(version.trim()), path);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
