package dev.molt.runtime.handover;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a neutral image to a {@link SnapshotStore}, leaving out what has no neutral form: the codec
 * names the process (or timer) whose state or message it refused, that one is dropped with a warning,
 * and the rest is written. One process that holds, say, a thread in its state never costs the others
 * their snapshot.
 *
 * <p>Thread rule: as the store's (one writer at a time).
 */
public final class SnapshotWriter {

    private static final System.Logger LOG = System.getLogger("dev.molt.runtime");
    private static final Pattern PROCESS = Pattern.compile("^process (\\d+)'s");
    private static final Pattern TIMER = Pattern.compile("^timer (\\d+)'s");

    private SnapshotWriter() {
    }

    /** The pid a codec refusal names ("process 42's ..."), or -1. */
    static long refusedPid(String message) {
        Matcher m = PROCESS.matcher(String.valueOf(message));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Writes {@code image} (changing it only by dropping what cannot be written); returns how many processes it holds. */
    @SuppressWarnings("unchecked")
    public static int write(SnapshotStore store, Map<String, Object> image) throws IOException {
        List<Object[]> processes = (List<Object[]>) image.get(Image.K_PROCESSES);
        List<Object[]> timers = (List<Object[]>) image.get(Image.K_TIMERS);
        for (int attempt = 0;; attempt++) {
            try {
                store.write(image);
                return processes.size();
            } catch (IllegalArgumentException e) {
                String why = String.valueOf(e.getMessage());
                Matcher pm = PROCESS.matcher(why);
                Matcher tm = TIMER.matcher(why);
                if (pm.find() && attempt < processes.size()) {
                    long pid = Long.parseLong(pm.group(1));
                    processes.removeIf(r -> ((Long) r[Image.P_PID]) == pid);
                } else if (tm.find() && timers != null && Integer.parseInt(tm.group(1)) < timers.size()) {
                    timers.remove(Integer.parseInt(tm.group(1)));
                } else {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, "left out of the snapshot: " + why);
            }
        }
    }
}
