package dev.molt.runtime.neutral;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.molt.api.Struct;

/**
 * How one version's code sees classes: whether a class is the one its class loader finds under
 * that name (the conversion rule's check on delivery), and which class a struct's type names.
 *
 * <p>The check is cached per class in a {@link ClassCache}: the entry lives in the checked class
 * and refers to this view only weakly, so neither side pins the other's loader (and the runtime takes
 * the entries out when it stops). A class loader
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
    /** What a value of each class needs, worked out once per class (see {@link Kind}). */
    private final ClassCache<Kind> kinds = new ClassCache<>(this::kindOf);
    /** Struct type names, as typed or qualified, to the class they name here (absent: none). */
    private final Map<String, Class<?>> structTypes = new ConcurrentHashMap<>();
    private final Map<String, Boolean> missingStructTypes = new ConcurrentHashMap<>();
    /**
     * The last kind looked up: messages of one class usually come in runs. A plain field written by
     * any worker: one reference, never torn, and a kind names its own class, so a stale one is only
     * a miss.
     */
    private Kind last;

    /** How values of one class are checked. */
    private static final class Kind {
        enum Check { AS_IS, COMPONENTS, ELEMENTS, ENTRIES, ARRAY, STRUCT, CONVERT }

        final Class<?> type;
        final Check check;
        /** For COMPONENTS: the record's shape (its open components are checked). */
        final Shape shape;
        /**
         * For COMPONENTS: per component, the kind of the value's class last seen there (values of
         * one component are mostly of one class). Racy plain writes of whole references: a stale
         * one is only a miss.
         */
        final Kind[] seen;

        Kind(Class<?> type, Check check, Shape shape) {
            this.type = type;
            this.check = check;
            this.shape = shape;
            this.seen = shape == null ? null : new Kind[shape.names.length];
        }
    }

    /** The version this view belongs to is disposed: its per-class entries go from every class. */
    public void forget() {
        kinds.forget();
    }

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
        return kind(c).check != Kind.Check.CONVERT;
    }

    private Kind kind(Class<?> c) {
        Kind k = last;
        if (k != null && k.type == c) {
            return k;
        }
        k = kinds.get(c);
        last = k;
        return k;
    }

    private Kind kindOf(Class<?> c) {
        if (Struct.class.isAssignableFrom(c)) {
            return new Kind(c, Kind.Check.STRUCT, null);
        }
        if (Collection.class.isAssignableFrom(c)) {
            return new Kind(c, Kind.Check.ELEMENTS, null);
        }
        if (Map.class.isAssignableFrom(c)) {
            return new Kind(c, Kind.Check.ENTRIES, null);
        }
        if (c.isArray()) {
            Class<?> e = c.getComponentType();
            return new Kind(c, e.isPrimitive() ? Kind.Check.AS_IS : seenAsSame(e) ? Kind.Check.ARRAY : Kind.Check.CONVERT, null);
        }
        if (!seenAsSame(c)) {
            return new Kind(c, Kind.Check.CONVERT, null);
        }
        if (!c.isRecord()) {
            return new Kind(c, Kind.Check.AS_IS, null); // the code's own object (or the JDK's): seen as it is
        }
        Shape shape = Shape.of(c);
        return new Kind(c, shape.closed ? Kind.Check.AS_IS : Kind.Check.COMPONENTS, shape);
    }

    private boolean seenAsSame(Class<?> c) {
        ClassLoader l = c.getClassLoader();
        if (l == loader || l == null || l == ClassLoader.getPlatformClassLoader() || loader == null) {
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
        return deepFit(m);
    }

    private Fit deepFit(Object v) {
        if (v == null) {
            return Fit.AS_IS;
        }
        Kind k = kind(v.getClass());
        switch (k.check) {
            case AS_IS:
                return Fit.AS_IS;
            case CONVERT:
                return Fit.CONVERT;
            case STRUCT:
                return Fit.STRUCTS;
            case ELEMENTS: {
                Fit worst = Fit.AS_IS;
                for (Object x : (Collection<?>) v) {
                    worst = worse(worst, deepFit(x));
                    if (worst == Fit.CONVERT) {
                        return worst;
                    }
                }
                return worst;
            }
            case ENTRIES: {
                Fit worst = Fit.AS_IS;
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    worst = worse(worse(worst, deepFit(e.getKey())), deepFit(e.getValue()));
                    if (worst == Fit.CONVERT) {
                        return worst;
                    }
                }
                return worst;
            }
            case ARRAY: {
                Fit worst = Fit.AS_IS;
                for (Object x : (Object[]) v) {
                    worst = worse(worst, deepFit(x));
                    if (worst == Fit.CONVERT) {
                        return worst;
                    }
                }
                return worst;
            }
            default: { // COMPONENTS
                Shape shape = k.shape;
                Fit worst = Fit.AS_IS;
                for (int i = 0; i < shape.names.length; i++) {
                    if (!shape.open[i]) {
                        continue;
                    }
                    Object x = shape.read(i, v);
                    if (x == null) {
                        continue;
                    }
                    Kind xk = k.seen[i];
                    if (xk == null || xk.type != x.getClass()) {
                        xk = kinds.get(x.getClass());
                        k.seen[i] = xk;
                    }
                    Fit f = xk.check == Kind.Check.AS_IS ? Fit.AS_IS : xk.check == Kind.Check.CONVERT ? Fit.CONVERT : deepFit(x);
                    worst = worse(worst, f);
                    if (worst == Fit.CONVERT) {
                        return worst;
                    }
                }
                return worst;
            }
        }
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
