package dev.molt.runtime.upgrade;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.molt.api.ProcessException;
import dev.molt.runtime.code.BehaviourVersion;
import dev.molt.runtime.code.VersionRange;

/**
 * Where code comes from: the OSGi layer in a framework. The runtime asks it to replace, add and
 * remove bundles; the service events that follow tell the runtime what changed.
 *
 * <p>Thread rule: any thread; every method returns when the framework call has returned.
 */
public interface CodeHost {

    /**
     * What a jar says of itself.
     *
     * @param jar          a local copy (a temp file, deleted by {@link #discard})
     * @param symbolicName its Bundle-SymbolicName
     * @param version      its Bundle-Version
     * @param behaviours   the behaviours its manifest declares (capability {@code dev.molt.behaviour})
     */
    record Jar(Path jar, String location, String symbolicName, String version, List<Declared> behaviours) {
    }

    /** One behaviour a jar declares, and the versions it imports from (null for any). */
    record Declared(String name, VersionRange importsFrom) {
    }

    /** Reads the jar at {@code location} (a URL or a path) into a local copy. */
    Jar read(String location);

    /** Deletes the local copy. */
    void discard(Jar jar);

    /** The bundle symbolic name of {@code v}'s bundle, or null. */
    String symbolicName(BehaviourVersion v);

    /** Replaces {@code v}'s bundle in place with {@code jar} ({@code Bundle.update}). */
    void update(BehaviourVersion v, Jar jar);

    /** Installs {@code jar} as a bundle beside {@code v}'s and starts it. */
    void installBeside(BehaviourVersion v, Jar jar);

    /** Removes {@code v}'s code now that its processes have moved: uninstalls its bundle. */
    void retire(BehaviourVersion v);

    /** Puts back the kept copy of {@code version} in place of {@code current}'s bundle. */
    void rollback(BehaviourVersion current, String version);

    /** How long to wait for a started bundle's behaviour to register. */
    default Duration registrationTimeout() {
        return Duration.ofSeconds(30);
    }

    /** Without a framework: code comes only through {@code register}; retiring a version unregisters it. */
    static CodeHost none(java.util.function.Consumer<BehaviourVersion> unregister) {
        return new CodeHost() {
            private ProcessException needsFramework(String what) {
                return new ProcessException(what + " needs the OSGi framework; this runtime runs without one");
            }

            @Override
            public Jar read(String location) {
                throw needsFramework("reading a jar");
            }

            @Override
            public void discard(Jar jar) {
            }

            @Override
            public String symbolicName(BehaviourVersion v) {
                return null;
            }

            @Override
            public void update(BehaviourVersion v, Jar jar) {
                throw needsFramework("updating code from a jar");
            }

            @Override
            public void installBeside(BehaviourVersion v, Jar jar) {
                throw needsFramework("installing code from a jar");
            }

            @Override
            public void retire(BehaviourVersion v) {
                unregister.accept(v);
            }

            @Override
            public void rollback(BehaviourVersion current, String version) {
                throw needsFramework("rollback");
            }
        };
    }
}
