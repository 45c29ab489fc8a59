package dev.molt.testkit.unit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import dev.molt.testkit.ClasspathBundles;

/** Finding bundles on this module's own test class path (plain JUnit, no framework). */
public class ClasspathBundlesTest {

    @Test
    public void findsABundleByNameAsAFileUrl() {
        ClasspathBundles.Found scr = ClasspathBundles.find("org.apache.felix.scr");
        assertEquals("2.2.18", scr.version().toString());
        assertTrue(scr.url(), scr.url().startsWith("file:") && scr.url().endsWith(".jar"));
    }

    @Test
    public void findsThisBuildsOwnBundles() {
        assertTrue(ClasspathBundles.find("dev.molt.process-api").path().toString().contains("process-api"));
        assertTrue(ClasspathBundles.find("dev.molt.mailbox-service").path().toString().contains("mailbox-service"));
    }

    @Test
    public void aMissingBundleOrVersionIsAClearError() {
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> ClasspathBundles.find("com.example.nothing"));
        assertTrue(none.getMessage(), none.getMessage().startsWith("no bundle com.example.nothing on the test class path; add the jar"));
        IllegalStateException version = assertThrows(IllegalStateException.class, () -> ClasspathBundles.find("org.apache.felix.scr", "9.9.9"));
        assertTrue(version.getMessage(), version.getMessage().contains("found versions [2.2.18 ("));
    }
}
