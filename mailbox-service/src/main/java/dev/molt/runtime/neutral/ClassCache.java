package dev.molt.runtime.neutral;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * A value worked out once per class, kept in the class itself (a {@link ClassValue}), that this
 * runtime can take back out of every class it put one in ({@link #clearAll}).
 *
 * <p>Why: a {@code ClassValue}'s entry lives in the class it was computed for, and holds its value
 * strongly until the class's own map happens to drop it. A value of one of the runtime's classes
 * (a {@code Shape}, a {@code ClassView.Kind}) kept in a JDK class, the API's or a behaviour's, which all
 * outlive a runtime revision, would pin the old revision's class loader after a runtime update.
 * So the runtime notes each class it computed for (weakly) and removes its entries when it stops.
 *
 * <p>Thread rule: any thread; {@link #clearAll} only when no process runs (a hand-over's end, a shutdown).
 */
public final class ClassCache<T> {

    /**
     * Every cache of this runtime's classes, held until it is cleared: a behaviour version's view
     * clears its own when the version is disposed ({@link #forget}), the rest at {@link #clearAll}.
     */
    private static final Set<ClassCache<?>> ALL = Collections.synchronizedSet(Collections.newSetFromMap(new java.util.IdentityHashMap<>()));

    private final Set<Class<?>> computed = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final ClassValue<T> values;

    public ClassCache(Function<Class<?>, T> compute) {
        this.values = new ClassValue<>() {
            @Override
            protected T computeValue(Class<?> c) {
                computed.add(c);
                return compute.apply(c);
            }
        };
        ALL.add(this);
    }

    public T get(Class<?> c) {
        return values.get(c);
    }

    /** Takes this cache's entry out of every class it is in. */
    public void clear() {
        Class<?>[] classes;
        synchronized (computed) {
            classes = computed.toArray(new Class<?>[0]);
            computed.clear();
        }
        for (Class<?> c : classes) {
            values.remove(c);
        }
    }

    /** Clears this cache and lets it go: its owner (a behaviour version's view) is disposed. */
    public void forget() {
        ALL.remove(this);
        clear();
    }

    /** Takes every cache's entries out of every class: the runtime stops, or hands over to a newer revision. */
    public static void clearAll() {
        ClassCache<?>[] all;
        synchronized (ALL) {
            all = ALL.toArray(new ClassCache<?>[0]);
        }
        for (ClassCache<?> c : all) {
            c.clear();
        }
    }
}
