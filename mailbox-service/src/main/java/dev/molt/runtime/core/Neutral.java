package dev.molt.runtime.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
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

import dev.molt.api.Behaviour;
import dev.molt.api.Struct;

/**
 * Converts values to and from neutral data (see {@link Behaviour}).
 *
 * <p>The reflective shape of each record class (component names, types, accessors, canonical
 * constructor) is cached in a {@link ClassValue}: the cache entry lives in the record class
 * itself, so it goes away with the class and pins no behaviour's class loader (the upgrade
 * suites check that the old loader is collected). Uncached, the reflection was most of the cost
 * of exporting and importing a state.
 */
final class Neutral {

    private Neutral() {
    }

    /** One record class, ready to read and build. */
    private static final class Shape {
        final String[] names;
        final Type[] genericTypes;
        /** (Object record) -> Object value, one per component. */
        final MethodHandle[] accessors;
        /** (Object[] args) -> Object record. */
        final MethodHandle constructor;

        Shape(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            int n = components.length;
            names = new String[n];
            genericTypes = new Type[n];
            accessors = new MethodHandle[n];
            Class<?>[] types = new Class<?>[n];
            try {
                for (int i = 0; i < n; i++) {
                    names[i] = components[i].getName();
                    types[i] = components[i].getType();
                    genericTypes[i] = components[i].getGenericType();
                    Method m = components[i].getAccessor();
                    m.setAccessible(true);
                    accessors[i] = MethodHandles.lookup().unreflect(m)
                            .asType(MethodType.methodType(Object.class, Object.class));
                }
                Constructor<?> ctor = type.getDeclaredConstructor(types);
                ctor.setAccessible(true);
                constructor = MethodHandles.lookup().unreflectConstructor(ctor)
                        .asSpreader(Object[].class, n)
                        .asType(MethodType.methodType(Object.class, Object[].class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("cannot read or build record " + type.getName() + ": " + e, e);
            }
        }

        Object read(int i, Object record) {
            try {
                return accessors[i].invokeExact(record);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalArgumentException("cannot read " + names[i] + " of " + record.getClass().getName(), t);
            }
        }
    }

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return new Shape(type);
        }
    };

    private static final ClassValue<Class<?>> STATE_TYPES = new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> code) {
            return findStateType(code);
        }
    };

    /**
     * Turns records and enums whose classes come from {@code code} (a behaviour's class loader)
     * into {@link Struct}s, recursively through collections. JDK values and objects of other
     * bundles pass as they are; any other object of {@code code} is not neutral.
     */
    static Object toNeutral(Object v, ClassLoader code) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Character) {
            return v;
        }
        if (v instanceof Number n && isJdk(n.getClass())) {
            return v;
        }
        if (v instanceof Struct s) {
            Map<String, Object> f = new LinkedHashMap<>();
            s.fields().forEach((k, x) -> f.put(k, toNeutral(x, code)));
            return new Struct(s.type(), f);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object x : l) {
                out.add(toNeutral(x, code));
            }
            return out;
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object x : s) {
                out.add(toNeutral(x, code));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(toNeutral(k, code), toNeutral(x, code)));
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
                out.add(toNeutral(x, code));
            }
            return out;
        }
        if (!belongsTo(c, code)) {
            // The JDK, or a bundle that is not being replaced (such as the API's Pid and Down).
            return v;
        }
        if (c.isEnum() || (c.getSuperclass() != null && c.getSuperclass().isEnum())) {
            return new Struct(c.isEnum() ? c.getName() : c.getSuperclass().getName(),
                    Map.of("name", ((Enum<?>) v).name()));
        }
        if (c.isRecord()) {
            Shape shape = SHAPES.get(c);
            Map<String, Object> f = new LinkedHashMap<>();
            for (int i = 0; i < shape.names.length; i++) {
                f.put(shape.names[i], toNeutral(shape.read(i, v), code));
            }
            return new Struct(c.getName(), f);
        }
        throw new IllegalArgumentException(c.getName() + " is not neutral data (only records, enums, JDK values and"
                + " collections can cross versions); make it a record or override exportState/exportMessage");
    }

    /** True if {@code c} was defined by {@code code}; the JDK's classes never are. */
    static boolean belongsTo(Class<?> c, ClassLoader code) {
        ClassLoader l = c.getClassLoader();
        return l != null && l == code;
    }

    /** True if {@code v}, or anything inside it, is an object of {@code code}'s classes. */
    static boolean references(Object v, ClassLoader code) {
        if (v == null || code == null) {
            return false;
        }
        if (v instanceof Collection<?> col) {
            for (Object x : col) {
                if (references(x, code)) {
                    return true;
                }
            }
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (references(e.getKey(), code) || references(e.getValue(), code)) {
                    return true;
                }
            }
            return false;
        }
        if (v instanceof Struct s) {
            return references(s.fields(), code);
        }
        if (v instanceof Object[] a) {
            for (Object x : a) {
                if (references(x, code)) {
                    return true;
                }
            }
            return false;
        }
        Class<?> c = v.getClass();
        if (belongsTo(c, code)) {
            return true;
        }
        if (c.isRecord()) {
            Shape shape = SHAPES.get(c);
            for (int i = 0; i < shape.names.length; i++) {
                if (references(shape.read(i, v), code)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Rebuilds {@code v} as {@code target}, loading struct classes from {@code code}.
     *
     * @throws IllegalArgumentException naming what does not fit
     */
    static Object fromNeutral(Object v, Type target, ClassLoader code) {
        Class<?> raw = raw(target);
        if (v == null) {
            return defaultFor(raw);
        }
        if (raw == Object.class) {
            if (v instanceof Struct s) {
                return fromStruct(s, load(s.type(), code), code);
            }
            if (v instanceof List<?> || v instanceof Set<?> || v instanceof Map<?, ?>) {
                return fromNeutral(v, v instanceof List ? List.class : v instanceof Set ? Set.class : Map.class, code);
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
                return fromStruct(s, raw, code);
            }
            if (raw.isEnum() && v instanceof String name) {
                return enumConstant(raw, name);
            }
            if (raw.isRecord() && v instanceof Map<?, ?> m) {
                Map<String, Object> f = new LinkedHashMap<>();
                m.forEach((k, x) -> f.put(String.valueOf(k), x));
                return fromStruct(new Struct(raw.getName(), f), raw, code);
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
                out.add(fromNeutral(x, element, code));
            }
            return out;
        }
        if (Map.class.isAssignableFrom(raw) && v instanceof Map<?, ?> m) {
            Type kt = typeArgument(target, 0);
            Type vt = typeArgument(target, 1);
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(fromNeutral(k, kt, code), fromNeutral(x, vt, code)));
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

    private static Object fromStruct(Struct s, Class<?> type, ClassLoader code) {
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
        Shape shape = SHAPES.get(type);
        Object[] args = new Object[shape.names.length];
        for (int i = 0; i < args.length; i++) {
            Object raw = s.fields().get(shape.names[i]);
            try {
                args[i] = fromNeutral(raw, shape.genericTypes[i], code);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(type.getSimpleName() + "." + shape.names[i] + ": " + e.getMessage(), e);
            }
        }
        try {
            return shape.constructor.invokeExact(args);
        } catch (Throwable t) {
            throw new IllegalArgumentException("cannot build " + type.getName() + " from " + s + ": " + t, t);
        }
    }

    private static Object enumConstant(Class<?> type, String name) {
        for (Object c : type.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(type.getName() + " has no constant " + name);
    }

    private static Class<?> load(String name, ClassLoader code) {
        try {
            return Class.forName(name, false, code);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new IllegalArgumentException("class " + name + " does not exist in this version;"
                    + " override importState/importMessage to map it");
        }
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

    static Class<?> raw(Type t) {
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

    private static boolean isJdk(Class<?> c) {
        return c.getClassLoader() == null || c.getClassLoader() == ClassLoader.getPlatformClassLoader();
    }

    /** The {@code S} of {@code code}'s {@code Behaviour<S>}, or Object if it cannot be told. */
    static Class<?> stateType(Class<?> code) {
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
