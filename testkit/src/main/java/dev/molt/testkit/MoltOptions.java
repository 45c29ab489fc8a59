package dev.molt.testkit;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;

import org.ops4j.pax.exam.Option;

/**
 * Pax Exam options for a Molt test in the native container (Felix in the test's JVM), for a
 * test class's {@code @Configuration} method:
 *
 * <pre>
 * &#64;Configuration
 * public Option[] config() {
 *     return options(MoltOptions.molt(), MoltOptions.behaviour("com.example.chatroom", "1.0.0"));
 * }
 * </pre>
 *
 * <p>Every bundle comes from the test's class path ({@link ClasspathBundles}): the jars that the
 * kit's dependencies (managed by {@code dev.molt:molt-bom}) and your own test dependencies put
 * there, so a reactor build tests its own jars. Felix itself is on the class path too; Pax Exam's
 * native container starts it.
 */
public final class MoltOptions {

    /** The Pax Logging switch that keeps the container's helper bundles from logging at DEBUG. */
    static final String PAX_LOGGING_LEVEL = "org.ops4j.pax.logging.DefaultServiceLog.level";

    /** Where pax-url-aether keeps the artifacts it downloads (Pax Exam's own helper bundles). */
    static final String PAX_URL_LOCAL_REPOSITORY = "org.ops4j.pax.url.mvn.localRepository";

    private MoltOptions() {
    }

    /**
     * SCR and its three OSGi dependencies, ConfigAdmin, the Molt API and runtime, this kit, the
     * JUnit bundles, and quiet logging.
     */
    public static Option molt() {
        return composite(
                quietLogging(),
                localRepository(),
                fromClasspath("org.osgi.util.function"),
                fromClasspath("org.osgi.util.promise"),
                fromClasspath("org.osgi.service.component"),
                fromClasspath("org.apache.felix.scr"),
                fromClasspath("org.apache.felix.configadmin"),
                fromClasspath("dev.molt.process-api"),
                fromClasspath("dev.molt.mailbox-service"),
                fromClasspath("dev.molt.molt-testkit"),
                junitBundles());
    }

    /**
     * The built-in supervisor, the {@code Supervisors} service and the application extender (the
     * {@code dev.molt:supervision} bundle, a test dependency), for a suite of supervised processes
     * or of an application bundle.
     */
    public static Option supervision() {
        return fromClasspath("dev.molt.supervision");
    }

    /**
     * What {@link TestBundles} needs inside the container: bndlib and its dependencies. bndlib's
     * import of org.slf4j [1.7,2) is met by the Pax Logging API bundle that the native container
     * installs (it exports org.slf4j 1.7.36), which also keeps bnd's own logging quiet.
     */
    public static Option bundleBuilder() {
        return composite(
                fromClasspath("org.osgi.service.repository"),
                fromClasspath("biz.aQute.bnd.util"),
                fromClasspath("biz.aQute.bndlib"));
    }

    /**
     * A behaviour bundle from the test class path: {@code symbolicName} at {@code version} (for
     * example a test dependency on your behaviour's v1 module).
     */
    public static Option behaviour(String symbolicName, String version) {
        return bundle(ClasspathBundles.find(symbolicName, version).url());
    }

    /** The one bundle named {@code symbolicName} on the test class path. */
    public static Option fromClasspath(String symbolicName) {
        return bundle(ClasspathBundles.find(symbolicName).url());
    }

    /**
     * No DEBUG lines: Pax Exam's helper bundles log through Pax Logging's fallback logger, which
     * prints everything unless told a level. The test JVM's own slf4j-simple reads
     * {@code simplelogger.properties} from the kit's jar (level warn).
     */
    public static Option quietLogging() {
        return systemProperty(PAX_LOGGING_LEVEL).value(System.getProperty(PAX_LOGGING_LEVEL, "WARN"));
    }

    /**
     * Points pax-url-aether at the local repository that the build uses, found from where the
     * Pax Exam jar on the class path lies. Without it, a build run with
     * {@code -Dmaven.repo.local=...} would download Pax Exam's helper bundles again into
     * {@code ~/.m2}. A value set by the build (failsafe's systemPropertyVariables) wins.
     */
    public static Option localRepository() {
        String configured = System.getProperty(PAX_URL_LOCAL_REPOSITORY);
        if (configured == null) {
            Path repository = repositoryOf(Option.class, "org.ops4j.pax.exam".split("\\.").length + 3);
            if (repository == null) {
                return composite();
            }
            configured = repository.toString();
            // pax-url-aether reads it from the system properties of this JVM, where the native
            // container's mvn: handler runs.
            System.setProperty(PAX_URL_LOCAL_REPOSITORY, configured);
        }
        return systemProperty(PAX_URL_LOCAL_REPOSITORY).value(configured);
    }

    /**
     * The repository folder above the jar of {@code type}, if the jar lies in a Maven repository
     * layout ({@code group/dirs/artifact/version/file.jar}, {@code levels} folders deep); else null.
     */
    private static Path repositoryOf(Class<?> type, int levels) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            return null;
        }
        try {
            Path p = Path.of(source.getLocation().toURI());
            if (!p.toString().endsWith(".jar")) {
                return null;
            }
            for (int i = 0; i < levels && p != null; i++) {
                p = p.getParent();
            }
            return p != null && new File(p.toFile(), "org").isDirectory() ? p : null;
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
