package dev.molt.deploy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Optional;
import java.util.jar.Manifest;

import org.junit.Test;

public class BehaviourJarTest {

    private static Optional<BehaviourJar> of(String bsn, String version, String caps) {
        Manifest m = new Manifest();
        m.getMainAttributes().putValue("Manifest-Version", "1.0");
        if (bsn != null) {
            m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        }
        if (version != null) {
            m.getMainAttributes().putValue("Bundle-Version", version);
        }
        if (caps != null) {
            m.getMainAttributes().putValue("Provide-Capability", caps);
        }
        return BehaviourJar.of(m);
    }

    @Test
    public void aBehaviourBundleIsKnownByItsCapability() {
        assertEquals(Optional.of(new BehaviourJar("dev.molt.examples.counter", "2.0.0")),
                of("dev.molt.examples.counter;singleton:=true", "2.0.0",
                        "osgi.service;objectClass:List<String>=\"dev.molt.api.Behaviour\",dev.molt.behaviour;dev.molt.behaviour=counter"));
        assertEquals(Optional.of(new BehaviourJar("a", "0.0.0")), of("a", null, "dev.molt.behaviour;dev.molt.behaviour=x"));
    }

    @Test
    public void anythingElseIsNot() {
        assertTrue(of("a", "1", null).isEmpty());
        assertTrue(of(null, "1", "dev.molt.behaviour;dev.molt.behaviour=x").isEmpty());
        assertTrue(of("a", "1", "osgi.service;objectClass=dev.molt.behaviourish").isEmpty());
        assertTrue(of("a", "1", "other;name=dev.molt.behaviour2").isEmpty());
        assertTrue(BehaviourJar.of(null).isEmpty());
    }
}
