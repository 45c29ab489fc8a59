package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

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
import org.osgi.service.cm.ConfigurationAdmin;

import dev.molt.api.Behaviour;
import dev.molt.api.BehaviourInfo;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessException;
import dev.molt.api.ProcessInfo;
import dev.molt.api.ProcessRuntime;
import dev.molt.api.ProcessStatus;
import dev.molt.api.Struct;
import dev.molt.api.UpgradeMode;
import dev.molt.api.UpgradeOptions;
import dev.molt.api.UpgradeReport;

/**
 * The upgrade modes of issue 9 with real bundles: rolling under load, canary promote, abort and
 * automatic abort, the preflight refusal and the forced path without a migration path, one handler
 * blocked while everything else moves; and issue 10's duplicate registration and reload.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class UpgradeModesIT extends MoltTestSupport {

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true), bundle(url("felix.configadmin")));
    }

    private List<Pid> spawn(int n, String prefix) {
        List<Pid> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(runtime.spawn("counter", prefix == null ? null : prefix + i, 0));
        }
        return out;
    }

    private String version(Pid p) {
        return runtime.info(p).orElseThrow().version();
    }

    private Bundle bundleAt(String version) {
        return Arrays.stream(context.getBundles())
                .filter(b -> COUNTER.equals(b.getSymbolicName()) && b.getVersion().toString().equals(version))
                .findFirst().orElse(null);
    }

    private void configure(Map<String, Object> settings) throws Exception {
        ConfigurationAdmin cm = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        Dictionary<String, Object> props = new Hashtable<>(settings);
        cm.getConfiguration("dev.molt.runtime", "?").update(props);
        await("the runtime to take " + settings, () -> {
            ServiceReference<ProcessRuntime> ref = context.getServiceReference(ProcessRuntime.class);
            return ref != null && settings.entrySet().stream().allMatch(e -> e.getValue().equals(ref.getProperty(e.getKey())));
        });
    }

    // ---- rolling -------------------------------------------------------------------------

    /**
     * Rolling under load: four senders with per-sender sequence numbers and a caller throughout;
     * nothing lost, duplicated or reordered, every call answered, and messages handled in every 10 ms
     * window of the upgrade (windows with a garbage collection in them are not counted: a GC stops
     * every thread of the JVM, the runtime's included).
     */
    @Test
    public void aRollingUpgradeUnderLoadLosesNothingAndNeverStopsTheBehaviour() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        int n = 1000;
        int senders = 4;
        List<Pid> pids = spawn(n, null);
        Bundle v1 = counterBundle();
        WeakReference<ClassLoader> v1Loader = loaderOf(v1);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sends = new AtomicLong();
        long[][] sent = new long[senders][n];
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        int k = (sender * 7919 + i) % n;
                        runtime.send(pids.get(k), List.of("s" + sender, ++sent[sender][k]));
                        sends.incrementAndGet();
                        if (i % 20 == 19) {
                            // About 20,000 messages a second per sender: a load the two cores carry
                            // with room to spare, so that queues stay short and a stop would show.
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            threads.add(t);
        }
        AtomicLong calls = new AtomicLong();
        Thread caller = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    call(pids.get((i * 31) % n), "get");
                    calls.incrementAndGet();
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        });
        threads.add(caller);
        // The progress sampler: the sum of what 100 processes handled, the JVM's GC count, the CPU
        // time the runtime's workers got, how many of them were parked and how many runnable.
        List<long[]> samples = new ArrayList<>();
        java.lang.management.ThreadMXBean threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
        Thread sampler = new Thread(() -> {
            long[] workers = new long[0];
            for (int round = 0; !stop.get(); round++) {
                if (round % 50 == 0 || workers.length == 0) { // the workers change rarely (spares come and go): look now and then
                    workers = Arrays.stream(threadBean.getThreadInfo(threadBean.getAllThreadIds()))
                            .filter(t -> t != null && t.getThreadName().startsWith("molt-worker"))
                            .mapToLong(java.lang.management.ThreadInfo::getThreadId).toArray();
                }
                long handled = 0;
                for (int i = 0; i < 100; i++) {
                    handled += runtime.info(pids.get(i * (n / 100))).map(ProcessInfo::handled).orElse(0L);
                }
                long gcs = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
                long cpu = 0;
                long parked = 0;
                long runnable = 0;
                // After the 7 totals: each worker's id, CPU time and whether it was runnable.
                long[] x = new long[SAMPLE_TOTALS + 3 * workers.length];
                int w = SAMPLE_TOTALS;
                for (java.lang.management.ThreadInfo t : threadBean.getThreadInfo(workers)) {
                    if (t != null) {
                        long c = Math.max(0, threadBean.getThreadCpuTime(t.getThreadId()));
                        boolean ready = t.getThreadState() == Thread.State.RUNNABLE;
                        cpu += c;
                        parked += t.getThreadState() == Thread.State.WAITING || t.getThreadState() == Thread.State.TIMED_WAITING ? 1 : 0;
                        runnable += ready ? 1 : 0;
                        x[w++] = t.getThreadId();
                        x[w++] = c;
                        x[w++] = ready ? 1 : 0;
                    }
                }
                long[] totals = {System.nanoTime(), handled, gcs, cpu, parked, sends.get(), runnable};
                System.arraycopy(totals, 0, x, 0, SAMPLE_TOTALS);
                synchronized (samples) {
                    samples.add(Arrays.copyOf(x, w));
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
        });
        threads.add(sampler);
        threads.forEach(Thread::start);

        await("the senders to reach every process", () -> Arrays.stream(sent).allMatch(row -> row[n - 1] > 0));
        long start = System.nanoTime();
        UpgradeReport r = runtime.upgrade("counter", url("dev.molt.counter-v2"), UpgradeOptions.rolling());
        long end = System.nanoTime();
        long beforeStop = calls.get();
        await("the caller to get answers after the upgrade", () -> calls.get() > beforeStop + 10);
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertTrue("senders and caller failed: " + failures, failures.isEmpty());

        assertEquals(r.summary(), UpgradeMode.ROLLING, r.mode());
        assertEquals(r.summary(), UpgradeReport.Outcome.COMPLETED, r.outcome());
        assertEquals(r.summary(), n, r.migrated());
        assertEquals(r.summary(), List.of(), r.held());
        for (int k = 0; k < n; k++) {
            Struct s = state(pids.get(k));
            assertEquals("2.0.0", version(pids.get(k)));
            long total = 0;
            @SuppressWarnings("unchecked")
            Map<String, Object> lastSeq = (Map<String, Object>) s.get("lastSeq");
            for (int sender = 0; sender < senders; sender++) {
                total += sent[sender][k];
                Object last = lastSeq.get("s" + sender);
                assertEquals("process " + k + ", sender " + sender, sent[sender][k], last == null ? 0L : ((Number) last).longValue());
            }
            assertEquals("counted once each", total, ((Number) s.get("total")).longValue());
            assertEquals("in each sender's order", 0L, ((Number) s.get("outOfOrder")).longValue());
        }
        assertEquals("the old version's bundle goes when its last process has moved", Bundle.UNINSTALLED, v1.getState());
        List<long[]> inWindow;
        synchronized (samples) {
            inWindow = samples.stream().filter(x -> x[0] >= start && x[0] <= end).collect(Collectors.toList());
        }
        assertStillServing(inWindow, start, end);
        awaitCollected(v1Loader, "counter 1.0.0's class loader after the rolling upgrade");
    }

    /** Totals at the head of a progress sample, before the per-worker triples. */
    private static final int SAMPLE_TOTALS = 7;

    /** CPU time {@code worker} got between two samples, or -1 if it is not in both. */
    private static long cpuBetween(long[] first, long[] last, long worker) {
        long a = -1;
        long b = -1;
        for (int i = SAMPLE_TOTALS; i + 2 < first.length; i += 3) {
            if (first[i] == worker) {
                a = first[i + 1];
            }
        }
        for (int i = SAMPLE_TOTALS; i + 2 < last.length; i += 3) {
            if (last[i] == worker) {
                b = last[i + 1];
            }
        }
        return a < 0 || b < 0 ? -1 : b - a;
    }

    /**
     * Every 10 ms window of [start, end] saw at least one message handled. A window is judged only
     * when the sampler ran steadily through it (no gap over 3 ms between its samples), no GC ran in
     * it, and either none of the runtime's workers was runnable in it (every one parked while the
     * senders' work waited, which is the runtime's fault) or every worker that was runnable in it
     * got at least 2 ms of CPU. A window where a worker was runnable but the machine gave it no CPU
     * (this machine is shared with other builds; one worker busy moving a process does not make up
     * for another descheduled) says nothing of the runtime, and is not judged; a parked thread
     * beside it is a spare without a permit, parked as it should be.
     */
    private static void assertStillServing(List<long[]> samples, long start, long end) {
        long window = TimeUnit.MILLISECONDS.toNanos(10);
        long steady = TimeUnit.MILLISECONDS.toNanos(3);
        int checked = 0;
        int windows = 0;
        for (long from = start; from + window <= end; from += window) {
            long to = from + window;
            windows++;
            long[] first = null;
            long[] last = null;
            long[] prev = null;
            boolean gap = false;
            for (long[] x : samples) {
                if (x[0] <= from) {
                    first = x;
                }
                if (x[0] <= to) {
                    last = x;
                }
                if (prev != null && x[0] >= from && prev[0] <= to && x[0] - prev[0] > steady) {
                    gap = true;
                }
                prev = x;
            }
            if (first == null || last == null || first == last || first[2] != last[2] || gap) {
                continue; // the sampler itself waited, or a GC ran: nothing to judge by
            }
            java.util.Set<Long> ready = new java.util.HashSet<>();
            for (long[] x : samples) {
                if (x[0] >= from && x[0] <= to) {
                    for (int i = SAMPLE_TOTALS; i + 2 < x.length; i += 3) {
                        if (x[i + 2] == 1) {
                            ready.add(x[i]);
                        }
                    }
                }
            }
            boolean starved = false;
            for (long worker : ready) {
                starved |= cpuBetween(first, last, worker) < TimeUnit.MILLISECONDS.toNanos(2);
            }
            if (starved) {
                continue; // a worker was ready but got (almost) no CPU
            }
            checked++;
            if (last[1] <= first[1]) {
                StringBuilder sb = new StringBuilder();
                for (long[] x : samples) {
                    sb.append(String.format("%.2f ms: %d handled, %d gcs, workers' cpu %.2f ms, %d parked, %d runnable, %d sent%n",
                            (x[0] - start) / 1e6, x[1], x[2], x[3] / 1e6, x[4], x[6], x[5]));
                }
                System.out.println(sb);
            }
            assertTrue("no message handled between " + (from - start) / 1_000_000 + " and " + (to - start) / 1_000_000
                    + " ms into the rolling upgrade", last[1] > first[1]);
        }
        System.out.println("rolling upgrade: " + checked + " of " + windows + " windows of 10 ms judged, "
                + (end - start) / 1_000_000 + " ms");
        assertTrue("no window could be judged: the machine gave this JVM no steady CPU", checked > 0);
    }

    // ---- canary --------------------------------------------------------------------------

    @Test
    public void aCanaryMovesItsShareThenPromoteMovesTheRest() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawn(10, "c");
        for (Pid p : pids) {
            runtime.send(p, 5);
        }
        Bundle v1 = counterBundle();
        WeakReference<ClassLoader> v1Loader = loaderOf(v1);
        UpgradeReport canary = runtime.upgrade("counter", url("dev.molt.counter-v2"), UpgradeOptions.canary("30%"));
        assertEquals(canary.summary(), UpgradeReport.Outcome.CANARY, canary.outcome());
        assertEquals(canary.summary(), 3, canary.migrated());
        for (int i = 0; i < 10; i++) {
            assertEquals("c" + i, i < 3 ? "2.0.0" : "1.0.0", version(pids.get(i)));
            assertEquals(5L, call(pids.get(i), "get"));
        }
        BehaviourInfo b = behaviour("counter");
        assertEquals(List.of("2.0.0", "1.0.0"), b.versions());
        assertEquals("processes per version", Map.of("2.0.0", 3, "1.0.0", 7), b.details().stream()
                .collect(Collectors.toMap(BehaviourInfo.VersionInfo::version, BehaviourInfo.VersionInfo::processes)));
        Pid late = runtime.spawn("counter", "late", 1);
        assertEquals("a process spawned during a canary gets the old version", "1.0.0", version(late));
        assertTrue(runtime.inProgress("counter").isPresent());

        UpgradeReport done = runtime.promote("counter");
        assertEquals(done.summary(), UpgradeReport.Outcome.COMPLETED, done.outcome());
        assertEquals(done.summary(), 11, done.migrated());
        for (Pid p : pids) {
            assertEquals("2.0.0", version(p));
        }
        assertEquals("2.0.0", version(late));
        assertFalse(runtime.inProgress("counter").isPresent());
        assertEquals(Bundle.UNINSTALLED, v1.getState());
        awaitCollected(v1Loader, "counter 1.0.0's class loader after the promotion");
    }

    @Test
    public void anAbortedCanaryMovesItsProcessesBackAndRemovesTheNewVersion() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawn(6, "c");
        for (Pid p : pids) {
            runtime.send(p, 2);
        }
        runtime.upgrade("counter", url("dev.molt.counter-v2"), UpgradeOptions.canary("2"));
        Bundle v2 = bundleAt("2.0.0");
        assertTrue("the new version runs beside the old one", v2 != null && bundleAt("1.0.0") != null);
        WeakReference<ClassLoader> v2Loader = loaderOf(v2);
        assertEquals("2.0.0", version(pids.get(0)));
        runtime.send(pids.get(0), 3); // handled by 2.0.0; the state goes back with the process
        UpgradeReport aborted = runtime.abort("counter");
        assertEquals(aborted.summary(), UpgradeReport.Outcome.ABORTED, aborted.outcome());
        assertTrue(aborted.summary(), aborted.note().startsWith("aborted by an operator"));
        for (Pid p : pids) {
            assertEquals("1.0.0", version(p));
        }
        assertEquals(5L, call(pids.get(0), "get"));
        assertEquals(2L, call(pids.get(1), "get"));
        assertEquals(Bundle.UNINSTALLED, v2.getState());
        List<UpgradeReport> history = reports("counter");
        assertEquals("the canary, and the move back", 2, history.size());
        assertEquals("2.0.0", history.get(1).fromVersion());
        assertEquals(2, history.get(1).migrated());
        awaitCollected(v2Loader, "counter 2.0.0's class loader after the abort");
    }

    @Test
    public void aCanaryWhoseProcessesCrashTooOftenAbortsItself() throws Exception {
        configure(Map.of("canaryMaxCrashes", 2));
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawn(8, "c");
        runtime.upgrade("counter", url("dev.molt.counter-v2"), UpgradeOptions.canary("3"));
        runtime.send(pids.get(0), "crash");
        runtime.send(pids.get(1), "crash");
        await("the canary to abort itself", () -> runtime.inProgress("counter").isEmpty()
                && reports("counter").stream().anyMatch(r -> r.outcome() == UpgradeReport.Outcome.ABORTED));
        UpgradeReport aborted = reports("counter").stream().filter(r -> r.outcome() == UpgradeReport.Outcome.ABORTED)
                .findFirst().orElseThrow();
        assertTrue(aborted.note(), aborted.note().startsWith("aborted automatically: 2 crashes of canary processes"));
        assertTrue("the crashes' exit reasons are in the report: " + aborted.note(),
                aborted.note().contains("process " + pids.get(0).id() + ": error: handle(crash) threw"));
        assertEquals("the canary that did not crash moved back", "1.0.0", version(pids.get(2)));
        await("the new version to be removed", () -> bundleAt("2.0.0") == null);
        assertEquals(6, runtime.processes().size());
    }

    // ---- preflight -----------------------------------------------------------------------

    @Test
    public void anUpgradeWithNoPathFromARunningVersionIsRefusedBeforeAnythingStops() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        List<Pid> pids = spawn(3, "c");
        Path jar = CounterJars.withImportsFrom("dev.molt.counter-v2", "2.5.0", "[2.0,3.0)");
        String before = runtime.processes().toString() + Arrays.toString(context.getBundles());
        for (UpgradeOptions mode : List.of(UpgradeOptions.atomic(), UpgradeOptions.rolling(), UpgradeOptions.canary("1"))) {
            ProcessException e = assertThrows(ProcessException.class,
                    () -> runtime.upgrade("counter", jar.toUri().toString(), mode));
            assertEquals(mode.mode() + ": one line naming both", "cannot upgrade counter to 2.5.0: it imports from [2.0,3.0),"
                    + " but processes run 1.0.0 (3 processes); upgrade them to a version in that range first, or deploy"
                    + " one that imports from them. Nothing was changed", e.getMessage());
        }
        assertEquals("nothing changed", before, runtime.processes().toString() + Arrays.toString(context.getBundles()));
        assertEquals(List.of(), reports("counter"));
        for (Pid p : pids) {
            assertEquals(0L, call(p, "get"));
        }
    }

    @Test
    public void aForcedUpdateWithNoPathHoldsTheProcessesWithThatReason() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", "c", 4);
        Path jar = CounterJars.withImportsFrom("dev.molt.counter-v2", "2.5.0", "[2.0,3.0)");
        try (InputStream in = Files.newInputStream(jar)) {
            counterBundle().update(in);
        }
        await("the process to be held", () -> runtime.info(p).orElseThrow().status() == ProcessStatus.HELD);
        String reason = runtime.info(p).orElseThrow().heldReason();
        assertTrue(reason, reason.startsWith("no migration path: counter 2.5.0 imports from [2.0,3.0), and this state is from 1.0.0"));
        runtime.send(p, 1); // queued while held
        runtime.rollback("counter");
        assertEquals("back on 1.0.0 with its state and its queued message", 5L, call(p, "get"));
    }

    // ---- blocked handler -------------------------------------------------------------------

    /**
     * One handler blocked for 10 s while the 9,999 other processes move and are answered at once:
     * while it still sleeps on 1.0.0, every other process answers on 2.0.0, and spawn and ps answer.
     */
    @Test
    public void aBlockedHandlerDelaysOnlyItsOwnProcess() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid sleeper = runtime.spawn("counter", "sleeper", 0);
        List<Pid> others = spawn(9_999, null);
        runtime.send(sleeper, "sleep:10000");
        await("the sleeper's handler to start", () -> runtime.info(sleeper).orElseThrow().mailboxDepth() == 0
                && runtime.info(sleeper).orElseThrow().handled() == 1);
        update(counterBundle(), "dev.molt.counter-v2");
        for (Pid p : others) {
            assertEquals("2.0.0", call(p, "version"));
        }
        Pid fresh = runtime.spawn("counter", null);
        assertEquals("2.0.0", call(fresh, "version"));
        assertEquals(10_001, runtime.processes().size());
        ProcessInfo s = runtime.info(sleeper).orElseThrow();
        assertEquals("the sleeper is still in its handler, on the old code: everything above happened meanwhile",
                "1.0.0", s.version());
        assertEquals("2.0.0", call(sleeper, "version")); // queued behind the sleep; answered by the new code
    }

    // ---- issue 10, item 2 ----------------------------------------------------------------

    /** A second registration of counter 1.0.0: a warning names both bundles, and the listing shows it. */
    @Test
    public void theSameVersionRegisteredTwiceIsLoggedAndShown() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Behaviour.NAME, "counter");
        props.put(Behaviour.VERSION, "1.0.0");
        ServiceRegistration<?> twin = context.registerService(Behaviour.class, new Behaviour<String>() {
            @Override
            public String init(ProcessContext c, Object a) {
                return "twin";
            }

            @Override
            public String handle(ProcessContext c, String s, Object m) {
                return s;
            }
        }, props);
        try {
            String probe = context.getBundle().getSymbolicName() + " [" + context.getBundle().getBundleId() + "]";
            String counter = COUNTER + " [" + counterBundle().getBundleId() + "]";
            await("the warning", () -> log.entries().stream().map(e -> e.message()).anyMatch(l -> l.startsWith("behaviour counter 1.0.0 is registered twice")));
            String line = log.entries().stream().map(e -> e.message()).filter(l -> l.startsWith("behaviour counter 1.0.0 is registered twice"))
                    .findFirst().orElseThrow();
            assertTrue(line, line.contains(probe) && line.contains(counter) && line.contains("serves new processes"));
            BehaviourInfo b = behaviour("counter");
            assertEquals(List.of("1.0.0", "1.0.0"), b.versions());
            assertTrue(b.details().toString(), b.details().stream().filter(v -> v.version().equals("1.0.0"))
                    .allMatch(BehaviourInfo.VersionInfo::duplicate));
        } finally {
            twin.unregister();
        }
    }

    /** Upgrading to the version that runs is a reload, and the report says so. */
    @Test
    public void anUpgradeToTheRunningVersionIsReportedAsAReload() throws Exception {
        awaitBehaviour("counter", "1.0.0");
        Pid p = runtime.spawn("counter", "c", 7);
        UpgradeReport r = runtime.upgrade("counter", url("dev.molt.counter-v1"));
        assertTrue(r.summary(), r.isReload());
        assertTrue(r.summary(), r.summary().startsWith("counter 1.0.0 reloaded: 1 migrated, 0 held, 0 failed"));
        assertEquals(7L, call(p, "get"));
    }
}
