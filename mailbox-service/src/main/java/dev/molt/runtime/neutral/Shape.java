package dev.molt.runtime.neutral;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;

/**
 * One record class, ready to read and build: component names, types, accessors and canonical
 * constructor as method handles, and which components can hold objects of other classes.
 *
 * <p>Cached per class in a {@link ClassValue} ({@link #of}): the entry lives in the record class
 * itself, so it goes away with the class and pins no behaviour's class loader. Uncached, the
 * reflection was most of the cost of exporting and importing a state.
 */
final class Shape {

    private static final ClassCache<Shape> SHAPES = new ClassCache<>(type -> {
        java.util.Set<Class<?>> building = Shape.BUILDING.get();
        building.add(type);
        try {
            return new Shape(type);
        } finally {
            building.remove(type);
        }
    });

    final String[] names;
    final Type[] genericTypes;
    /**
     * Per component: true if its declared type admits values of classes other than the record's own
     * view (an interface, Object, a non-final or non-JDK class), so a check must look at the value.
     */
    final boolean[] open;
    /** No component is open: a record of the right class is all right as a whole. */
    final boolean closed;
    /** (Object record) -> Object value, one per component. */
    private final MethodHandle[] accessors;
    /** (Object[] args) -> Object record. */
    private final MethodHandle constructor;

    static Shape of(Class<?> recordClass) {
        return SHAPES.get(recordClass);
    }

    private Shape(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        int n = components.length;
        names = new String[n];
        genericTypes = new Type[n];
        open = new boolean[n];
        accessors = new MethodHandle[n];
        Class<?>[] types = new Class<?>[n];
        boolean anyOpen = false;
        try {
            for (int i = 0; i < n; i++) {
                names[i] = components[i].getName();
                types[i] = components[i].getType();
                genericTypes[i] = components[i].getGenericType();
                open[i] = !closedType(types[i]);
                anyOpen |= open[i];
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
        closed = !anyOpen;
    }

    /**
     * Whether a component declared as {@code t} can only hold values the record's own view sees as
     * it does: a primitive, an enum, a final class that is no container (String, Integer, a final
     * class of the record's own bundle), or a final record whose components are closed too (such as
     * the API's {@code Pid}). If the record's class is seen as the same, so are the classes its final
     * components were resolved to (OSGi keeps a class space consistent).
     */
    private static boolean closedType(Class<?> t) {
        if (t.isPrimitive() || t.isEnum()) {
            return true;
        }
        if (!Modifier.isFinal(t.getModifiers()) || t.isArray() || Iterable.class.isAssignableFrom(t)
                || java.util.Map.class.isAssignableFrom(t) || t == dev.molt.api.Struct.class) {
            return false;
        }
        if (!t.isRecord()) {
            return true;
        }
        if (BUILDING.get().contains(t)) {
            return false; // a record that holds itself, at some depth: look at the values
        }
        return SHAPES.get(t).closed;
    }

    /** Records whose shapes this thread is making now (a recursive record would loop otherwise). */
    private static final ThreadLocal<java.util.Set<Class<?>>> BUILDING = ThreadLocal.withInitial(java.util.HashSet::new);

    Object read(int i, Object record) {
        try {
            return accessors[i].invokeExact(record);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalArgumentException("cannot read " + names[i] + " of " + record.getClass().getName(), t);
        }
    }

    Object build(Class<?> type, Object[] args) {
        try {
            return constructor.invokeExact(args);
        } catch (Throwable t) {
            throw new IllegalArgumentException("cannot build " + type.getName() + ": " + t, t);
        }
    }
}
