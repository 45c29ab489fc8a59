package dev.molt.runtime;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

import dev.molt.api.Pid;

/**
 * Many producers, one consumer per process: nothing lost, nothing duplicated, each producer's
 * order kept, and a process never on two threads at once.
 */
public class MailboxConcurrencyTest {

    static final int PRODUCERS = 4;
    static final int PER_PRODUCER = 100_000;
    static final Duration WAIT = Duration.ofSeconds(60);

    MoltRuntime rt;

    @Before
    public void start() {
        Ledger.OVERLAPS.set(0);
        // More workers than cores, so that the scheduler's one-thread-per-process rule is tested
        // with real contention; a small throughput to make processes change threads often.
        rt = new MoltRuntime(RuntimeSettings.defaults().withWorkers(4).withThroughput(8));
        rt.register("ledger", "1.0.0", new Ledger());
    }

    @After
    public void stop() {
        rt.shutdown();
    }

    @Test
    public void fourProducersIntoOneProcess() throws Exception {
        Pid p = rt.spawn("ledger", null);
        produce(List.of(p));
        long[] got = (long[]) rt.call(p, "get", WAIT);
        assertArrayEquals("count, outOfOrder", new long[]{(long) PRODUCERS * PER_PRODUCER, 0}, got);
        @SuppressWarnings("unchecked")
        Map<Long, Long> last = (Map<Long, Long>) rt.call(p, "last", WAIT);
        for (long s = 0; s < PRODUCERS; s++) {
            assertEquals("last sequence number of producer " + s, Long.valueOf(PER_PRODUCER), last.get(s));
        }
        assertEquals("handlers that overlapped in one process", 0, Ledger.OVERLAPS.get());
    }

    @Test
    public void fourProducersIntoAThousandProcesses() throws Exception {
        List<Pid> pids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            pids.add(rt.spawn("ledger", null));
        }
        produce(pids);
        long total = 0;
        for (Pid p : pids) {
            long[] got = (long[]) rt.call(p, "get", WAIT);
            assertEquals("out of order in " + p, 0, got[1]);
            assertEquals("messages to " + p, (long) PRODUCERS * PER_PRODUCER / pids.size(), got[0]);
            total += got[0];
        }
        assertEquals((long) PRODUCERS * PER_PRODUCER, total);
        assertEquals("handlers that overlapped in one process", 0, Ledger.OVERLAPS.get());
    }

    /**
     * Each producer sends PER_PRODUCER messages, round-robin over the targets, numbering its
     * messages to each target from 1.
     */
    private void produce(List<Pid> targets) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(PRODUCERS);
        for (int s = 0; s < PRODUCERS; s++) {
            long sender = s;
            Thread t = new Thread(() -> {
                long[] seq = new long[targets.size()];
                try {
                    go.await();
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        int k = i % targets.size();
                        rt.send(targets.get(k), new long[]{sender, ++seq[k]});
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "producer-" + s);
            t.start();
        }
        go.countDown();
        if (!done.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("producers did not finish in " + WAIT);
        }
    }
}
