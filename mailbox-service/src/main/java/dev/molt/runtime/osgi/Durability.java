package dev.molt.runtime.osgi;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;

import dev.molt.runtime.MoltRuntime;
import dev.molt.runtime.handover.Image;
import dev.molt.runtime.handover.SnapshotStore;
import dev.molt.runtime.handover.SnapshotWriter;
import dev.molt.runtime.handover.TakeOver;

/**
 * Durable processes: the snapshot written at a clean framework stop (and every
 * {@code snapshotIntervalSeconds} while running), and the restore at the next start. Off unless
 * {@code durable} is set.
 *
 * <p>Where: {@code snapshotDirectory}, or else the bundle's data area, or else — when the framework
 * cleans its storage at every start ({@code org.osgi.framework.storage.clean=onFirstInit}, as
 * {@code bin/molt} does), which would delete the data area with it — {@code molt-data} beside the
 * framework's storage directory.
 *
 * <p>Thread rule: DS's threads (activate, modified, deactivate) and the one snapshot thread; the
 * store allows one writer at a time, and {@link #schedule} and {@link #cancel} are synchronized.
 */
final class Durability {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");

    private final BundleContext context;
    private final MoltRuntime runtime;
    private final SnapshotStore store;
    /** Read by the snapshot thread and DS's; volatile: a new configuration applies from the next snapshot. */
    private volatile boolean on;
    private volatile int intervalSeconds;
    /**
     * Whether the start's snapshot was dealt with (restored, or found absent, or set aside). The
     * configuration may come after the runtime started (FileInstall starts after it in bin/molt):
     * the restore then waits for it, and no snapshot is written before it, so an unrestored snapshot
     * is never overwritten. Guarded by this object's monitor.
     */
    private boolean startDealtWith;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> periodic;

    Durability(BundleContext context, MoltRuntime runtime, RuntimeComponent.Config config) {
        this.context = context;
        this.runtime = runtime;
        this.store = new SnapshotStore(directory(context, config.snapshotDirectory()));
        this.on = config.durable();
        this.intervalSeconds = config.snapshotIntervalSeconds();
    }

    static Path directory(BundleContext context, String configured) {
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured.strip()).toAbsolutePath();
        }
        if ("onFirstInit".equals(context.getProperty("org.osgi.framework.storage.clean"))) {
            String storage = context.getProperty("org.osgi.framework.storage");
            Path cache = Paths.get(storage == null ? "felix-cache" : storage).toAbsolutePath();
            return cache.resolveSibling("molt-data");
        }
        java.io.File area = context.getDataFile("");
        return area == null ? Paths.get("molt-data").toAbsolutePath() : area.toPath();
    }

    boolean isOn() {
        return on;
    }

    /**
     * A framework start: the processes of the last snapshot come back, waiting for their behaviours.
     * With durability off (as yet), nothing happens until a configuration turns it on ({@link #schedule}).
     */
    synchronized void restore() {
        if (!on || startDealtWith) {
            return;
        }
        startDealtWith = true;
        if (!runtime.processes().isEmpty()) {
            // Turned on late, with processes spawned meanwhile: their pids may be the snapshot's.
            try {
                Path aside = store.file().resolveSibling(SnapshotStore.FILE_NAME + ".unrestored-" + System.currentTimeMillis());
                if (java.nio.file.Files.exists(store.file())) {
                    java.nio.file.Files.move(store.file(), aside);
                    LOG.log(System.Logger.Level.WARNING, "durable processes were turned on after processes had started;"
                            + " the snapshot was not restored and is kept as " + aside);
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not set the unrestored snapshot aside: " + e);
            }
            return;
        }
        Optional<Map<String, Object>> read;
        try {
            read = store.read();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "no processes restored: " + e.getMessage());
            return;
        }
        if (read.isEmpty()) {
            return;
        }
        Map<String, Object> image = read.get();
        TakeOver.Outcome o;
        try {
            o = runtime.takeOver(image, false);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the snapshot " + store.file() + " could not be restored (" + e
                    + "); the runtime starts without its processes");
            return;
        }
        Object at = image.get(Image.K_MADE_AT);
        LOG.log(System.Logger.Level.INFO, "restored " + o.processes() + " processes from the snapshot written at "
                + (at instanceof Long l ? Instant.ofEpochMilli(l).toString() : "?") + " (" + o.waiting()
                + " waiting for their behaviours, " + o.timers() + " timers) in " + (o.nanos() / 1_000_000) + " ms");
        if (intervalSeconds <= 0) {
            try {
                store.delete(); // restored once: a crash before the next stop must not bring them back twice
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "could not delete the restored snapshot " + store.file() + ": " + e);
            }
        }
    }

    /** This revision took its processes from the one before (a runtime update): there is no start to restore. */
    synchronized void handedOver() {
        startDealtWith = true;
    }

    /** Applies the settings: periodic snapshots start, change pace or stop. */
    synchronized void schedule(RuntimeComponent.Config config) {
        on = config.durable();
        intervalSeconds = config.snapshotIntervalSeconds();
        if (periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
        restore(); // turned on by this configuration: the start's snapshot first (once)
        if (!on || intervalSeconds <= 0) {
            return;
        }
        if (timer == null) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "molt-snapshots");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            timer = t;
        }
        periodic = timer.scheduleWithFixedDelay(this::writeNow, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    synchronized void cancel() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS); // a snapshot being written finishes first
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
            periodic = null;
        }
    }

    private void writeNow() {
        try {
            long began = System.nanoTime();
            Map<String, Object> image = runtime.snapshot(RuntimeComponent.apiVersion(context),
                    context.getBundle().getVersion().toString(), false);
            written(SnapshotWriter.write(store, image), began);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "the snapshot was not written: " + e);
        }
    }

    /**
     * The runtime stops for good (a plain stop or uninstall, not a framework stop): its processes end
     * with {@code terminate}, so a snapshot of them must not bring them back at the next start.
     */
    void forget() {
        if (!on) {
            return;
        }
        try {
            store.delete();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete the snapshot " + store.file() + " of processes that"
                    + " ended: " + e);
        }
    }

    /** A framework stop: the last snapshot, then the processes end (without terminate). */
    void stop() {
        long began = System.nanoTime();
        Map<String, Object> image = runtime.stopDurably(RuntimeComponent.apiVersion(context),
                context.getBundle().getVersion().toString());
        try {
            written(SnapshotWriter.write(store, image), began);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "the processes could not be written at the stop, they are lost: " + e);
        }
    }

    private void written(int processes, long began) {
        long bytes = store.lastWrite().map(SnapshotStore.WriteFigures::bytes).orElse(-1L);
        LOG.log(System.Logger.Level.INFO, "wrote a snapshot of " + processes + " processes (" + bytes + " bytes) in "
                + (System.nanoTime() - began) / 1_000_000 + " ms to " + store.file());
    }
}
