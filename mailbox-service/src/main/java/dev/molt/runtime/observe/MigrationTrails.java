package dev.molt.runtime.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.molt.api.Pid;
import dev.molt.api.UpgradeMode;
import dev.molt.api.admin.MigrationStep;

/**
 * The last few upgrades of each process that went through one, for its detail page: kept apart
 * from the process, so that a process that never moved costs nothing here. At most
 * {@code limit} processes are followed (about 150 bytes each); past that, processes that move for
 * the first time get no trail, and {@link #full} says so.
 *
 * <p>Thread rule: any thread; one process's trail is changed under its own monitor.
 */
final class MigrationTrails {

    static final int STEPS = 4;

    /** One step, compact: the API's {@link MigrationStep} is made when read. */
    private record Step(long atMillis, String from, String to, UpgradeMode mode, long pauseNanos, String held) {
        MigrationStep toApi() {
            return new MigrationStep(Instant.ofEpochMilli(atMillis), from, to, mode, Duration.ofNanos(pauseNanos), held);
        }
    }

    private static final class Trail {
        private final Step[] steps = new Step[STEPS];
        private int next;
        private int size;

        synchronized void add(Step s) {
            steps[next] = s;
            next = (next + 1) % STEPS;
            size = Math.min(size + 1, STEPS);
        }

        synchronized List<MigrationStep> read() {
            List<MigrationStep> out = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                out.add(steps[(next - size + i + STEPS) % STEPS].toApi());
            }
            return out;
        }
    }

    private final ConcurrentHashMap<Pid, Trail> trails = new ConcurrentHashMap<>();
    private volatile int limit;
    private volatile boolean full;

    MigrationTrails(int limit) {
        this.limit = limit;
    }

    void limit(int n) {
        limit = n;
    }

    void moved(Pid pid, String from, String to, UpgradeMode mode, long pauseNanos) {
        add(pid, new Step(System.currentTimeMillis(), from, to, mode, pauseNanos, null));
    }

    void held(Pid pid, String from, String to, UpgradeMode mode, String reason) {
        add(pid, new Step(System.currentTimeMillis(), from, to, mode, 0, reason));
    }

    private void add(Pid pid, Step s) {
        Trail t = trails.get(pid);
        if (t == null) {
            if (trails.size() >= limit) {
                full = true;
                return;
            }
            t = trails.computeIfAbsent(pid, k -> new Trail());
        }
        t.add(s);
    }

    List<MigrationStep> of(Pid pid) {
        Trail t = trails.get(pid);
        return t == null ? List.of() : t.read();
    }

    /** Whether some process got no trail because {@code limit} processes have one. */
    boolean full() {
        return full;
    }

    void ended(Pid pid) {
        trails.remove(pid);
    }
}
