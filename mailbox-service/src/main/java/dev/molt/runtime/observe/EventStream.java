package dev.molt.runtime.observe;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.jctools.queues.MpscChunkedArrayQueue;

/**
 * Where the runtime's events go: a bounded queue that any thread posts to without blocking, and one
 * daemon thread ({@code molt-events}) that hands each event, in the order posted, to every sink (the
 * EventAdmin bridge). One thread, so that an upgrade's events reach a handler in order even though
 * they come from several threads (EventAdmin orders asynchronous events per posting thread only); a
 * queue, so that nothing of the runtime ever waits for a sink, and no sink runs under a runtime lock.
 *
 * <p>With no sink, {@link #isOn} is false and callers build no event at all: no queue, no thread.
 * When the queue is full (a sink that cannot keep up), an event is dropped and counted
 * ({@link #dropped}); nothing of a process depends on an event.
 *
 * <h2>Thread rules and memory ordering</h2>
 * <ul>
 * <li>{@link #post}: any thread, including under the runtime's locks (an upgrade record's monitor):
 * an offer into JCTools' MPSC queue, which never blocks and takes no lock.</li>
 * <li>The delivery thread is the queue's one consumer. Before it parks it writes {@link #parked}
 * (volatile) and then looks at the queue again; a producer offers (a CAS on the producer index) and
 * then reads {@link #parked}. Each side orders a write before a read with sequentially consistent
 * operations, so one of them sees the other: either the consumer finds the event, or the producer
 * unparks it (no lost wake-up). The park is bounded as well, in case a sink's thread was
 * interrupted.</li>
 * <li>{@link #subscribe} and the returned handle's {@code close}: any thread; the sink list is
 * copy-on-write, {@link #on} is volatile and follows it.</li>
 * </ul>
 */
public final class EventStream {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");
    private static final int CAPACITY = 1 << 16;

    private final List<Consumer<RuntimeEvent>> sinks = new CopyOnWriteArrayList<>();
    private final LongAdder dropped = new LongAdder();
    /** Whether any sink listens: callers read it before they build an event. */
    private volatile boolean on;
    /**
     * Made with the first sink, under this object's monitor, and never replaced. {@link #post} reads
     * both without the monitor: safely, because it reads them only after seeing {@link #on} true,
     * and {@code on} is written (volatile) after them, so that read happens-after their writes.
     */
    private MpscChunkedArrayQueue<RuntimeEvent> queue;
    private Thread delivery;
    /** Written by the delivery thread before it parks, read by producers after they offer (see the class comment). */
    private volatile boolean parked;
    private volatile boolean closed;

    /** Whether an event posted now would reach a sink. */
    public boolean isOn() {
        return on;
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Queues an event for the sinks; never blocks. A no-op with no sink. */
    public void post(RuntimeEvent e) {
        if (!on) {
            return;
        }
        MpscChunkedArrayQueue<RuntimeEvent> q = queue;
        if (q == null || !q.offer(e)) {
            dropped.increment();
            return;
        }
        if (parked) {
            LockSupport.unpark(delivery);
        }
    }

    /**
     * Adds a sink; the returned handle removes it. A sink runs on the delivery thread, one event at a
     * time; what it throws is logged and the next event goes on.
     */
    public synchronized AutoCloseable subscribe(Consumer<RuntimeEvent> sink) {
        if (closed) {
            throw new IllegalStateException("the runtime is shut down");
        }
        if (queue == null) {
            queue = new MpscChunkedArrayQueue<>(256, CAPACITY);
            delivery = new Thread(this::deliver, "molt-events");
            delivery.setDaemon(true);
            delivery.setContextClassLoader(EventStream.class.getClassLoader());
            delivery.start();
        }
        sinks.add(sink);
        on = true;
        return () -> unsubscribe(sink);
    }

    private synchronized void unsubscribe(Consumer<RuntimeEvent> sink) {
        sinks.remove(sink);
        on = !sinks.isEmpty();
    }

    /** Stops the delivery thread; what is queued is delivered first, within a second. */
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = delivery;
        }
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deliver() {
        MpscChunkedArrayQueue<RuntimeEvent> q;
        synchronized (this) {
            q = queue;
        }
        for (;;) {
            RuntimeEvent e = q.poll();
            if (e == null) {
                if (closed) {
                    return;
                }
                parked = true;
                if (q.isEmpty() && !closed) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(500));
                }
                parked = false;
                continue;
            }
            for (Consumer<RuntimeEvent> sink : sinks) {
                try {
                    sink.accept(e);
                } catch (RuntimeException | LinkageError t) {
                    LOG.log(System.Logger.Level.WARNING, "an event sink failed on " + e.topic() + ": " + t);
                }
            }
        }
    }
}
