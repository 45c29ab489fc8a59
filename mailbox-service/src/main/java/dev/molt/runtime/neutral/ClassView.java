package dev.molt.runtime.neutral;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.molt.api.Struct;

/**
 * How one version's code sees classes: whether a class is the one its class loader finds under
 * that name (the conversion rule's check on delivery), and which class a struct's type names.
 *
 * <p>The check is cached per class in a {@link ClassValue}: the entry lives in the checked class
 * and refers to this view only weakly, so neither side pins the other's loader. A class loader
 * answers a name once; after that a check costs a lookup in the class's own map, and a record
 * whose components are all closed types (primitives, final JDK classes) is checked as a whole.
 *
 * <p>Thread rule: any thread; the caches are concurrent and benign when raced.
 */
public final class ClassView implements Neutral.ClassResolver {

    /** What a message needs before the receiving code may see it. */
    public enum Fit {
        /** Nothing: every object in it is of a class the code sees as the same. */
        AS_IS,
        /** It holds structs (typed in a shell, or neutral on purpose): the code's importMessage sees it. */
        STRUCTS,
        /** It holds objects of classes the code does not see as the same: convert through neutral data. */
        CONVERT
    }

    private final ClassLoader loader;
    private final Class<?> codeClass;
    private final ClassValue<Boolean> same = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
            return seenAsSame(c);
        }
    };
    /** Struct type names, as typed or qualified, to the class they name here (absent: none). */
    private final Map<String, Class<?>> structTypes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> missingStructTypes = new ConcurrentHashMap<>();
    /** The last closed record class found to fit; a plain field: a stale read only costs the slow path. */
    private Class<?> lastClosed;

    /**
     * @param code the behaviour's implementation class: its loader is the view, its package and
     *             nested classes are where a struct's simple type name is looked for
     */
    public ClassView(Class<?> code) {
        this.codeClass = code;
        this.loader = code.getClassLoader();
    }

    /** Whether {@code c} is the class this code finds under its name. */
    public boolean sees(Class<?> c) {
        return c.getClassLoader() == loader || Neutral.isJdk(c) || same.get(c);
    }

    private boolean seenAsSame(Class<?> c) {
        if (loader == null) {
            return true;
        }
        try {
            return Class.forName(c.getName(), false, loader) == c;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** What {@code m} needs before the code may handle it (see {@link Fit}). */
    public Fit fit(Object m) {
        if (m == null || m instanceof String || m instanceof Integer || m instanceof Long) {
            return Fit.AS_IS;
        }
        Class<?> c = m.getClass();
        if (c == lastClosed) {
            return Fit.AS_IS;
        }
        return deepFit(m);
    }

    private Fit deepFit(Object v) {
        if (v == null) {
            return Fit.AS_IS;
        }
        if (v instanceof Struct) {
            return Fit.STRUCTS;
        }
        if (v instanceof Collection<?> col) {
            Fit worst = Fit.AS_IS;
            for (Object x : col) {
                worst = worse(worst, deepFit(x));
                if (worst == Fit.CONVERT) {
                    return worst;
                }
            }
            return worst;
        }
        if (v instanceof Map<?, ?> map) {
            Fit worst = Fit.AS_IS;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                worst = worse(worse(worst, deepFit(e.getKey())), deepFit(e.getValue()));
                if (worst == Fit.CONVERT) {
                    return worst;
                }
            }
            return worst;
        }
        if (v instanceof Object[] a) {
            Fit worst = sees(a.getClass().getComponentType()) ? Fit.AS_IS : Fit.CONVERT;
            for (Object x : a) {
                worst = worse(worst, deepFit(x));
                if (worst == Fit.CONVERT) {
                    return worst;
                }
            }
            return worst;
        }
        Class<?> c = v.getClass();
        if (!sees(c)) {
            return Fit.CONVERT;
        }
        if (!c.isRecord()) {
            return Fit.AS_IS; // the code's own object (or the JDK's); it sees it as it is
        }
        Shape shape = Shape.of(c);
        if (shape.closed) {
            lastClosed = c;
            return Fit.AS_IS;
        }
        Fit worst = Fit.AS_IS;
        for (int i = 0; i < shape.names.length; i++) {
            if (shape.open[i]) {
                worst = worse(worst, deepFit(shape.read(i, v)));
                if (worst == Fit.CONVERT) {
                    return worst;
                }
            }
        }
        return worst;
    }

    private static Fit worse(Fit a, Fit b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /**
     * The class a struct stands for here: its type as a qualified name, or (for a name without a
     * package, as typed in the shell) a class of that simple name nested in the behaviour, or in
     * the behaviour's package. Null if the code has none.
     */
    @Override
    public Class<?> resolve(String type) {
        Class<?> c = structTypes.get(type);
        if (c != null || missingStructTypes.containsKey(type)) {
            return c;
        }
        c = find(type);
        if (c != null) {
            structTypes.put(type, c);
        } else {
            missingStructTypes.put(type, Boolean.TRUE);
        }
        return c;
    }

    private Class<?> find(String type) {
        Class<?> c = load(type);
        if (c != null || type.indexOf('.') >= 0) {
            return c;
        }
        for (Class<?> nested : codeClass.getDeclaredClasses()) {
            if (nested.getSimpleName().equals(type)) {
                return nested;
            }
        }
        String pkg = codeClass.getPackageName();
        return pkg.isEmpty() ? null : load(pkg + "." + type);
    }

    private Class<?> load(String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
