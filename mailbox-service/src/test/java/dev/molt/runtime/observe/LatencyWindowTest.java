package dev.molt.runtime.observe;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.Test;

import dev.molt.api.admin.Latency;

/**
 * A behaviour's latency window is written by every worker at once (its processes run on all of
 * them) and read by the tick and by listings. Recording must never wait for another writer: the
 * workers that record are the runtime's, and a writer stuck behind another stalls processes.
 */
public class LatencyWindowTest {

    private static final int WRITERS = 8;
    private static final int VALUES = 20_000;

    /**
     * Regression: with HdrHistogram's packed concurrent histograms (Recorder(2, true)) writers that
     * grew the histogram at once spun on each other for good (one in the packed array's
     * consolidateEntry, the others in flipPhase or behind the resize lock), and every worker that
     * recorded for that behaviour stopped: SchedulerTest and the kit's upgrade scenario stalled on a
     * loaded machine. This test hung with it on the first run here.
     */
    @Test
    public void writersOnEveryThreadWithValuesThatGrowTheHistogramNeverWaitForEachOther() throws Exception {
        for (int round = 0; round < 200; round++) { // a fresh window each round: the histograms grow again
            LatencyWindow w = new LatencyWindow();
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(WRITERS);
            for (int t = 0; t < WRITERS; t++) {
                SplittableRandom random = new SplittableRandom(round * 31L + t);
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < VALUES; i++) {
                            // 1 ns to about 17 s, spread over the magnitudes, so that the histogram grows while written
                            w.record(1L << random.nextInt(34) | random.nextInt(1024));
                        }
                        done.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "writer-" + t);
                th.setDaemon(true); // a writer that never returns must not keep the JVM alive
                th.start();
            }
            // A reader draining meanwhile, as listings and the tick do; on its own thread, because a
            // drain waits for the writers in flight, and a stuck writer must fail the test, not hang it.
            Thread reader = new Thread(() -> {
                while (done.getCount() > 0) {
                    w.tick(false);
                }
            }, "reader");
            reader.setDaemon(true);
            start.countDown();
            reader.start();
            if (!done.await(30, TimeUnit.SECONDS)) {
                fail("round " + round + ": " + done.getCount() + " of " + WRITERS + " writers still recording after 30 s");
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse("round " + round + ": the reader still draining 30 s after the writers ended", reader.isAlive());
            Latency l = w.read();
            assertEquals((long) WRITERS * VALUES, l.samples());
            assertTrue(l.max() >= l.p99() && l.p99() >= l.p50());
        }
    }
}
