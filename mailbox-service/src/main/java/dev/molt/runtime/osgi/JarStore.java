package dev.molt.runtime.osgi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Copies of every behaviour version's jar, kept in the runtime bundle's data area, so that
 * {@code rollback} can put a version back after it was replaced (the framework keeps no old
 * revision's content).
 *
 * <p>Thread rule: any thread; a copy is written to a temp file and moved into place atomically.
 */
final class JarStore {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    private final BundleContext context;

    JarStore(BundleContext context) {
        this.context = context;
    }

    /** The kept copy of {@code behaviour} {@code version}, or null if the framework has no data area. */
    Path copyOf(String behaviour, String version) {
        File dir = context.getDataFile("rollback");
        return dir == null ? null : dir.toPath().resolve(behaviour + "-" + version + ".jar");
    }

    /** Keeps a copy of the bundle's content as it is now, unless one is kept already. */
    void keep(Bundle bundle, String behaviour, String version) {
        Path target = copyOf(behaviour, version);
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
