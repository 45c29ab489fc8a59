package dev.molt.runtime.neutral;

import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.molt.api.Behaviour;
import dev.molt.api.Struct;

/**
 * Converts values to and from neutral data (see {@link Behaviour}): JDK values, {@link Struct}s
 * and collections of them, which every version of every bundle sees as the same classes.
 *
 * <p>Which records and enums become structs is the caller's choice ({@code convert}): at a
 * withdrawal, every class that is neither the JDK's nor the Molt API's (the conversion rule of
 * {@code DESIGN.md}); on delivery, the classes the receiving code does not see as the same.
 */
public final class Neutral {

    private Neutral() {
    }

    /** Finds the class a struct stands for in the receiving code; null if that code has none. */
    public interface ClassResolver {
        Class<?> resolve(String structType);
    }

    private static final ClassValue<Class<?>> STATE_TYPES = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> code) {
            return findStateType(code);
        }
    };

    /** The package of the Molt API, whose types are neutral as they are. */
    private static final String API_PACKAGE = Struct.class.getPackageName();

    /**
     * The classes to export at a withdrawal: all but the JDK's and the Molt API's (the API package
     * as {@code api}, the loader the runtime sees it through, defines it).
     */
    public static Predicate<Class<?>> exportable(ClassLoader api) {
        return c -> !isJdk(c) && !(c.getClassLoader() == api && c.getPackageName().equals(API_PACKAGE));
    }

    /**
     * Turns records and enums of the classes {@code convert} selects into {@link Struct}s,
     * recursively through records, structs, arrays and collections. Other values pass as they are;
     * an object of a selected class that is neither a record nor an enum is not neutral.
     *
     * @throws IllegalArgumentException naming the first value that has no neutral form
     */
    public static Object toNeutral(Object v, Predicate<Class<?>> convert) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Character) {
            return v;
        }
        if (v instanceof Number n && isJdk(n.getClass())) {
            return v;
        }
        if (v instanceof Struct s) {
            Map<String, Object> f = new LinkedHashMap<>();
            s.fields().forEach((k, x) -> f.put(k, toNeutral(x, convert)));
            return new Struct(s.type(), f);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(toNeutral(x, convert));
            }
            return out;
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object x : s) {
                out.add(toNeutral(x, convert));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(toNeutral(k, convert), toNeutral(x, convert)));
            return out;
        }
        Class<?> c = v.getClass();
        if (c.isArray()) {
            if (c.getComponentType().isPrimitive()) {
                int n = Array.getLength(v);
                Object copy = Array.newInstance(c.getComponentType(), n);
                System.arraycopy(v, 0, copy, 0, n);
                return copy;
            }
            List<Object> out = new ArrayList<>();
            for (Object x : (Object[]) v) {
                out.add(toNeutral(x, convert));
            }
            return out;
        }
        if (!convert.test(c)) {
            return v; // the JDK, or a class that stays (such as the API's Pid and Down)
        }
        if (c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())) {
            return new Struct(c.isEnum() ? c.getName() : c.getSuperclass().getName(),
                    Map.of("name", ((Enum<?>) v).name()));
        }
        if (c.isRecord()) {
            Shape shape = Shape.of(c);
            Map<String, Object> f = new LinkedHashMap<>();
            for (int i = 0; i < shape.names.length; i++) {
                f.put(shape.names[i], toNeutral(shape.read(i, v), convert));
            }
            return new Struct(c.getName(), f);
        }
        throw new IllegalArgumentException(c.getName() + " is not neutral data (only records, enums, JDK values and"
                + " collections can cross versions); make it a record or override exportState/exportMessage");
    }

    /** True if {@code v}, or anything inside it, is an object of a class {@code convert} selects. */
    public static boolean needsConversion(Object v, Predicate<Class<?>> convert) {
        if (v == null || v instanceof String || v instanceof Number && isJdk(v.getClass()) || v instanceof Boolean) {
            return false;
        }
        if (v instanceof Collection<?> col) {
            for (Object x : col) {
                if (needsConversion(x, convert)) {
                    return true;
                }
            }
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (needsConversion(e.getKey(), convert) || needsConversion(e.getValue(), convert)) {
                    return true;
                }
            }
            return false;
        }
        if (v instanceof Struct s) {
            return needsConversion(s.fields(), convert);
        }
        if (v instanceof Object[] a) {
            for (Object x : a) {
                if (needsConversion(x, convert)) {
                    return true;
                }
            }
            return false;
        }
        Class<?> c = v.getClass();
        if (convert.test(c)) {
            return true;
        }
        if (c.isRecord()) {
            Shape shape = Shape.of(c);
            for (int i = 0; i < shape.names.length; i++) {
                if (needsConversion(shape.read(i, v), convert)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Rebuilds {@code v} as {@code target}, finding struct classes with {@code classes}. A struct
     * whose class the receiving code does not have stays a struct where the target is
     * {@code Object}; where the target is a record, the struct is rebuilt as that record.
     *
     * @param notes where dropped and defaulted fields are noted, or null
     * @throws IllegalArgumentException naming what does not fit
     */
    public static Object fromNeutral(Object v, Type target, ClassResolver classes, MigrationNotes.OneProcess notes) {
        Class<?> raw = raw(target);
        if (v == null) {
            return defaultFor(raw);
        }
        if (raw == Object.class) {
            if (v instanceof Struct s) {
                Class<?> type = classes.resolve(s.type());
                return type == null ? fieldsFromNeutral(s, classes, notes) : fromStruct(s, type, classes, notes);
            }
            if (v instanceof List<?> || v instanceof Set<?> || v instanceof Map<?, ?>) {
                return fromNeutral(v, v instanceof List ? List.class : v instanceof Set ? Set.class : Map.class, classes, notes);
            }
            return v;
        }
        if (raw.isPrimitive() || Number.class.isAssignableFrom(raw) || raw == Boolean.class || raw == Character.class) {
            return scalar(v, raw);
        }
        if (raw == String.class) {
            if (v instanceof String) {
                return v;
            }
            throw mismatch(v, raw);
        }
        if (raw.isRecord() || raw.isEnum()) {
            if (v instanceof Struct s) {
                return fromStruct(s, raw, classes, notes);
            }
            if (raw.isEnum() && v instanceof String name) {
                return enumConstant(raw, name);
            }
            if (raw.isRecord() && v instanceof Map<?, ?> m) {
                Map<String, Object> f = new LinkedHashMap<>();
                m.forEach((k, x) -> f.put(String.valueOf(k), x));
                return fromStruct(new Struct(raw.getName(), f), raw, classes, notes);
            }
            if (raw.isInstance(v)) {
                return v;
            }
            throw mismatch(v, raw);
        }
        if (Collection.class.isAssignableFrom(raw) && v instanceof Collection<?> col) {
            Type element = typeArgument(target, 0);
            Collection<Object> out = Set.class.isAssignableFrom(raw) ? new LinkedHashSet<>() : new ArrayList<>();
            for (Object x : col) {
                out.add(fromNeutral(x, element, classes, notes));
            }
            return out;
        }
        if (Map.class.isAssignableFrom(raw) && v instanceof Map<?, ?> m) {
            Type kt = typeArgument(target, 0);
            Type vt = typeArgument(target, 1);
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(fromNeutral(k, kt, classes, notes), fromNeutral(x, vt, classes, notes)));
            return out;
        }
        if (raw.isArray() && raw.getComponentType().isPrimitive() && raw.isInstance(v)) {
            return v;
        }
        if (raw.isInstance(v)) {
            return v;
        }
        throw mismatch(v, raw);
    }

    /** A struct the receiving code has no class for: kept, with its fields rebuilt where they can be. */
    private static Struct fieldsFromNeutral(Struct s, ClassResolver classes, MigrationNotes.OneProcess notes) {
        Map<String, Object> f = new LinkedHashMap<>();
        s.fields().forEach((k, x) -> f.put(k, fromNeutral(x, Object.class, classes, notes)));
        return new Struct(s.type(), f);
    }

    private static Object fromStruct(Struct s, Class<?> type, ClassResolver classes, MigrationNotes.OneProcess notes) {
        if (type.isEnum()) {
            Object name = s.get("name");
            if (!(name instanceof String n)) {
                throw new IllegalArgumentException("struct " + s + " has no enum constant name");
            }
            return enumConstant(type, n);
        }
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is neither a record nor an enum, so "
                    + s.simpleType() + " cannot be rebuilt as it; override importState/importMessage");
        }
        Shape shape = Shape.of(type);
        Object[] args = new Object[shape.names.length];
        for (int i = 0; i < args.length; i++) {
            String field = shape.names[i];
            Object raw = s.fields().get(field);
            if (notes != null && !s.fields().containsKey(field)) {
                notes.defaulted(type.getName(), field);
            }
            try {
                args[i] = fromNeutral(raw, shape.genericTypes[i], classes, notes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + field + ": " + e.getMessage(), e);
            }
        }
        if (notes != null) {
            for (String field : s.fields().keySet()) {
                if (!contains(shape.names, field)) {
                    notes.dropped(s.type(), field);
                }
            }
        }
        return shape.build(type, args);
    }

    private static boolean contains(String[] names, String name) {
        for (String n : names) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Object enumConstant(Class<?> type, String name) {
        for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(type.getName() + " has no constant " + name);
    }

    private static Object scalar(Object v, Class<?> raw) {
        Class<?> box = box(raw);
        if (box.isInstance(v)) {
            return v;
        }
        if (box == Character.class && v instanceof String s && s.length() == 1) {
            return s.charAt(0);
        }
        if (!(v instanceof Number n) || !Number.class.isAssignableFrom(box)) {
            throw mismatch(v, raw);
        }
        try {
            if (box == Long.class) {
                return toBigDecimal(n).longValueExact();
            }
            if (box == Integer.class) {
                return toBigDecimal(n).intValueExact();
            }
            if (box == Short.class) {
                return toBigDecimal(n).shortValueExact();
            }
            if (box == Byte.class) {
                return toBigDecimal(n).byteValueExact();
            }
            if (box == Double.class) {
                return n.doubleValue();
            }
            if (box == Float.class) {
                return n.floatValue();
            }
            if (box == BigInteger.class) {
                return toBigDecimal(n).toBigIntegerExact();
            }
            if (box == BigDecimal.class) {
                return toBigDecimal(n);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(v + " does not fit in " + raw.getSimpleName());
        }
        throw mismatch(v, raw);
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (n instanceof Double || n instanceof Float) {
            return BigDecimal.valueOf(n.doubleValue());
        }
        return BigDecimal.valueOf(n.longValue());
    }

    private static Object defaultFor(Class<?> raw) {
        if (raw.isPrimitive()) {
            return Array.get(Array.newInstance(raw, 1), 0); // the JDK's zero value: 0, 0L, false, '\0', ...
        }
        if (List.class.isAssignableFrom(raw) || raw == Collection.class) {
            return new ArrayList<>();
        }
        if (Set.class.isAssignableFrom(raw)) {
            return new LinkedHashSet<>();
        }
        if (Map.class.isAssignableFrom(raw)) {
            return new LinkedHashMap<>();
        }
        return null;
    }

    private static IllegalArgumentException mismatch(Object v, Class<?> raw) {
        return new IllegalArgumentException("cannot make a " + raw.getSimpleName() + " of " + v
                + " (" + v.getClass().getSimpleName() + ")");
    }

    private static Class<?> box(Class<?> c) {
        return MethodType.methodType(c).wrap().returnType(); // int -> Integer; a reference type stays
    }

    public static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return raw(p.getRawType());
        }
        if (t instanceof WildcardType w) {
            return raw(w.getUpperBounds()[0]);
        }
        if (t instanceof TypeVariable<?> v) {
            return raw(v.getBounds()[0]);
        }
        return Object.class;
    }

    private static Type typeArgument(Type t, int i) {
        if (t instanceof ParameterizedType p && p.getActualTypeArguments().length > i) {
            return p.getActualTypeArguments()[i];
        }
        return Object.class;
    }

    /** A class of the JDK: the boot or the platform loader's. */
    public static boolean isJdk(Class<?> c) {
        return c.getClassLoader() == null || c.getClassLoader() == ClassLoader.getPlatformClassLoader();
    }

    /**
     * Loads and links what converting {@code code}'s state will need (the state type and, for a
     * record, its shape and its components' record types), so that the first process to move does
     * not pay for it on a worker while holding others up behind the class-loading lock.
     */
    public static void prepare(Class<?> code) {
        prepareType(stateType(code), 0);
    }

    private static void prepareType(Class<?> t, int depth) {
        if (depth > 4 || t == null || !t.isRecord()) {
            return;
        }
        Shape shape = Shape.of(t);
        for (java.lang.reflect.Type g : shape.genericTypes) {
            prepareType(raw(g), depth + 1);
        }
    }

    /** The {@code S} of {@code code}'s {@code Behaviour<S>}, or Object if it cannot be told. */
    public static Class<?> stateType(Class<?> code) {
        return STATE_TYPES.get(code);
    }

    private static Class<?> findStateType(Class<?> code) {
        for (Class<?> c = code; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                if (t instanceof ParameterizedType p && p.getRawType() == Behaviour.class) {
                    return raw(p.getActualTypeArguments()[0]);
                }
            }
            if (c.getGenericSuperclass() instanceof ParameterizedType p) {
                Class<?> r = raw(p);
                if (Behaviour.class.isAssignableFrom(r) && r.getTypeParameters().length == 1) {
                    return raw(p.getActualTypeArguments()[0]);
                }
            }
        }
        return Object.class;
    }
}
