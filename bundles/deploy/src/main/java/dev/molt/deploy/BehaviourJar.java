package dev.molt.deploy;

import java.io.File;
import java.io.IOException;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * What the deploy folder needs to know of a jar: is it a behaviour bundle (its manifest provides
 * the {@code dev.molt.behaviour} capability, which {@code @MoltBehaviour} writes), and which bundle
 * (symbolic name and version) it is.
 *
 * @param symbolicName the Bundle-SymbolicName without its directives
 * @param version      the Bundle-Version as written, {@code 0.0.0} if absent
 */
record BehaviourJar(String symbolicName, String version) {

    /** A clause of Provide-Capability in the behaviour namespace: at the start, or after a comma. */
    private static final Pattern BEHAVIOUR_CLAUSE = Pattern.compile("(^|,)\\s*dev\\.molt\\.behaviour\\s*(;|,|$)");

    /** The jar's bundle, if the file is a readable jar of a behaviour bundle; empty for anything else. */
    static Optional<BehaviourJar> read(File file) {
        if (!file.isFile() || !file.getName().endsWith(".jar")) {
            return Optional.empty();
        }
        try (JarFile jar = new JarFile(file)) {
            return of(jar.getManifest());
        } catch (IOException e) {
            return Optional.empty(); // half-written, or not a jar: FileInstall's own handling says what is wrong
        }
    }

    static Optional<BehaviourJar> of(Manifest manifest) {
        if (manifest == null) {
            return Optional.empty();
        }
        Attributes a = manifest.getMainAttributes();
        String bsn = a.getValue("Bundle-SymbolicName");
        String caps = a.getValue("Provide-Capability");
        if (bsn == null || caps == null || !BEHAVIOUR_CLAUSE.matcher(caps).find()) {
            return Optional.empty();
        }
        int semi = bsn.indexOf(';');
        String version = a.getValue("Bundle-Version");
        return Optional.of(new BehaviourJar((semi < 0 ? bsn : bsn.substring(0, semi)).strip(),
                version == null ? "0.0.0" : version.strip()));
    }
}
