package dev.molt.features.cluster;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;

import dev.molt.features.cluster.probe.Probe;

/**
 * Builds the probe behaviour's bundle from this module's test classes with bnd's Builder (the bnd
 * the build uses, DS annotations included), for the nodes to install from their deploy folders.
 */
final class ProbeBundle {

    private ProbeBundle() {
    }

    static Path build(Path dist, Path out) throws Exception {
        File classes = new File(Probe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Builder b = new Builder()) {
            b.addClasspath(classes);
            b.addClasspath(dist.resolve("bundle/process-api.jar").toFile());
            b.setProperty("Bundle-SymbolicName", "dev.molt.test.probe");
            b.setProperty("Bundle-Version", "1.0.0");
            b.setProperty("-privatepackage", Probe.class.getPackageName());
            b.setProperty("-dsannotations", "*");
            b.setProperty("-noextraheaders", "true");
            Jar jar = b.build();
            if (!b.isOk()) {
                throw new IllegalStateException("bnd could not build the probe: " + b.getErrors() + " " + b.getWarnings());
            }
            Files.createDirectories(out.getParent());
            jar.write(out.toFile());
            return out;
        }
    }
}
