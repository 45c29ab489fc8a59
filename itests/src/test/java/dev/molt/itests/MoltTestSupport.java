package dev.molt.itests;

import static org.ops4j.pax.exam.CoreOptions.composite;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;

import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;

import dev.molt.api.Pid;
import dev.molt.api.Struct;
import dev.molt.testkit.MoltOptions;
import dev.molt.testkit.MoltTestBase;

/**
 * What Molt's own suites add to the test kit ({@link MoltTestBase}, which they use as any
 * behaviour's tests would): the example counter, and the jars of this build named by the
 * system properties that itests/pom.xml sets (for the versions a test updates to).
 */
public abstract class MoltTestSupport extends MoltTestBase {

    public static final String COUNTER = "dev.molt.examples.counter";

    /** The path of a jar this build made, from the system property failsafe sets (itests/pom.xml). */
    public static String path(String property) {
        String path = System.getProperty(property);
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("system property " + property + " should name a jar of this build, is " + path);
        }
        return path;
    }

    public static String url(String property) {
        return new File(path(property)).toURI().toString();
    }

    /**
     * Felix with SCR, ConfigAdmin and the Molt runtime (the kit finds this build's jars on the
     * test class path), and counter 1.0.0 unless {@code withCounter} is false.
     */
    public static Option runtimeBundles(boolean withCounter) {
        return composite(MoltOptions.molt(), withCounter ? MoltOptions.behaviour(COUNTER, "1.0.0") : composite());
    }

    protected Bundle counterBundle() {
        return installedBundle(COUNTER);
    }

    /** Updates {@code bundle} from the jar named by the system property {@code jar}. */
    protected static void update(Bundle bundle, String jar) throws Exception {
        try (InputStream in = new FileInputStream(path(jar))) {
            bundle.update(in);
        }
    }

    /** The process's exported state (the counter's is a record, so a Struct). */
    protected Struct state(Pid pid) throws Exception {
        return (Struct) exportedState(pid);
    }
}
