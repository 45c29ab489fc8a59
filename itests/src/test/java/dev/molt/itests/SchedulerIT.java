package dev.molt.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.molt.api.Behaviour;
import dev.molt.api.Pid;
import dev.molt.api.ProcessContext;
import dev.molt.api.ProcessRuntime;

/**
 * The scheduler under blocking (issue 8) in a real Felix, on 2 workers: a handler blocked until the
 * test releases it while 10,000 calls go to other processes of the same and another behaviour; a
 * thousand handlers calling others at once; a chain of a hundred calls; a handler blocked through
 * {@code ProcessContext.blocking} while a thousand others keep handling messages. Each call waits
 * 10 s: a stall shows as a timeout, so nothing here asserts a timing.
 */
@RunWith(PaxExam.class)
public class SchedulerIT extends MoltTestSupport {

    static final Duration CALL = Duration.ofSeconds(10);

    /** Blocks its handler until released; {@code managed} says so to the runtime first. */
    public record Block(CountDownLatch entered, CountDownLatch release, boolean managed) {
        static Block of(boolean managed) {
            return new Block(new CountDownLatch(1), new CountDownLatch(1), managed);
        }
    }

    /** A call: ask {@code target} {@code message}, and reply with its answer. */
    public record Ask(Pid target, Object message) {
    }

    /** A call: pass it on to the first of {@code rest}; the last replies the depth reached. */
    public record Chain(List<Pid> rest, int depth) {
    }

    /** The test's behaviour: blocks, asks, chains, answers pings, counts what it handled. */
    static final class Relay implements Behaviour<Integer> {
        @Override
        public Integer init(ProcessContext c, Object a) {
            return 0;
        }

        @Override
        public Integer handle(ProcessContext c, Integer handled, Object m) throws Exception {
            if (m instanceof Block b) {
                b.entered().countDown();
                if (b.managed()) {
                    c.blocking(() -> b.release().await(60, TimeUnit.SECONDS));
                } else {
                    b.release().await(60, TimeUnit.SECONDS);
                }
            } else if (m instanceof Ask a) {
                c.reply(c.runtime().call(a.target(), a.message(), CALL));
            } else if (m instanceof Chain ch) {
                c.reply(ch.rest().isEmpty() ? ch.depth() : c.runtime().call(ch.rest().get(0),
                        new Chain(ch.rest().subList(1, ch.rest().size()), ch.depth() + 1), CALL));
            } else if ("ping".equals(m)) {
                c.reply("pong");
            } else if ("count".equals(m)) {
                c.reply(handled);
            }
            return handled + 1;
        }
    }

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Block> blocks = new ArrayList<>();

    @Configuration
    public Option[] config() {
        return options(runtimeBundles(true));
    }

    @Before
    public void twoWorkersAndTwoBehaviours() throws Exception {
        ConfigurationAdmin cm = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("workers", 2);
        cm.getConfiguration("dev.molt.runtime", "?").update(props);
        await("the runtime on 2 workers", () -> {
            ServiceReference<ProcessRuntime> ref = context.getServiceReference(ProcessRuntime.class);
            return ref != null && Integer.valueOf(2).equals(ref.getProperty("workers"));
        });
        for (String name : List.of("relay", "other")) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(Behaviour.NAME, name);
            registrations.add(context.registerService(Behaviour.class, new Relay(), p));
            awaitBehaviour(name, context.getBundle().getVersion().toString());
        }
    }

    @After
    public void releaseAndUnregister() {
        blocks.forEach(b -> b.release().countDown());
        registrations.forEach(ServiceRegistration::unregister);
    }

    private List<Pid> spawn(String behaviour, int n) {
        List<Pid> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(runtime.spawn(behaviour, null));
        }
        return out;
    }

    private Block block(Pid p, boolean managed) throws InterruptedException {
        Block b = Block.of(managed);
        blocks.add(b);
        runtime.send(p, b);
        assertTrue("the handler started", b.entered().await(10, TimeUnit.SECONDS));
        return b;
    }

    @Test
    public void aBlockedHandlerStallsNoCallToOtherProcesses() throws Exception {
        block(runtime.spawn("relay", null), false);
        List<Pid> same = spawn("relay", 50);
        List<Pid> other = spawn("other", 50);
        for (int i = 0; i < 10_000; i++) {
            assertEquals("pong", runtime.call((i % 2 == 0 ? same : other).get(i % 50), "ping", CALL));
        }
        // Counters of the example bundle too: another bundle's behaviour on the same two workers.
        Pid counter = runtime.spawn("counter", null);
        runtime.send(counter, 5);
        assertEquals(5L, call(counter, "get"));
    }

    @Test
    public void aThousandHandlersCallingOthersAtOnceAreAllAnsweredAndAChainOfAHundredToo() throws Exception {
        List<Pid> callers = spawn("relay", 1000);
        List<Pid> callees = spawn("other", 1000);
        List<CompletableFuture<Object>> answers = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            answers.add(runtime.callAsync(callers.get(i), new Ask(callees.get(i), "ping"), CALL).toCompletableFuture());
        }
        for (CompletableFuture<Object> a : answers) {
            assertEquals("pong", a.get(30, TimeUnit.SECONDS));
        }
        List<Pid> chain = spawn("relay", 100);
        assertEquals(99, runtime.call(chain.get(0), new Chain(chain.subList(1, 100), 0), CALL));
    }

    @Test
    public void aHandlerBlockedThroughBlockingLetsAThousandOthersHandleTheirMessages() throws Exception {
        Pid blocked = runtime.spawn("relay", null);
        block(blocked, true);
        List<Pid> others = spawn("other", 1000);
        for (int round = 0; round < 10; round++) {
            for (Pid p : others) {
                runtime.send(p, "tick");
            }
        }
        for (Pid p : others) {
            assertEquals(10, runtime.call(p, "count", CALL));
        }
        blocks.get(0).release().countDown();
        assertEquals(1, runtime.call(blocked, "count", CALL));
    }
}
