package dev.molt.runtime.handover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A hand-over across a refresh of process-api: the incoming revision sees other classes for
 * {@code Pid}, {@code Struct}, {@code ExitReason}... than the outgoing one, so the table crosses as
 * CBOR bytes of neutral data (the conversion rule, applied to the whole table). The outgoing revision
 * has every version withdrawn first (each process exports its state with its code while it is still
 * loaded), then makes its live image and turns it into a <em>portable</em> one here: the neutral
 * table as bytes, the callers' futures beside it by position (JDK objects: a reply of JDK values
 * still reaches a caller), the relay, and a function that turns one later value into bytes.
 *
 * <p>Thread rule: {@link #portable} on the deactivating thread, {@link #read} on the activating one;
 * the relay's entries on whatever thread made them.
 */
public final class AcrossApi {

    /** {@link Image#K_FORM} of a portable image. */
    public static final String FORM_PORTABLE = "portable";
    static final String K_BYTES = "bytes";
    /** List of Object[]{Integer record index, Integer slot, Integer position, CompletableFuture}. */
    static final String K_FUTURES = "futures";
    /** {@code Function<Object, byte[]>}: one value of the outgoing revision's classes as a tiny image's bytes. */
    static final String K_VALUE_BYTES = "valueBytes";
    private static final String VALUE = "value";

    private AcrossApi() {
    }

    /** The outgoing side: {@code live} (whose states are exported: every version was withdrawn) as a portable image. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> portable(Map<String, Object> live) {
        List<Object[]> records = (List<Object[]>) live.get(Image.K_PROCESSES);
        List<Object[]> futures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            Object[] r = records.get(i);
            for (int slot : new int[] {Image.P_CALLS, Image.P_WATCHES}) {
                Object[] fs = (Object[]) r[slot];
                if (fs != null) {
                    for (int k = 0; k < fs.length; k++) {
                        if (fs[k] != null) {
                            futures.add(new Object[] {i, slot, k, fs[k]});
                        }
                    }
                    r[slot] = null;
                }
            }
            if (Image.isBound((Long) r[Image.P_BUNDLE])) {
                r[Image.P_BUNDLE] = Image.NEUTRAL; // a version registered from no bundle: its state is exported all the same
            }
        }
        Map<String, Object> neutral = new LinkedHashMap<>(live);
        neutral.put(Image.K_FORM, Image.FORM_NEUTRAL);
        neutral.put(Image.K_TIMERS, timersLeft(live));
        neutral.remove(Image.K_TIMER_REFS);
        neutral.remove(Image.K_RELAY);
        neutral.remove(Image.K_HISTORY); // reports are API objects of the old classes; the history starts anew
        neutral.remove(Image.K_API_CLASS);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(Image.K_FORMAT, Image.FORMAT);
        out.put(Image.K_FORM, FORM_PORTABLE);
        out.put(Image.K_API, live.get(Image.K_API));
        out.put(Image.K_RUNTIME, live.get(Image.K_RUNTIME));
        out.put(K_BYTES, encodeDroppingRefused(neutral, futures));
        out.put(K_FUTURES, futures);
        out.put(Image.K_RELAY, live.get(Image.K_RELAY));
        out.put(K_VALUE_BYTES, (Function<Object, byte[]>) AcrossApi::valueBytes);
        return out;
    }

    /**
     * The timers to carry across the refresh. Their refs cannot follow them (a ref's cancel after the
     * refresh says false, as for a timer that fired), and one cancelled since it was taken is left out.
     */
    @SuppressWarnings("unchecked")
    private static List<Object[]> timersLeft(Map<String, Object> live) {
        List<Object[]> timers = (List<Object[]>) live.getOrDefault(Image.K_TIMERS, List.of());
        List<Object> refs = (List<Object>) live.get(Image.K_TIMER_REFS);
        if (refs == null) {
            return timers;
        }
        List<Object[]> left = new ArrayList<>(timers.size());
        for (int i = 0; i < timers.size(); i++) {
            Object f = i < refs.size() ? refs.get(i) : null;
            if (!(f instanceof CompletableFuture<?> cf)
                    || ((CompletableFuture<Object>) cf).complete(dev.molt.runtime.process.PendingTimers.NOT_CANCELLABLE)) {
                left.add(timers.get(i));
            }
        }
        return left;
    }

    /**
     * The neutral image as bytes, leaving out a process the codec refuses (a state or message with no
     * neutral form), whose callers are told: one such process never costs the others theirs.
     */
    @SuppressWarnings("unchecked")
    private static byte[] encodeDroppingRefused(Map<String, Object> neutral, List<Object[]> futures) {
        List<Object[]> records = new ArrayList<>((List<Object[]>) neutral.get(Image.K_PROCESSES));
        neutral.put(Image.K_PROCESSES, records);
        for (int attempt = 0;; attempt++) {
            try {
                return ImageCodec.encode(neutral);
            } catch (IllegalArgumentException e) {
                long pid = SnapshotWriter.refusedPid(e.getMessage());
                int at = -1;
                for (int i = 0; i < records.size(); i++) {
                    if (((Long) records.get(i)[Image.P_PID]) == pid) {
                        at = i;
                    }
                }
                if (at < 0 || attempt > records.size()) {
                    throw e;
                }
                System.getLogger("dev.molt.runtime").log(System.Logger.Level.WARNING, "process " + pid + " could not"
                        + " cross the refresh of process-api and ends: " + e.getMessage());
                records.remove(at);
                // Its futures go, and the positions of the later records' futures move down by one.
                for (java.util.Iterator<Object[]> it = futures.iterator(); it.hasNext();) {
                    Object[] f = it.next();
                    int index = (Integer) f[0];
                    if (index == at) {
                        ((CompletableFuture<?>) f[3]).completeExceptionally(new java.util.concurrent.CancellationException(
                                "process " + pid + " could not cross the refresh of process-api: " + e.getMessage()));
                        it.remove();
                    } else if (index > at) {
                        f[0] = index - 1;
                    }
                }
            }
        }
    }

    private static byte[] valueBytes(Object v) {
        Map<String, Object> tiny = new LinkedHashMap<>();
        tiny.put(Image.K_FORMAT, Image.FORMAT);
        tiny.put(Image.K_FORM, Image.FORM_NEUTRAL);
        tiny.put(VALUE, v);
        return ImageCodec.encode(tiny);
    }

    /**
     * The incoming side: the neutral image of a portable one, in this revision's classes, with the
     * callers' futures back in their places and the relay's later entries converted as they come.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Map<String, Object> portable) throws ImageCodec.UnreadableImageException {
        Map<String, Object> image = ImageCodec.decode((byte[]) portable.get(K_BYTES));
        List<Object[]> records = (List<Object[]>) image.get(Image.K_PROCESSES);
        for (Object[] f : (List<Object[]>) portable.getOrDefault(K_FUTURES, List.of())) {
            Object[] r = records.get((Integer) f[0]);
            int slot = (Integer) f[1];
            int k = (Integer) f[2];
            int n = slot == Image.P_CALLS ? ((Object[]) r[Image.P_MESSAGES]).length : k + 1;
            Object[] fs = (Object[]) r[slot];
            if (fs == null || fs.length < n) {
                Object[] grown = new CompletableFuture<?>[Math.max(n, k + 1)];
                if (fs != null) {
                    System.arraycopy(fs, 0, grown, 0, fs.length);
                }
                fs = grown;
                r[slot] = fs;
            }
            fs[k] = f[3];
        }
        Object relay = portable.get(Image.K_RELAY);
        Function<Object, byte[]> valueBytes = (Function<Object, byte[]>) portable.get(K_VALUE_BYTES);
        if (relay != null && valueBytes != null) {
            Consumer<Consumer<Object[]>> attach = (Consumer<Consumer<Object[]>>) relay;
            image.put(Image.K_RELAY, (Consumer<Consumer<Object[]>>) sink -> attach.accept(e -> sink.accept(converted(e, valueBytes))));
        }
        return image;
    }

    /** A relay entry whose values are of the outgoing revision's classes, in this one's. */
    private static Object[] converted(Object[] e, Function<Object, byte[]> valueBytes) {
        Object[] out = e.clone();
        for (int i = Relay.A; i <= Relay.B; i++) {
            Object v = out[i];
            if (v != null && !(v instanceof CompletableFuture<?>) && !jdkOnly(v, 0)) {
                try {
                    out[i] = ImageCodec.decode(valueBytes.apply(v)).get(VALUE);
                } catch (ImageCodec.UnreadableImageException | RuntimeException x) {
                    out[i] = null;
                    out[Relay.KIND] = "dropped"; // no neutral form: nothing this revision can deliver
                    for (Object f : e) {
                        if (f instanceof CompletableFuture<?> cf) {
                            cf.completeExceptionally(new java.util.concurrent.CancellationException("the value has no"
                                    + " neutral form, so it could not cross the refresh of process-api: " + x.getMessage()));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Whether {@code v} holds only the JDK's values (which both revisions see as the same classes). */
    static boolean jdkOnly(Object v, int depth) {
        if (v == null || v instanceof String || v instanceof Number && v.getClass().getClassLoader() == null
                || v instanceof Boolean || v instanceof Character) {
            return true;
        }
        if (depth > 64) {
            return false;
        }
        if (v instanceof List<?> l) {
            return l.getClass().getClassLoader() == null && l.stream().allMatch(x -> jdkOnly(x, depth + 1));
        }
        if (v instanceof Set<?> s) {
            return s.getClass().getClassLoader() == null && s.stream().allMatch(x -> jdkOnly(x, depth + 1));
        }
        if (v instanceof Map<?, ?> m) {
            return m.getClass().getClassLoader() == null
                    && m.entrySet().stream().allMatch(x -> jdkOnly(x.getKey(), depth + 1) && jdkOnly(x.getValue(), depth + 1));
        }
        if (v instanceof Object[] a) {
            for (Object x : a) {
                if (!jdkOnly(x, depth + 1)) {
                    return false;
                }
            }
            return a.getClass().getComponentType().getClassLoader() == null;
        }
        return v.getClass().isArray() && v.getClass().getComponentType().isPrimitive();
    }
}
