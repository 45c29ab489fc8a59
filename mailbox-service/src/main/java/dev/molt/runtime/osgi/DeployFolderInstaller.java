package dev.molt.runtime.osgi;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;

import dev.molt.api.MoltBehaviour;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;

/**
 * FileInstall's installer for behaviour jars in the deploy folder, so that replacing a jar there
 * upgrades in the mode the runtime's {@code deployUpgrade} setting names (atomic, or rolling)
 * rather than always by {@code Bundle.update}.
 *
 * <p>It claims a jar whose manifest provides the {@code dev.molt.behaviour} capability (what
 * {@link MoltBehaviour} writes); any other jar is left to FileInstall. A new jar is installed and
 * started, as FileInstall would; a replaced one goes through {@link ProcessRuntime#upgrade} in
 * the set mode, with its preflight (a jar with no migration path is refused, and the log says
 * why in one line); a removed one has its bundles uninstalled and refreshed.
 *
 * <p>Threads: FileInstall calls it from its one directory watcher thread, which a rolling upgrade
 * holds until the last process has moved (the folder's other changes wait meanwhile). The map of
 * jar to bundle symbolic name is concurrent only so that the runtime's shutdown may read it.
 */
final class DeployFolderInstaller implements ArtifactInstaller {

    private static final System.Logger LOG = System.getLogger(DeployFolderInstaller.class.getName());

    private final BundleContext context;
    private final ProcessRuntime runtime;
    private final Supplier<UpgradeMode> mode;
    /** The bundle symbolic name each claimed jar installed, for when the jar is gone. */
    private final Map<File, String> symbolicNames = new ConcurrentHashMap<>();

    DeployFolderInstaller(BundleContext context, ProcessRuntime runtime, Supplier<UpgradeMode> mode) {
        this.context = context;
        this.runtime = runtime;
        this.mode = mode;
    }

    @Override
    public boolean canHandle(File artifact) {
        if (!artifact.getName().endsWith(".jar") || !artifact.isFile()) {
            return false;
        }
        try (JarFile jar = new JarFile(artifact)) {
            Manifest m = jar.getManifest();
            if (m == null || m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME) == null) {
                return false;
            }
            for (Capabilities.Clause c : Capabilities.parse(m.getMainAttributes().getValue(Constants.PROVIDE_CAPABILITY))) {
                if (c.namespace().equals(MoltBehaviour.NAMESPACE)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false; // half-written, or not a jar: FileInstall's own handling says what is wrong
        }
    }

    @Override
    public void install(File artifact) throws Exception {
        Bundle b;
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            b = context.installBundle(artifact.toURI().toString(), in);
        }
        symbolicNames.put(artifact, b.getSymbolicName());
        b.start();
    }

    @Override
    public void update(File artifact) throws Exception {
        Bundle current = newest(symbolicName(artifact));
        if (current == null) {
            install(artifact); // its bundle was uninstalled meanwhile (by hand): start over
            return;
        }
        UpgradeMode m = mode.get();
        UpgradeOptions options = m == UpgradeMode.ROLLING ? UpgradeOptions.rolling() : UpgradeOptions.atomic();
        try {
            UpgradeReport report = runtime.upgrade(Long.toString(current.getBundleId()), artifact.getPath(), options);
            symbolicNames.put(artifact, current.getSymbolicName());
            LOG.log(System.Logger.Level.INFO, "deploy folder: " + artifact.getName() + " upgraded " + report.behaviour() + " "
                    + report.fromVersion() + " -> " + report.toVersion() + " (" + m.name().toLowerCase() + "): "
                    + report.migrated() + " processes moved, " + report.held().size() + " held, " + report.failed() + " failed");
        } catch (RuntimeException e) {
            // The runtime changed nothing; FileInstall keeps the jar's checksum and retries only when it changes again.
            LOG.log(System.Logger.Level.WARNING, "deploy folder: " + artifact.getName() + " was not applied: " + e.getMessage()
                    + "; the running version stays. Put a fixed jar in its place");
        }
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        String name = symbolicNames.remove(artifact);
        if (name == null) {
            return;
        }
        List<Bundle> gone = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (name.equals(b.getSymbolicName()) && b.getState() != Bundle.UNINSTALLED) {
                b.uninstall();
                gone.add(b);
            }
        }
        if (!gone.isEmpty()) {
            context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(gone);
        }
    }

    private String symbolicName(File artifact) throws IOException {
        String known = symbolicNames.get(artifact);
        if (known != null) {
            return known;
        }
        try (JarFile jar = new JarFile(artifact)) { // a jar FileInstall knew before this runtime started
            String bsn = jar.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            int semi = bsn.indexOf(';');
            return (semi < 0 ? bsn : bsn.substring(0, semi)).trim();
        }
    }

    /** The installed bundle of that symbolic name with the highest version (a rolling upgrade's new one), or null. */
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
}
