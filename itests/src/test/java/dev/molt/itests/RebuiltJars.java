package dev.molt.itests;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A jar of this build with its manifest changed: a rebuilt runtime or API as far as the framework can
 * tell (another Bundle-Version, another exported package version).
 */
public final class RebuiltJars {

    private RebuiltJars() {
    }

    /** The jar named by system property {@code jarProperty} (see {@link MoltTestSupport#path}), its main attributes changed by {@code change}. */
    public static byte[] copy(String jarProperty, Consumer<Attributes> change) throws Exception {
        try (InputStream file = new FileInputStream(MoltTestSupport.path(jarProperty))) {
            return copy(file.readAllBytes(), change);
        }
    }

    /** {@code jar} with its main attributes changed by {@code change}. */
    public static byte[] copy(byte[] jar, Consumer<Attributes> change) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new java.io.ByteArrayInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            change.accept(mf.getMainAttributes());
            try (JarOutputStream out = new JarOutputStream(bytes, mf)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }

    /** The runtime jar with another Bundle-Version. */
    public static byte[] runtime(String version) throws Exception {
        return copy("dev.molt.mailbox-service", a -> a.putValue("Bundle-Version", version));
    }

    /** The runtime jar with another Bundle-Version and an import of a package nobody exports: it cannot resolve. */
    public static byte[] unresolvableRuntime(String version) throws Exception {
        return copy("dev.molt.mailbox-service", a -> {
            a.putValue("Bundle-Version", version);
            a.putValue("Import-Package", a.getValue("Import-Package") + ",dev.molt.nowhere");
        });
    }

    /** The API jar exporting {@code dev.molt.api} at {@code apiVersion}, with another Bundle-Version. */
    public static byte[] api(String apiVersion, String bundleVersion) throws Exception {
        return copy("dev.molt.process-api", a -> {
            a.putValue("Export-Package", a.getValue("Export-Package").replace("dev.molt.api;version=\"1.3.0\"",
                    "dev.molt.api;version=\"" + apiVersion + "\""));
            a.putValue("Bundle-Version", bundleVersion);
        });
    }
}
