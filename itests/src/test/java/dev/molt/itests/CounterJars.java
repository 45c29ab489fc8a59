package dev.molt.itests;

import java.io.FileInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Counter jars made in a test from the built ones. */
public final class CounterJars {

    /**
     * A copy of {@code jarProperty}'s jar with another version, declaring that it imports from
     * {@code importsFrom}: a new version of the counter built here, with the counter's own classes.
     */
    public static Path withImportsFrom(String jarProperty, String version, String importsFrom) throws Exception {
        Path out = Files.createTempFile("counter-" + version + "-", ".jar");
        try (JarInputStream in = new JarInputStream(new FileInputStream(MoltTestSupport.path(jarProperty)))) {
            Manifest m = new Manifest(in.getManifest());
            Attributes a = m.getMainAttributes();
            a.putValue("Bundle-Version", version);
            String caps = a.getValue("Provide-Capability");
            a.putValue("Provide-Capability", caps.replaceAll("dev\\.molt\\.behaviour=counter(;importsFrom=\"[^\"]*\")?",
                    "dev.molt.behaviour=counter;importsFrom=\"" + importsFrom + "\""));
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jar = new JarOutputStream(os, m)) {
                JarEntry e;
                while ((e = in.getNextJarEntry()) != null) {
                    jar.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(jar);
                    jar.closeEntry();
                }
            }
        }
        return out;
    }

    private CounterJars() {}
}
