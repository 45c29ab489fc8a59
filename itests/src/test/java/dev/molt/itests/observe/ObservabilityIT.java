package dev.molt.itests.observe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

import dev.molt.api.Pid;
import dev.molt.api.ProcessStatus;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.admin.MoltEvents;
import dev.molt.itests.MoltTestSupport;
import dev.molt.testkit.MoltOptions;

/**
 * Issue 13 in a real Felix: the runtime's events through a real EventAdmin, in order and with
 * their properties; a real health check turning WARN while an upgrade holds a process and OK once
 * it moves; the MBeans through the platform MBeanServer, operations included; the runtime's
 * settings through the MetaType service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ObservabilityIT extends MoltTestSupport {

    @Configuration
    public Option[] config() {
        return options(
                // EventAdmin first, so that the runtime's optional import is wired when it resolves.
                MoltOptions.fromClasspath("org.apache.felix.eventadmin"),
                MoltOptions.fromClasspath("org.apache.felix.metatype"),
                MoltOptions.fromClasspath("org.apache.felix.healthcheck.api"),
                runtimeBundles(true),
                MoltOptions.fromClasspath("dev.molt.jmx"),
                MoltOptions.fromClasspath("dev.molt.health"));
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private ServiceRegistration<EventHandler> listen() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, MoltEvents.PREFIX + "*");
        return context.registerService(EventHandler.class, events::add, props);
    }

    /** The next event, which must have {@code topic}; PROGRESS events in between are passed over when {@code skipProgress}. */
    private Event next(String topic, boolean skipProgress) throws InterruptedException {
        for (;;) {
            Event e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                fail("no event " + topic + " within " + WAIT.toSeconds() + " s");
            }
            if (skipProgress && e.getTopic().equals(MoltEvents.UPGRADE_PROGRESS)) {
                continue;
            }
            assertEquals("events in order: " + describe(e), topic, e.getTopic());
            return e;
        }
    }

    private static String describe(Event e) {
        StringBuilder sb = new StringBuilder(e.getTopic()).append(' ');
        for (String k : e.getPropertyNames()) {
            sb.append(k).append('=').append(e.getProperty(k)).append(' ');
        }
        return sb.toString();
    }

    private List<Pid> spawnCounters(int n) {
        List<Pid> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(runtime.spawn("counter", "c" + i, i));
        }
        return out;
    }

    @Test
    public void anAtomicUpgradeTellsItsStepsInOrderWithTheirProperties() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        assertTrue("the runtime's optional import of org.osgi.service.event is wired here",
                wiredTo(installedBundle("dev.molt.mailbox-service"), "org.osgi.service.event"));
        spawnCounters(4);
        ServiceRegistration<EventHandler> handler = listen();
        try {
            update(counterBundle(), "dev.molt.counter-v2");
            Event withdrawn = next(MoltEvents.BEHAVIOUR_WITHDRAWN, false);
            assertEquals("counter", withdrawn.getProperty(MoltEvents.BEHAVIOUR));
            assertEquals("1.0.0", withdrawn.getProperty(MoltEvents.VERSION));
            assertEquals(counterBundle().getBundleId(), withdrawn.getProperty(MoltEvents.BUNDLE_ID));
            Event started = next(MoltEvents.UPGRADE_STARTED, false);
            assertEquals("1.0.0", started.getProperty(MoltEvents.FROM));
            assertNull("an atomic upgrade's new version is not known when it starts", started.getProperty(MoltEvents.TO));
            assertEquals("ATOMIC", started.getProperty(MoltEvents.MODE));
            assertEquals("IN_PROGRESS", started.getProperty(MoltEvents.OUTCOME));
            assertEquals(4, started.getProperty(MoltEvents.PROCESSES));
            Event registered = next(MoltEvents.BEHAVIOUR_REGISTERED, false);
            assertEquals("2.0.0", registered.getProperty(MoltEvents.VERSION));
            Event completed = next(MoltEvents.UPGRADE_COMPLETED, false);
            assertEquals("counter", completed.getProperty(MoltEvents.BEHAVIOUR));
            assertEquals("1.0.0", completed.getProperty(MoltEvents.FROM));
            assertEquals("2.0.0", completed.getProperty(MoltEvents.TO));
            assertEquals(4, completed.getProperty(MoltEvents.MIGRATED));
            assertEquals(0, completed.getProperty(MoltEvents.HELD));
            assertEquals(0, completed.getProperty(MoltEvents.FAILED));
            assertEquals(started.getProperty(MoltEvents.STARTED), completed.getProperty(MoltEvents.STARTED));
            assertTrue((Long) completed.getProperty(MoltEvents.LONGEST_PAUSE_NANOS) > 0);
            assertTrue((Long) completed.getProperty(MoltEvents.TOTAL_NANOS) >= (Long) completed.getProperty(MoltEvents.LONGEST_PAUSE_NANOS));
            assertEquals(runtime.upgradeHistory().get(0).summary(), completed.getProperty(MoltEvents.SUMMARY));
            assertNull("nothing after the completion: " + events.peek(), events.poll(200, TimeUnit.MILLISECONDS));
        } finally {
            handler.unregister();
        }
    }

    @Test
    public void aRollingUpgradeTellsItsProgressAndAHeldProcessBeforeItCompletes() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawnCounters(6); // c1, c3, c5 start odd: 3.0.0 holds them
        ServiceRegistration<EventHandler> handler = listen();
        try {
            runtime.upgrade("counter", url("dev.molt.counter-v3-broken"), UpgradeOptions.rolling());
            assertEquals("3.0.0", next(MoltEvents.BEHAVIOUR_REGISTERED, false).getProperty(MoltEvents.VERSION));
            Event started = next(MoltEvents.UPGRADE_STARTED, false);
            assertEquals("ROLLING", started.getProperty(MoltEvents.MODE));
            assertEquals("3.0.0", started.getProperty(MoltEvents.TO));
            Event first = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(first);
            assertTrue("the first move tells its progress, or is held: " + describe(first),
                    first.getTopic().equals(MoltEvents.UPGRADE_PROGRESS) || first.getTopic().equals(MoltEvents.UPGRADE_HELD));
            List<Event> held = new ArrayList<>();
            Event e = first;
            while (!e.getTopic().equals(MoltEvents.UPGRADE_COMPLETED)) {
                if (e.getTopic().equals(MoltEvents.UPGRADE_HELD)) {
                    held.add(e);
                } else {
                    assertEquals(describe(e), MoltEvents.UPGRADE_PROGRESS, e.getTopic());
                    assertEquals("IN_PROGRESS", e.getProperty(MoltEvents.OUTCOME));
                }
                e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertNotNull("the rolling upgrade completes", e);
            }
            assertEquals(3, held.size());
            for (Event h : held) {
                long pid = (Long) h.getProperty(MoltEvents.PID);
                assertEquals("odd totals are held", 1, (pid - pids.get(0).id()) % 2);
                assertEquals("c" + (pid - pids.get(0).id()), h.getProperty(MoltEvents.NAME));
                assertTrue(describe(h), ((String) h.getProperty(MoltEvents.REASON)).contains("cannot import an odd total"));
                assertEquals("3.0.0", h.getProperty(MoltEvents.TO));
            }
            assertEquals(3, e.getProperty(MoltEvents.MIGRATED));
            assertEquals(3, e.getProperty(MoltEvents.HELD));
            assertEquals("ROLLING", e.getProperty(MoltEvents.MODE));
        } finally {
            handler.unregister();
        }
    }

    private Result heldCheck() {
        ServiceReference<HealthCheck> ref;
        try {
            ref = context.getServiceReferences(HealthCheck.class, "(&(hc.tags=molt)(hc.name=Molt held processes))").stream()
                    .findFirst().orElse(null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        assertNotNull("the held-processes check is registered", ref);
        HealthCheck check = context.getService(ref);
        try {
            return check.execute();
        } finally {
            context.ungetService(ref);
        }
    }

    @Test
    public void theHeldCheckWarnsWhileAnUpgradeHoldsAProcessAndIsOkOnceItMoves() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        log.expect("is held: import by 3.0.0 of the state from 1.0.0 failed");
        await("the held-processes check to be registered", () -> {
            try {
                return !context.getServiceReferences(HealthCheck.class, "(hc.name=Molt held processes)").isEmpty();
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
        Pid even = runtime.spawn("counter", "even", 2);
        Pid odd = runtime.spawn("counter", "odd", 3);
        assertEquals(Result.Status.OK, heldCheck().getStatus());
        runtime.upgrade("counter", url("dev.molt.counter-v3-broken"));
        awaitStatus(odd, ProcessStatus.HELD);
        Result warn = heldCheck();
        assertEquals(Result.Status.WARN, warn.getStatus());
        String reason = warn.iterator().next().getMessage();
        assertTrue(reason, reason.startsWith("1 process is held by an upgrade: process " + odd.id() + " (odd) of counter: import by"
                + " 3.0.0 of the state from 1.0.0 failed"));
        assertFalse(reason.contains("\n"));
        assertEquals(ProcessStatus.RUNNING, runtime.info(even).orElseThrow().status());

        runtime.upgrade("counter", url("dev.molt.counter-v2")); // 2.0.0 imports odd totals too: the held one moves
        awaitStatus(odd, ProcessStatus.RUNNING);
        assertEquals(Result.Status.OK, heldCheck().getStatus());
        assertEquals(3L, call(odd, "get"));
        log.assertNothingUnexpected();
    }

    private static boolean wiredTo(Bundle b, String pkg) {
        for (BundleWire w : b.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (pkg.equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return true;
            }
        }
        return false;
    }

    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();

    private static Object invoke(String name, String op, Object[] args, String[] types) throws Exception {
        return MBEANS.invoke(new ObjectName(name), op, args, types);
    }

    @Test
    public void theMBeansShowTheRuntimeAndRunItsOperations() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawnCounters(4);
        ObjectName rt = new ObjectName("dev.molt:type=Runtime");
        ObjectName counter = new ObjectName("dev.molt:type=Behaviour,name=counter");
        await("the MBeans to be registered", () -> MBEANS.isRegistered(rt) && MBEANS.isRegistered(counter));
        assertEquals(4, MBEANS.getAttribute(rt, "Processes"));
        assertTrue(Arrays.asList((String[]) MBEANS.getAttribute(rt, "Behaviours")).contains("counter"));
        assertEquals("1.0.0", MBEANS.getAttribute(counter, "ActiveVersion"));
        assertEquals(List.of("1.0.0=4"), Arrays.asList((String[]) MBEANS.getAttribute(counter, "ProcessesByVersion")));

        String[] three = {String.class.getName(), String.class.getName(), String.class.getName()};
        String upgraded = (String) MBEANS.invoke(counter, "upgrade", new Object[] {url("dev.molt.counter-v2"), "atomic", ""}, three);
        assertTrue(upgraded, upgraded.startsWith("counter 1.0.0 -> 2.0.0: 4 migrated, 0 held, 0 failed"));
        assertEquals("2.0.0", call(pids.get(0), "version"));

        String canary = (String) invoke("dev.molt:type=Runtime", "upgrade", new Object[] {"counter", url("dev.molt.counter-v3-broken"),
                "canary", "c0"}, new String[] {String.class.getName(), String.class.getName(), String.class.getName(), String.class.getName()});
        assertTrue(canary, canary.startsWith("counter 2.0.0 -> 3.0.0 (canary, waiting to be promoted or aborted): 1 migrated"));
        assertEquals("3.0.0", call(pids.get(0), "version"));
        String aborted = (String) MBEANS.invoke(counter, "abort", new Object[0], new String[0]);
        assertTrue(aborted, aborted.contains("aborted"));
        assertEquals("2.0.0", call(pids.get(0), "version"));
        String back = (String) MBEANS.invoke(counter, "rollback", new Object[0], new String[0]);
        assertTrue(back, back.startsWith("counter 2.0.0 -> 1.0.0: 4 migrated"));

        String[] killTypes = {String.class.getName(), String.class.getName()};
        assertEquals(Boolean.TRUE, invoke("dev.molt:type=Runtime", "kill", new Object[] {"c2", "from jmx"}, killTypes));
        await("c2 to end", () -> runtime.info(pids.get(2)).isEmpty());
        assertEquals(3, MBEANS.getAttribute(rt, "Processes"));

        RuntimeMBeanException bad = assertThrows(RuntimeMBeanException.class, () -> MBEANS.invoke(counter, "upgrade",
                new Object[] {url("dev.molt.counter-v2"), "sideways", ""}, three));
        assertEquals("unknown upgrade mode 'sideways': give atomic, rolling or canary", bad.getCause().getMessage());
        RuntimeMBeanException nobody = assertThrows(RuntimeMBeanException.class, () -> invoke("dev.molt:type=Runtime", "kill",
                new Object[] {"nobody", ""}, killTypes));
        assertTrue(nobody.getCause().getMessage(), nobody.getCause().getMessage().startsWith("no live process is named 'nobody'"));
        assertEquals("nothing was changed by the refusals", "1.0.0", call(pids.get(0), "version"));

        String[] history = (String[]) MBEANS.getAttribute(new ObjectName("dev.molt:type=UpgradeHistory"), "Summaries");
        assertEquals(4, history.length); // to 2.0.0, the canary, its way back, the rollback
    }

    @Test
    public void theRuntimeSettingsAreDescribedForTheMetaTypeService() {
        MetaTypeService metatype = context.getService(context.getServiceReference(MetaTypeService.class));
        MetaTypeInformation info = metatype.getMetaTypeInformation(installedBundle("dev.molt.mailbox-service"));
        assertTrue(Arrays.asList(info.getPids()).contains("dev.molt.runtime"));
        ObjectClassDefinition ocd = info.getObjectClassDefinition("dev.molt.runtime", null);
        assertEquals("Molt runtime", ocd.getName());
        Map<String, AttributeDefinition> ads = new java.util.HashMap<>();
        for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
            ads.put(ad.getID(), ad);
            assertFalse(ad.getID() + " has a description", ad.getDescription() == null || ad.getDescription().isBlank());
        }
        assertEquals(Arrays.asList("50"), Arrays.asList(ads.get("throughput").getDefaultValue()));
        assertEquals(Arrays.asList("64"), Arrays.asList(ads.get("latencySampling").getDefaultValue()));
        assertEquals(AttributeDefinition.BOOLEAN, ads.get("processLatency").getType());
        assertEquals(Arrays.asList("false"), Arrays.asList(ads.get("processLatency").getDefaultValue()));
        assertTrue(ads.keySet().containsAll(List.of("workers", "upgradeTimeoutMillis", "historySize", "maxThreads",
                "rollingBatch", "canaryMaxCrashes", "canaryWindowSeconds", "processEvents", "migrationTrails")));
        MetaTypeInformation health = metatype.getMetaTypeInformation(installedBundle("dev.molt.health"));
        assertEquals("10000", health.getObjectClassDefinition("dev.molt.health.mailbox", null)
                .getAttributeDefinitions(ObjectClassDefinition.ALL)[0].getDefaultValue()[0]);
    }
}
