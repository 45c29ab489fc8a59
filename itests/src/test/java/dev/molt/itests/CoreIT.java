package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

import dev.molt.api.CallTimeoutException;
import dev.molt.api.DuplicateNameException;
import dev.molt.api.ExitReason;
import dev.molt.api.NoSuchProcessException;
import dev.molt.api.Pid;
import dev.molt.api.ProcessExitedException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessStatus;
import dev.molt.api.UnknownBehaviourException;

/**
 * The runtime in a real Felix with SCR, reached only through its service, running the counter
 * bundle's code: spawn, send, call, timeouts, monitors, errors, kill.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CoreIT extends MoltTestSupport {

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    @Test
    public void theRuntimeIsADeclarativeServicesComponentAndTheCounterIsABehaviour() {
        Bundle runtimeBundle = context.getServiceReference(dev.molt.api.ProcessRuntime.class).getBundle();
        assertEquals("dev.molt.mailbox-service", runtimeBundle.getSymbolicName());
        awaitBehaviour("counter", "1.0.0");
        assertEquals(counterBundle().getBundleId(), behaviour("counter").bundleId());
    }

    @Test
    public void spawnSendCallAndList() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", "core-c1", 40);
        runtime.send(p, 1);
        runtime.send("core-c1", "inc");
        assertEquals(42L, call(p, "get"));
        assertEquals("1.0.0", call(p, "version"));
        // A reply wakes the caller inside the handler; the handled count moves before the
        // handler runs, and the state is read at the next boundary, so both are exact here.
        assertEquals(42L, state(p).get("count"));
        ProcessInfo info = runtime.info(p).orElseThrow();
        assertEquals("core-c1", info.name());
        assertEquals("counter", info.behaviour());
        assertEquals("1.0.0", info.version());
        assertEquals(ProcessStatus.RUNNING, info.status());
        assertEquals(4, info.handled());
        assertEquals(0, info.mailboxDepth());
        assertTrue(runtime.processes().stream().anyMatch(i -> i.pid().equals(p)));
    }

    @Test
    public void aCallTimesOutWithAClearError() {
        Pid p = runtime.spawn("counter", null);
        runtime.send(p, "sleep:500");
        CallTimeoutException e = assertThrows(CallTimeoutException.class,
                () -> runtime.call(p, "get", Duration.ofMillis(50)));
        assertTrue(e.getMessage(), e.getMessage().startsWith("no reply from process " + p.id() + " to get within 50 ms"));
        // The process is fine; the next call gets its own reply.
        assertEquals(0L, call(p, "get"));
    }

    @Test
    public void aMonitorReceivesTheExitReasonOfACrashingProcessAndOthersGoOn() throws Exception {
        Pid crashing = runtime.spawn("counter", null);
        Pid other = runtime.spawn("counter", null);
        CompletableFuture<ExitReason> down = runtime.watch(crashing).toCompletableFuture();
        runtime.send(crashing, "crash");
        ExitReason r = down.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(ExitReason.Kind.ERROR, r.kind());
        assertTrue(r.detail(), r.detail().contains("IllegalStateException: crash requested"));
        assertFalse(runtime.info(crashing).isPresent());
        runtime.send(other, 5);
        assertEquals(5L, call(other, "get"));
    }

    @Test
    public void unknownBehaviourUnknownProcessAndDuplicateNameAreClearErrorsThatChangeNothing() {
        int before = runtime.processes().size();
        UnknownBehaviourException u = assertThrows(UnknownBehaviourException.class, () -> runtime.spawn("nope", null));
        assertEquals("unknown behaviour 'nope'; known: [counter]. Deploy a bundle that registers it", u.getMessage());
        Pid p = runtime.spawn("counter", "core-dup", null);
        DuplicateNameException d = assertThrows(DuplicateNameException.class, () -> runtime.spawn("counter", "core-dup", null));
        assertEquals("the name 'core-dup' is taken by process " + p.id() + "; choose another name or stop that process",
                d.getMessage());
        NoSuchProcessException n = assertThrows(NoSuchProcessException.class, () -> runtime.send("nobody", 1));
        assertEquals("no live process is named 'nobody'; list live processes with proc:ps", n.getMessage());
        assertEquals(before + 1, runtime.processes().size());
    }

    @Test
    public void aProcessKilledWithMessagesQueuedEndsAndItsQueuedCallsFail() throws Exception {
        Pid p = runtime.spawn("counter", null);
        CompletableFuture<ExitReason> down = runtime.watch(p).toCompletableFuture();
        // The sleep keeps the 10,000 messages and the call queued until the kill is queued too
        // (a second is far more than the sends take); the kill then comes first, as system
        // messages do.
        runtime.send(p, "sleep:1000");
        for (int i = 0; i < 10_000; i++) {
            runtime.send(p, 1);
        }
        CompletableFuture<Object> queuedCall = runtime.callAsync(p, "get", WAIT).toCompletableFuture();
        assertTrue(runtime.info(p).orElseThrow().mailboxDepth() > 0);
        assertTrue(runtime.kill(p, "test kill"));
        ExitReason r = down.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(new ExitReason(ExitReason.Kind.KILLED, "test kill"), r);
        ExecutionException e = assertThrows(ExecutionException.class, () -> queuedCall.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(String.valueOf(e.getCause()), e.getCause() instanceof ProcessExitedException);
        assertThrows(NoSuchProcessException.class, () -> call(p, "get"));
        // A killed process is deregistered before its watchers are told.
        assertTrue(runtime.processes().stream().noneMatch(i -> i.pid().equals(p)));
    }

    /** Invariant 8: a behaviour service without a name is refused (logged in one line) and changes nothing. */
    @Test
    public void aBehaviourRegisteredWithoutANameIsIgnored() {
        awaitBehaviour("counter", "1.0.0");
        List<String> before = runtime.behaviours().stream().map(dev.molt.api.BehaviourInfo::name).toList();
        dev.molt.api.Behaviour<String> code = new dev.molt.api.Behaviour<>() {
            @Override
            public String init(dev.molt.api.ProcessContext c, Object a) {
                return "s";
            }

            @Override
            public String handle(dev.molt.api.ProcessContext c, String s, Object m) {
                return s;
            }
        };
        var nameless = context.registerService(dev.molt.api.Behaviour.class, code, null);
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put(dev.molt.api.Behaviour.NAME, "core-named");
        var named = context.registerService(dev.molt.api.Behaviour.class, code, props);
        try {
            // Service events reach the runtime in order: once the named one is there, the
            // nameless one was seen before it.
            awaitBehaviour("core-named", context.getBundle().getVersion().toString());
            List<String> after = runtime.behaviours().stream().map(dev.molt.api.BehaviourInfo::name).toList();
            List<String> expected = new java.util.ArrayList<>(before);
            expected.add("core-named");
            expected.sort(null);
            assertEquals(expected, after);
        } finally {
            named.unregister();
            nameless.unregister();
        }
    }

    @Test
    public void aCallToAProcessThatDoesNotUnderstandFailsWithWhatItSays() {
        Pid p = runtime.spawn("counter", null);
        Exception e = assertThrows(dev.molt.api.ProcessException.class, () -> call(p, List.of("what")));
        assertTrue(e.getMessage(), e.getMessage().startsWith("counter does not understand [what]"));
        assertEquals(0L, call(p, "get"));
    }
}
