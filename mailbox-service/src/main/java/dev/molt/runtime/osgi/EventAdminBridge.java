package dev.molt.runtime.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.util.tracker.ServiceTracker;

import dev.molt.runtime.observe.EventStream;
import dev.molt.runtime.observe.RuntimeEvent;

/**
 * Posts the runtime's events to EventAdmin. The only class of the runtime that refers to
 * {@code org.osgi.service.event}, which the bundle imports optionally: {@link RuntimeComponent}
 * loads it only when that import is wired, so that the runtime resolves and runs without EventAdmin.
 * While no EventAdmin service is there, it is not subscribed, and the runtime builds no events.
 *
 * <p>Thread rule: the tracker's callbacks on the framework's threads; {@link #deliver} on the event
 * stream's delivery thread, with {@code postEvent} (asynchronous delivery: it never waits for a handler).
 */
final class EventAdminBridge extends ServiceTracker<EventAdmin, EventAdmin> {

    private final EventStream stream;
    /** The subscription while an EventAdmin is tracked; guarded by this. */
    private AutoCloseable subscription;

    private EventAdminBridge(BundleContext context, EventStream stream) {
        super(context, EventAdmin.class, null);
        this.stream = stream;
    }

    /** Tracks EventAdmin and subscribes while one is there; close the handle to stop. */
    static AutoCloseable open(BundleContext context, EventStream stream) {
        EventAdminBridge b = new EventAdminBridge(context, stream);
        b.open();
        return b::close;
    }

    @Override
    public EventAdmin addingService(ServiceReference<EventAdmin> ref) {
        EventAdmin ea = super.addingService(ref);
        synchronized (this) {
            if (ea != null && subscription == null) {
                subscription = stream.subscribe(this::deliver);
            }
        }
        return ea;
    }

    @Override
    public void removedService(ServiceReference<EventAdmin> ref, EventAdmin ea) {
        super.removedService(ref, ea);
        synchronized (this) {
            if (size() == 0 && subscription != null) { // the removed one is no longer counted
                closeQuietly(subscription);
                subscription = null;
            }
        }
    }

    @Override
    public void close() {
        super.close();
        synchronized (this) {
            if (subscription != null) {
                closeQuietly(subscription);
                subscription = null;
            }
        }
    }

    private void deliver(RuntimeEvent e) {
        EventAdmin ea = getService();
        if (ea != null) {
            ea.postEvent(new Event(e.topic(), e.properties()));
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // an unsubscription does not fail
        }
    }
}
