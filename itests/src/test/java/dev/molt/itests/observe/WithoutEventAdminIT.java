package dev.molt.itests.observe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

import dev.molt.api.Pid;
import dev.molt.api.admin.RuntimeInsight;
import dev.molt.itests.MoltTestSupport;

/**
 * The other way round from {@link ObservabilityIT}: no EventAdmin and no org.osgi.service.event
 * in the framework at all. The runtime resolves, activates and upgrades as ever, and logs nothing
 * about the missing package.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WithoutEventAdminIT extends MoltTestSupport {

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    @Test
    public void theRuntimeRunsAndUpgradesWithoutEventAdmin() throws Exception {
        Bundle runtimeBundle = installedBundle("dev.molt.mailbox-service");
        assertEquals(Bundle.ACTIVE, runtimeBundle.getState());
        for (BundleWire w : runtimeBundle.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            assertTrue("no wire to the event package: " + w, !"org.osgi.service.event".equals(
                    w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE)));
        }
        try {
            runtimeBundle.loadClass("org.osgi.service.event.EventAdmin");
            throw new AssertionError("the runtime should not see org.osgi.service.event here");
        } catch (ClassNotFoundException expected) {
            // the precondition of this test
        }
        assertNull("nobody in this framework exports the event package",
                context.getServiceReference("org.osgi.service.event.EventAdmin"));
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", "c", 5);
        update(counterBundle(), "dev.molt.counter-v2");
        awaitBehaviour("counter", "2.0.0");
        assertEquals("2.0.0", call(p, "version"));
        assertEquals(5L, call(p, "get"));
        RuntimeInsight insight = context.getService(context.getServiceReference(RuntimeInsight.class));
        assertEquals(1, insight.behaviour("counter").orElseThrow().processes());
        assertEquals(1, insight.details(p).orElseThrow().migrations().size());
        log.assertNothingUnexpected();
    }
}
