package dev.molt.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.EmbeddedResource;
import aQute.bnd.osgi.Jar;

import dev.molt.api.Behaviour;

/**
 * Builds bundles inside the container from classes of the test, so that "version 2" of a
 * behaviour is a package of test classes rather than a Maven module:
 *
 * <pre>
 * byte[] v2 = TestBundles.bundle("fixture.chat", "2.0.0").addPackageOf(ChatV2.class).build();
 * chatBundle.update(new ByteArrayInputStream(v2));
 * </pre>
 *
 * <p>The builder is bnd's own {@code aQute.bnd.osgi.Builder}, the same bnd as the
 * bnd-maven-plugin that builds real behaviour bundles: Declarative Services annotations
 * ({@code @Component}, {@code @MoltBehaviour}) become the same {@code Service-Component} XML,
 * and imports are computed the same way. Provision it with {@link MoltOptions#bundleBuilder()}.
 *
 * <p>Why not TinyBundles: 4.0.1 was tried beside it (TinyBundlesTrialIT, in the history)
 * and builds the same bundle, but only with its own bnd (it imports
 * {@code aQute.bnd.osgi [5.6,6)}, so bndlib 6.4.1 beside the build's 7.4.0) and ops4j-base-store,
 * fetched into the container apart from the test class path; and inside the native container its
 * ServiceLoader lookup through the context class loader finds the class-path copy of TinyBundles
 * that Pax Exam itself brings ("DefaultTinyBundlesFactory not a subtype"), so every call needs a
 * context-class-loader swap that, left in place, breaks the next test's container start. bnd's
 * Builder is one class, needs no lookup, and is the bnd the rest of the build uses.
 *
 * <p>Class files are read from the bundle that holds the given class (in a Pax Exam test, the
 * probe built from {@code target/test-classes}). Put each fixture version in a package of its
 * own; the built bundle contains copies of the class files, defined again by its own class
 * loader, so the probe's copies never pin it.
 */
public final class TestBundles {

    private TestBundles() {
    }

    /** Starts a bundle with this symbolic name and version. */
    public static Spec bundle(String symbolicName, String version) {
        return new Spec(symbolicName, version);
    }

    /** What goes into one bundle. */
    public static final class Spec {
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final Map<String, byte[]> resources = new LinkedHashMap<>();
        private final Set<String> packages = new LinkedHashSet<>();

        private Spec(String symbolicName, String version) {
            headers.put("Bundle-SymbolicName", symbolicName);
            headers.put("Bundle-Version", version);
        }

        /**
         * Adds every class file of {@code type}'s package (nested, anonymous and other top-level
         * classes of that package alike; not sub-packages) as a private package of the bundle.
         */
        public Spec addPackageOf(Class<?> type) {
            String pkg = type.getPackageName();
            String path = pkg.replace('.', '/');
            Bundle holder = FrameworkUtil.getBundle(type);
            if (holder == null) {
                throw new IllegalStateException(type.getName() + " is not loaded from a bundle; build test bundles inside the container");
            }
            Enumeration<URL> entries = holder.findEntries(path, "*.class", false);
            if (entries == null) {
                throw new IllegalStateException("bundle " + holder.getSymbolicName() + " has no class files under " + path);
            }
            while (entries.hasMoreElements()) {
                URL url = entries.nextElement();
                String name = url.getPath().startsWith("/") ? url.getPath().substring(1) : url.getPath();
                resources.put(name, read(url));
            }
            packages.add(pkg);
            return this;
        }

        /** Sets a manifest header or a bnd instruction (such as {@code -includeresource}). */
        public Spec header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /** Builds the bundle and returns the jar's bytes; fails with bnd's errors if there are any. */
        public byte[] build() {
            try (Builder builder = new Builder(); Jar content = new Jar("test-classes")) {
                resources.forEach((name, bytes) -> content.putResource(name, new EmbeddedResource(bytes, 0L)));
                builder.addClasspath(content);
                // bnd reads @MoltBehaviour (a component property type) from its class file, and
                // the API's exported versions for the import range: give it the API bundle.
                builder.addClasspath(apiJar());
                headers.forEach(builder::setProperty);
                builder.setProperty("-privatepackage", String.join(",", packages));
                builder.setProperty("-dsannotations", "*");
                builder.setProperty("-noextraheaders", "true");
                Jar jar = builder.build();
                if (!builder.isOk()) {
                    throw new IllegalStateException("bnd could not build " + headers.get("Bundle-SymbolicName") + " "
                            + headers.get("Bundle-Version") + ": errors " + builder.getErrors() + ", warnings " + builder.getWarnings());
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                jar.write(out);
                return out.toByteArray();
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("bnd failed: " + e, e);
            }
        }

        /** Builds and installs the bundle (not started). */
        public Bundle install(BundleContext context) throws BundleException {
            String location = "testkit:" + headers.get("Bundle-SymbolicName") + "/" + headers.get("Bundle-Version")
                    + "/" + System.nanoTime();
            return context.installBundle(location, new ByteArrayInputStream(build()));
        }
    }

    private static Jar apiJar() throws IOException {
        Bundle api = FrameworkUtil.getBundle(Behaviour.class);
        Jar jar = new Jar("dev.molt.api");
        List<URL> urls = new ArrayList<>();
        Enumeration<URL> e = api.findEntries("dev/molt/api", "*.class", false);
        while (e != null && e.hasMoreElements()) {
            urls.add(e.nextElement());
        }
        for (URL url : urls) {
            jar.putResource(url.getPath().substring(1), new EmbeddedResource(read(url), 0L));
        }
        URL mf = api.getEntry("META-INF/MANIFEST.MF");
        if (mf != null) {
            try (InputStream in = mf.openStream()) {
                jar.setManifest(new Manifest(in));
            }
        }
        return jar;
    }

    private static byte[] read(URL url) {
        try (InputStream in = url.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + url, e);
        }
    }
}
