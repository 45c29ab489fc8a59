package dev.molt.itests.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.itests.MoltTestSupport;
import dev.molt.itests.RebuiltJars;

/**
 * process-api updated to a compatible minor version and refreshed, in a real Felix, under load: the
 * runtime, the counter and every bundle wired to the API restart, and the thousand counters go on
 * with their states and every message (the table crossed as neutral data). This probe must not wire
 * to the API (a refresh would restart it with the rest), so it reaches Molt by reflection only, through
 * whatever ProcessRuntime service is registered at the time; its messages are JDK values.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ApiRefreshIT {

    static final int PROCESSES = 1000;
    static final int SENDERS = 4;
    static final int PER_SENDER = 100_000;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return options(MoltTestSupport.runtimeBundles(true));
    }

    /** One ProcessRuntime service, called by reflection through the API classes it was built with. */
    static final class Runtime {
        final Object service;
        final Method spawn;
        final Method spawnLinked;
        final Method send;
        final Method call;
        final Method resolve;
        final Method state;
        final Method info;
        final Method watch;
        final Method sendAfter;
        final Method text;
        final Map<String, Object> pids = new HashMap<>();

        Runtime(Object service) throws Exception {
            this.service = service;
            Class<?> api = null;
            for (Class<?> i : service.getClass().getInterfaces()) {
                if (i.getName().equals("dev.molt.api.ProcessRuntime")) {
                    api = i;
                }
            }
            assertNotNull("the service implements ProcessRuntime", api);
            Class<?> pid = api.getMethod("resolve", String.class).getReturnType();
            spawn = api.getMethod("spawn", String.class, String.class, Object.class);
            spawnLinked = api.getMethod("spawnLinked", pid, String.class, String.class, Object.class);
            send = api.getMethod("send", pid, Object.class);
            call = api.getMethod("call", pid, Object.class, Duration.class);
            resolve = api.getMethod("resolve", String.class);
            state = api.getMethod("state", pid);
            info = api.getMethod("info", pid);
            watch = api.getMethod("watch", pid);
            sendAfter = api.getMethod("sendAfter", pid, Object.class, Duration.class);
            text = pid.getMethod("text");
        }

        Object pid(String text) throws Exception {
            Object p = pids.get(text);
            if (p == null) {
                p = resolve.invoke(service, text);
                pids.put(text, p);
            }
            return p;
        }

        String spawn(String name, Object arg) throws Exception {
            return (String) text.invoke(spawn.invoke(service, "counter", name, arg));
        }

        Object field(String pidText, String field) throws Exception {
            Object struct = ((CompletionStage<?>) state.invoke(service, pid(pidText))).toCompletableFuture().get(30, TimeUnit.SECONDS);
            return struct.getClass().getMethod("get", String.class).invoke(struct, field);
        }
    }

    static void await(String what, BooleanSupplier c) {
        await(what, c, () -> "");
    }

    static void await(String what, BooleanSupplier c, java.util.function.Supplier<String> detail) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " " + detail.get());
            }
            Thread.onSpinWait();
        }
    }

    private static Bundle bundle(BundleContext sys, String bsn) {
        for (Bundle b : sys.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }

    /** The counters, a linked pair with a watch of one, and a timer: through the first revision only (nothing of it stays here). */
    private static CompletableFuture<?> startProcesses(Object service, List<String> pids) throws Exception {
        Runtime before = new Runtime(service);
        await("counter 1.0.0", () -> {
            try {
                before.spawn(null, 0);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        for (int i = 0; i < PROCESSES; i++) {
            pids.add(before.spawn(null, 0));
        }
        String a = before.spawn("linked-a", 0);
        before.spawnLinked.invoke(before.service, before.pid(a), "counter", "linked-b", 0);
        CompletableFuture<?> watchA = ((CompletionStage<?>) before.watch.invoke(before.service, before.pid(a))).toCompletableFuture();
        before.sendAfter.invoke(before.service, before.pid(pids.get(0)), List.of("timer", 1L), Duration.ofMillis(1500));
        return watchA;
    }

    @Test
    public void aRefreshOfTheApiKeepsEveryProcessAndLosesNoMessage() throws Exception {
        // This probe is built from every itests class, so it imports the API too and the refresh restarts
        // it: from here on only the system bundle's context is used, and every class is loaded before.
        BundleContext sys = context.getBundle(0).getBundleContext();
        ServiceTracker<Object, Object> services = new ServiceTracker<>(sys,
                sys.createFilter("(objectClass=dev.molt.api.ProcessRuntime)"), null);
        services.open(true); // every such service, whichever API revision it was built with
        Object[] first = {services.waitForService(30_000)}; // cleared at the end: the old revision must go
        List<String> pids = new ArrayList<>();
        CompletableFuture<?> watchA = startProcesses(first[0], pids);
        // The old API revision stays reachable while this test runs: the probe running it is wired to it.
        // The old runtime revision must go.
        WeakLoader oldRuntime = new WeakLoader(first[0].getClass().getClassLoader());
        oldRuntime.toString(); // loaded now: after the refresh no class of this probe's revision can load

        long[][] sent = new long[SENDERS][PROCESSES];
        AtomicLong sentSoFar = new AtomicLong();
        AtomicLong answered = new AtomicLong();
        List<Throwable> failed = new ArrayList<>();
        CountDownLatch sendersDone = new CountDownLatch(SENDERS);
        CountDownLatch updating = new CountDownLatch(1); // a quarter is sent before the update, the rest during and after
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            threads.add(new Thread(() -> {
                try {
                    Runtime rt = new Runtime(services.getService());
                    int k = sender * 251;
                    for (int i = 0; i < PER_SENDER; i++) {
                        if (i == PER_SENDER / 4) {
                            updating.await();
                        }
                        Object now = services.getService();
                        if (now != null && now != rt.service) {
                            rt = new Runtime(now); // the new revision: its own API classes, its own pids
                        }
                        k = (k + 1) % PROCESSES;
                        rt.send.invoke(rt.service, rt.pid(pids.get(k)), List.of("s" + sender, ++sent[sender][k]));
                        sentSoFar.incrementAndGet();
                    }
                } catch (Throwable t) {
                    synchronized (failed) {
                        failed.add(t);
                    }
                } finally {
                    sendersDone.countDown();
                }
            }, "sender-" + s));
        }
        threads.add(new Thread(() -> {
            try {
                Runtime rt = new Runtime(services.getService());
                int k = 0;
                while (sendersDone.getCount() > 0) {
                    Object now = services.getService();
                    if (now != null && now != rt.service) {
                        rt = new Runtime(now);
                    }
                    k = (k + 7) % PROCESSES;
                    assertNotNull(rt.call.invoke(rt.service, rt.pid(pids.get(k)), "get", Duration.ofSeconds(30)));
                    answered.incrementAndGet();
                }
            } catch (Throwable t) {
                synchronized (failed) {
                    failed.add(t);
                }
            }
        }, "caller"));
        threads.forEach(Thread::start);

        await("traffic to flow", () -> {
            synchronized (failed) {
                if (!failed.isEmpty()) {
                    throw new AssertionError("traffic failed: " + failed, failed.get(0));
                }
            }
            return answered.get() > 50 && sentSoFar.get() >= SENDERS * (PER_SENDER / 4);
        }, () -> "answered " + answered.get() + ", sent " + sentSoFar.get() + ", threads " + threads.stream()
                .map(t -> t.getName() + "=" + t.getState()).toList());
        Bundle api = bundle(sys, "dev.molt.process-api");
        updating.countDown();
        api.update(new ByteArrayInputStream(RebuiltJars.api("1.3.1", "0.1.1.test"))); // a compatible new API
        CountDownLatch refreshed = new CountDownLatch(1);
        sys.getBundle().adapt(FrameworkWiring.class).refreshBundles(List.of(api), e -> {
            if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                refreshed.countDown();
            }
        });
        assertTrue("the refresh ended", refreshed.await(60, TimeUnit.SECONDS));
        await("a runtime of the new API", () -> {
            Object s = services.getService();
            return s != null && s != first[0];
        }, () -> java.util.Arrays.stream(sys.getBundles()).map(b -> b.getSymbolicName() + ":" + b.getState())
                .toList().toString());
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
        }
        synchronized (failed) {
            assertTrue("nothing failed: " + failed, failed.isEmpty());
        }
        Runtime after = new Runtime(services.getService());
        assertNotSame(first[0].getClass().getInterfaces()[0], after.service.getClass().getInterfaces()[0]);

        await("the timer to fire", () -> {
            try {
                return ((Map<?, ?>) after.field(pids.get(0), "lastSeq")).containsKey("timer");
            } catch (Exception e) {
                return false;
            }
        });
        for (int k = 0; k < PROCESSES; k++) {
            String p = pids.get(k);
            Map<?, ?> lastSeq = (Map<?, ?>) after.field(p, "lastSeq");
            long total = 0;
            for (int s = 0; s < SENDERS; s++) {
                total += sent[s][k];
                Number seen = (Number) lastSeq.get("s" + s);
                assertEquals("process " + p + ", sender " + s, sent[s][k], seen == null ? 0 : seen.longValue());
            }
            assertEquals("out of order at " + p, 0L, ((Number) after.field(p, "outOfOrder")).longValue());
            assertEquals("counted by " + p, total + (k == 0 ? 1 : 0), ((Number) after.field(p, "count")).longValue());
            Object info = ((java.util.Optional<?>) after.info.invoke(after.service, after.pid(p))).orElseThrow();
            assertEquals(1, info.getClass().getMethod("handOvers").invoke(info));
        }
        after.send.invoke(after.service, after.pid("linked-b"), "crash");
        Object reason = watchA.get(30, TimeUnit.SECONDS);
        assertEquals("LINKED", String.valueOf(reason.getClass().getMethod("kind").invoke(reason)));
        services.close();
        first[0] = null;
        threads.clear();
        oldRuntime.awaitCollected();
    }

    /** The old API revision's loader, weakly. */
    static final class WeakLoader {
        final java.lang.ref.WeakReference<ClassLoader> ref;

        WeakLoader(ClassLoader l) {
            this.ref = new java.lang.ref.WeakReference<>(l);
        }

        void awaitCollected() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ref.get() != null) {
                System.gc();
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the old runtime revision's class loader is still reachable");
                }
                Thread.onSpinWait();
            }
        }
    }
}
