package dev.molt.runtime;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.After;
import org.junit.Test;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessException;

/**
 * The scheduler under blocking (issue 8): a blocked handler never stalls other processes, a call
 * from a handler never deadlocks the pool, blocking user code has a mechanism with a bound. Every
 * test runs on 2 workers; a stall shows as a call timeout, so no tight timing is asserted.
 */
public class SchedulerTest {

    static final Duration CALL = Duration.ofSeconds(10);

    /** Blocks its handler until {@code release} opens, without telling the runtime. */
    record Block(CountDownLatch entered, CountDownLatch release) {
        Block() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    /** The same, inside {@code ProcessContext.blocking}. */
    record BlockManaged(Block block) {
    }

    /** A call: ask {@code target} {@code message} and reply with its answer. */
    record Ask(Pid target, Object message) {
    }

    /** A call: ask the first of {@code rest} to pass it on; the last replies the depth reached. */
    record Chain(List<Pid> rest, int depth) {
    }

    static final class Relay implements Behaviour<Integer> {
        @Override
        public Integer init(ProcessContext c, Object a) {
            return 0;
        }

        @Override
        public Integer handle(ProcessContext c, Integer handled, Object m) throws Exception {
            if (m instanceof Block b) {
                block(b);
            } else if (m instanceof BlockManaged bm) {
                c.blocking(() -> {
                    block(bm.block());
                    return null;
                });
            } else if (m instanceof Ask a) {
                Object answer = c.runtime().call(a.target(), a.message(), CALL);
                if (c.isCall()) {
                    c.reply(answer);
                }
            } else if (m instanceof Chain ch) {
                c.reply(ch.rest().isEmpty() ? ch.depth()
                        : c.runtime().call(ch.rest().get(0), new Chain(ch.rest().subList(1, ch.rest().size()), ch.depth() + 1), CALL));
            } else if ("ping".equals(m)) {
                c.reply("pong " + c.self().id());
            } else if ("count".equals(m)) {
                c.reply(handled);
            }
            return handled + 1;
        }

        private static void block(Block b) throws InterruptedException {
            b.entered().countDown();
            if (!b.release().await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the block");
            }
        }
    }

    MoltRuntime rt;

    private MoltRuntime start(RuntimeSettings s) {
        rt = new MoltRuntime(s);
        rt.register("relay", "1.0.0", new Relay());
        rt.register("other", "1.0.0", new Relay());
        return rt;
    }

    private MoltRuntime start() {
        return start(RuntimeSettings.defaults().withWorkers(2));
    }

    @After
    public void stop() {
        if (rt != null) {
            rt.shutdown();
        }
    }

    private List<Pid> spawn(String behaviour, int n) {
        List<Pid> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(rt.spawn(behaviour, null));
        }
        return out;
    }

    @Test
    public void aHandlerBlockedWithoutSayingSoDoesNotStallCallsToOtherProcesses() throws Exception {
        start();
        Pid blocked = rt.spawn("relay", null);
        List<Pid> same = spawn("relay", 50);
        List<Pid> other = spawn("other", 50);
        Block b = new Block();
        rt.send(blocked, b);
        assertTrue(b.entered().await(10, TimeUnit.SECONDS));
        try {
            for (int i = 0; i < 10_000; i++) {
                Pid to = (i % 2 == 0 ? same : other).get(i % 50);
                assertEquals("pong " + to.id(), rt.call(to, "ping", CALL));
            }
        } finally {
            b.release().countDown();
        }
        assertEquals(1, rt.call(blocked, "count", CALL));
    }

    @Test
    public void everyWorkerBlockedWithoutSayingSoStillLeavesRoomForOthers() throws Exception {
        start();
        List<Block> blocks = new ArrayList<>();
        for (Pid p : spawn("relay", 2)) {
            Block b = new Block();
            blocks.add(b);
            rt.send(p, b);
            assertTrue(b.entered().await(10, TimeUnit.SECONDS));
        }
        try {
            // Both permits are held by blocked turns: the watchdog must hand them to other threads.
            for (Pid p : spawn("other", 100)) {
                assertEquals("pong " + p.id(), rt.call(p, "ping", CALL));
            }
        } finally {
            blocks.forEach(b -> b.release().countDown());
        }
    }

    @Test
    public void aThousandHandlersCallingOthersAtOnceAreAllAnswered() throws Exception {
        start();
        List<Pid> callers = spawn("relay", 1000);
        List<Pid> callees = spawn("other", 1000);
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            answers.add(rt.callAsync(callers.get(i), new Ask(callees.get(i), "ping"), CALL).toCompletableFuture());
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals("pong " + callees.get(i).id(), answers.get(i).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    public void aThousandHandlersCallingOneBusyServerAtOnceAreAllAnswered() throws Exception {
        start();
        List<Pid> callers = spawn("relay", 1000);
        Pid server = rt.spawn("other", null);
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (Pid c : callers) {
            answers.add(rt.callAsync(c, new Ask(server, "ping"), CALL).toCompletableFuture());
        }
        for (CompletableFuture<Object> a : answers) {
            assertEquals("pong " + server.id(), a.get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    public void aChainOfAHundredCallsFromHandlersIsAnswered() {
        start();
        List<Pid> chain = spawn("relay", 100);
        assertEquals(99, rt.call(chain.get(0), new Chain(chain.subList(1, 100), 0), CALL));
    }

    @Test
    public void aHandlerBlockedThroughBlockingLetsAThousandOthersHandleMessages() throws Exception {
        start();
        Pid blocked = rt.spawn("relay", null);
        Block b = new Block();
        rt.send(blocked, new BlockManaged(b));
        assertTrue(b.entered().await(10, TimeUnit.SECONDS));
        try {
            List<Pid> others = spawn("other", 1000);
            for (int round = 0; round < 10; round++) {
                for (Pid p : others) {
                    rt.send(p, "tick");
                }
            }
            for (Pid p : others) {
                assertEquals(10, rt.call(p, "count", CALL));
            }
        } finally {
            b.release().countDown();
        }
        assertEquals(1, rt.call(blocked, "count", CALL));
    }

    @Test
    public void pastTheThreadBoundWorkWaitsForABlockedHandlerAndTheLogSaysSoOnce() throws Exception {
        start(RuntimeSettings.defaults().withWorkers(2).withMaxThreads(3));
        List<LogRecord> warnings = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("dev.molt.runtime");
        log.addHandler(h);
        List<Block> blocks = new ArrayList<>();
        try {
            for (Pid p : spawn("relay", 3)) {
                Block b = new Block();
                blocks.add(b);
                rt.send(p, new BlockManaged(b));
                assertTrue("blocked handler " + blocks.size() + " started", b.entered().await(10, TimeUnit.SECONDS));
            }
            // Three threads, all blocked: a fourth process must wait for one of them.
            Pid waiting = rt.spawn("other", null);
            CompletableFuture<Object> late = rt.callAsync(waiting, "ping", Duration.ofSeconds(60)).toCompletableFuture();
            for (Pid p : spawn("other", 3)) {
                rt.send(p, "tick"); // more work, still within the bound's one log line
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (countLimitLines(warnings) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("one warning about the bound: " + warnings, 1, countLimitLines(warnings));
            assertTrue("the call waits while every thread is blocked", !late.isDone());
            blocks.get(0).release().countDown();
            assertEquals("pong " + waiting.id(), late.get(30, TimeUnit.SECONDS));
        } finally {
            blocks.forEach(b -> b.release().countDown());
            log.removeHandler(h);
        }
    }

    private static synchronized int countLimitLines(List<LogRecord> warnings) {
        int n = 0;
        synchronized (warnings) {
            for (LogRecord r : warnings) {
                if (r.getMessage().contains("maxThreads")) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    public void aCallToItselfOrRoundACycleFailsAtOnceInsteadOfTimingOut() {
        start();
        Pid a = rt.spawn("relay", null);
        Pid b = rt.spawn("relay", null);
        long t0 = System.nanoTime();
        ProcessException self = assertThrows(ProcessException.class, () -> rt.call(a, new Ask(a, "ping"), CALL));
        assertTrue(self.getMessage(), self.getMessage().contains("crashed handling the call")
                && self.getMessage().contains("already handling a message on this thread"));
        // a asks b, which asks a: a cycle of inline calls, refused in b's handler at once.
        Pid c = rt.spawn("relay", null);
        Pid d = rt.spawn("relay", null);
        ProcessException cycle = assertThrows(ProcessException.class, () -> rt.call(c, new Ask(d, new Ask(c, "ping")), CALL));
        assertTrue(cycle.getMessage(), cycle.getMessage().contains("crashed handling the call"));
        assertTrue("failed at once, not at a timeout", System.nanoTime() - t0 < CALL.toNanos());
        assertEquals("pong " + b.id(), rt.call(b, "ping", CALL));
    }

    /**
     * Calls go from callers to callees only: calls that could form a cycle deadlock in Erlang too (a
     * gen_server calling one that calls it back waits for its timeout), so they are no test of the
     * scheduler.
     */
    @Test
    public void manyProducersAndCallersKeepEveryProcessAnswering() throws Exception {
        start();
        List<Pid> callers = spawn("relay", 100);
        List<Pid> callees = spawn("other", 100);
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 5_000; i++) {
                    Pid from = callers.get((i * 7 + seed) % callers.size());
                    Pid to = callees.get((i * 13 + seed * 3) % callees.size());
                    try {
                        if (i % 3 == 0) {
                            rt.call(from, new Ask(to, "ping"), CALL);
                        } else {
                            rt.send(i % 2 == 0 ? to : from, "tick");
                        }
                    } catch (ProcessException e) {
                        errors.incrementAndGet();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(TimeUnit.MINUTES.toMillis(2));
        }
        assertEquals("calls that failed (a timeout is a stall)", 0, errors.get());
    }
}
