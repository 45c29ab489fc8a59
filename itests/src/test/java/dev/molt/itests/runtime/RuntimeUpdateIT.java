package dev.molt.itests.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.api.ExitReason;
import dev.molt.api.Pid;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.Struct;
import dev.molt.itests.MoltTestSupport;
import dev.molt.itests.RebuiltJars;

/**
 * The runtime bundle itself updated under load, in a real Felix: a thousand counters, four senders
 * with sequence numbers and a caller, all through whatever ProcessRuntime service is registered at
 * the time (the old one until the new one is there: it passes everything on). Afterwards every counter
 * has every message once and in each sender's order, every call was answered, a timer set before the
 * update fired after it, an outside watch and a link carried over, and the old revision's class loader
 * is collected.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class RuntimeUpdateIT extends MoltTestSupport {

    static final int PROCESSES = 1000;
    static final int SENDERS = 4;
    static final int PER_SENDER = 200_000;
    static final String RUNTIME = "dev.molt.mailbox-service";

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    private Bundle runtimeBundle() {
        for (Bundle b : context.getBundles()) {
            if (RUNTIME.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no runtime bundle");
    }

    @Test
    public void aRuntimeUpdateUnderLoadLosesDuplicatesAndReordersNothing() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Bundle rt = runtimeBundle();
        WeakReference<ClassLoader> oldLoader = new WeakReference<>(rt.adapt(BundleWiring.class).getClassLoader());
        ServiceTracker<ProcessRuntime, ProcessRuntime> services = new ServiceTracker<>(context, ProcessRuntime.class, null);
        services.open();
        ProcessRuntime before = runtime;
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            pids.add(before.spawn("counter", null, 0));
        }
        Pid linkedA = before.spawn("counter", "linked-a", 0);
        Pid linkedB = before.spawnLinked(linkedA, "counter", "linked-b", 0);
        CompletableFuture<ExitReason> watchA = before.watch(linkedA).toCompletableFuture();
        before.sendAfter(pids.get(0), List.of("timer", 1), Duration.ofMillis(1500));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sentSoFar = new AtomicLong();
        java.util.concurrent.CountDownLatch updating = new java.util.concurrent.CountDownLatch(1); // a quarter before, the rest during and after
        long[][] sent = new long[SENDERS][PROCESSES];
        List<Thread> threads = new ArrayList<>();
        ProcessRuntime[] last = new ProcessRuntime[SENDERS + 1];
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            last[s] = before;
            threads.add(new Thread(() -> {
                int k = sender * 251;
                for (int i = 0; i < PER_SENDER; i++) {
                    if (i == PER_SENDER / 4) {
                        try {
                            updating.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    ProcessRuntime now = services.getService(); // null between the two revisions: keep the one held
                    if (now != null) {
                        last[sender] = now;
                    }
                    k = (k + 1) % PROCESSES;
                    last[sender].send(pids.get(k), List.of("s" + sender, ++sent[sender][k]));
                    sentSoFar.incrementAndGet();
                }
                last[sender] = null;
            }, "sender-" + s));
        }
        AtomicLong answered = new AtomicLong();
        List<Throwable> failed = new ArrayList<>();
        last[SENDERS] = before;
        threads.add(new Thread(() -> {
            int k = 0;
            while (!stop.get()) {
                ProcessRuntime now = services.getService();
                if (now != null) {
                    last[SENDERS] = now;
                }
                k = (k + 7) % PROCESSES;
                try {
                    assertNotNull(last[SENDERS].call(pids.get(k), "get", Duration.ofSeconds(30)));
                    answered.incrementAndGet();
                } catch (RuntimeException | AssertionError e) {
                    synchronized (failed) {
                        failed.add(e);
                    }
                }
            }
            last[SENDERS] = null;
        }, "caller"));
        threads.forEach(Thread::start);
        before = null;
        runtime = null; // the test holds no reference to the old revision's service from here on

        await("traffic to flow", () -> answered.get() > 50 && sentSoFar.get() >= SENDERS * (PER_SENDER / 4));
        updating.countDown();
        rt.update(new ByteArrayInputStream(RebuiltJars.runtime("0.1.1.test")));
        ProcessRuntime after = services.waitForService(TimeUnit.SECONDS.toMillis(30));
        assertNotNull("a runtime service after the update", after);
        long answeredAtUpdate = answered.get();
        await("calls answered by the new revision", () -> answered.get() > answeredAtUpdate + 100);
        for (Thread t : threads.subList(0, SENDERS)) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        stop.set(true);
        threads.get(SENDERS).join(TimeUnit.SECONDS.toMillis(60));
        synchronized (failed) {
            assertTrue("every call was answered; failed: " + failed, failed.isEmpty());
        }
        assertEquals("0.1.1.test", rt.getVersion().toString());

        ProcessRuntime current = services.getService();
        // The timer set before the update fires after it (1.5 s after it was set).
        Pid first = pids.get(0);
        await("the timer to fire", () -> {
            Struct s = (Struct) current.state(first).toCompletableFuture().join();
            return ((Map<?, ?>) s.get("lastSeq")).containsKey("timer");
        });
        for (int k = 0; k < PROCESSES; k++) {
            Pid p = pids.get(k);
            long total = 0;
            Struct state = (Struct) current.state(p).toCompletableFuture().get(30, TimeUnit.SECONDS);
            @SuppressWarnings("unchecked")
            Map<String, Object> lastSeq = (Map<String, Object>) state.get("lastSeq");
            for (int s = 0; s < SENDERS; s++) {
                total += sent[s][k];
                Number seen = (Number) lastSeq.get("s" + s);
                assertEquals("process " + p + ", sender " + s, sent[s][k], seen == null ? 0 : seen.longValue());
            }
            assertEquals("out of order at " + p, 0L, ((Number) state.get("outOfOrder")).longValue());
            long timer = k == 0 ? 1 : 0;
            assertEquals("messages counted by " + p, total + timer, ((Number) state.get("count")).longValue());
            assertEquals(1, current.info(p).orElseThrow().handOvers());
        }
        // The link and the outside watch carried over.
        current.send(linkedB, "crash");
        assertEquals(ExitReason.Kind.LINKED, watchA.get(30, TimeUnit.SECONDS).kind());

        assertNotSame(after.getClass().getClassLoader(), oldLoader.get());
        after = null;
        services.close();
        awaitCollected(oldLoader, "the old runtime revision's class loader");
    }

    /**
     * A runtime jar that does not resolve: the update throws, the bundle stays INSTALLED, and every
     * process waits, with what is sent to it meanwhile through the old service, until the runtime
     * is updated with a jar that resolves. No timer ends them on the way.
     */
    @Test
    public void aRuntimeJarThatDoesNotResolveLeavesEveryProcessWaitingUntilOneThatDoes() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Bundle rt = runtimeBundle();
        ProcessRuntime before = runtime;
        Pid waiting = before.spawn("counter", "waiting", 5);
        CompletableFuture<ExitReason> watch = before.watch(waiting).toCompletableFuture();
        byte[] unresolvable = RebuiltJars.unresolvableRuntime("0.1.1.unresolvable");
        try {
            rt.update(new ByteArrayInputStream(unresolvable));
            fail("a runtime jar importing a package nobody exports started");
        } catch (BundleException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("dev.molt.nowhere"));
        }
        assertEquals(Bundle.INSTALLED, rt.getState());
        before.send(waiting, 3); // the old service passes it on, after what the process had queued
        // A spawn through the old service waits for a revision that takes the processes.
        CompletableFuture<Pid> spawnedMeanwhile = CompletableFuture.supplyAsync(() -> before.spawn("counter", "meanwhile", 1));
        await("the line that says the processes wait", () -> log.entries().stream().anyMatch(e -> e.message()
                .contains("no revision has started since (state INSTALLED: its new jar did not resolve")
                && e.message().contains(": 1 processes wait, their messages kept")));
        log.expect("stopped to be replaced and no revision has started since");
        assertFalse("the process ended while it waited", watch.isDone());

        ServiceTracker<ProcessRuntime, ProcessRuntime> services = new ServiceTracker<>(context, ProcessRuntime.class, null);
        services.open();
        try {
            rt.update(new ByteArrayInputStream(RebuiltJars.runtime("0.1.1.test")));
            rt.start(); // the framework restarts only a bundle that was active before its update
            ProcessRuntime after = services.waitForService(TimeUnit.SECONDS.toMillis(30));
            assertNotNull("a runtime service after the second update", after);
            assertEquals(8L, after.call(waiting, "get", Duration.ofSeconds(30)));
            assertEquals(waiting, after.whereis("waiting").orElseThrow());
            assertEquals(1, after.info(waiting).orElseThrow().handOvers());
            Pid meanwhile = spawnedMeanwhile.get(30, TimeUnit.SECONDS);
            assertEquals(meanwhile, after.whereis("meanwhile").orElseThrow());
            assertEquals("the old service answers through the new revision", waiting, before.whereis("waiting").orElseThrow());
            assertFalse(watch.isDone());
            log.expect("handle\\(crash\\) threw");
            after.send(waiting, "crash");
            assertEquals("the outside watch carried over", ExitReason.Kind.ERROR,
                    watch.get(30, TimeUnit.SECONDS).kind());
        } finally {
            services.close();
        }
        log.assertNothingUnexpected();
    }

    /**
     * A transient stop (what Karaf's feature:uninstall does first) offers the processes to a next
     * revision: started again, the bundle takes them; uninstalled instead, no revision can come and
     * they end as at a shutdown, their watchers told.
     */
    @Test
    public void aTransientStopKeepsTheProcessesForAStartAndAnUninstallEndsThem() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Bundle rt = runtimeBundle();
        Pid kept = runtime.spawn("counter", "kept", 2);
        CompletableFuture<ExitReason> watch = runtime.watch(kept).toCompletableFuture();
        ServiceTracker<ProcessRuntime, ProcessRuntime> services = new ServiceTracker<>(context, ProcessRuntime.class, null);
        services.open();
        try {
            rt.stop(Bundle.STOP_TRANSIENT);
            runtime.send(kept, 1); // through the stopped revision's service: passed on
            rt.start(Bundle.START_TRANSIENT);
            ProcessRuntime again = services.waitForService(TimeUnit.SECONDS.toMillis(30));
            assertNotNull("a runtime service after the start", again);
            assertEquals(3L, again.call(kept, "get", Duration.ofSeconds(30)));
            assertEquals(1, again.info(kept).orElseThrow().handOvers());

            rt.stop(Bundle.STOP_TRANSIENT);
            assertFalse("the process ended at the transient stop", watch.isDone());
            rt.uninstall();
            assertEquals("the watch is told the process ended with the runtime", ExitReason.SHUTDOWN,
                    watch.get(30, TimeUnit.SECONDS));
        } finally {
            services.close();
        }
    }
}
