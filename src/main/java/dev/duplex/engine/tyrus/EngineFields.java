package dev.duplex.engine.tyrus;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Field and method look-ups into Tyrus and Grizzly for the Tyrus adapter ({@link TyrusEngine}). The
 * adapter's own copy: the classes still in {@code dev.duplex.platform.engine} have theirs until they
 * move here (docs/ENGINE.md), so no look-up cache is shared across the boundary.
 */
final class EngineFields {

    // Keyed by the class itself (identity hash) and then by name: the per-message look-ups (the write
    // queue's size for every send) build no key string. A plain map held here, not a ClassValue: a
    // ClassValue's entry on an engine class would keep this web application's class loader alive
    // after an undeploy.
    private static final Map<Class<?>, Map<String, Field>> FIELDS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Map<String, Method>> METHODS = new ConcurrentHashMap<>();

    private EngineFields() {
    }

    /** {@link #find}, remembered per class and name (the engine's classes do not change while it runs). */
    static Field cached(Class<?> type, String name) throws NoSuchFieldException {
        Map<String, Field> fields = of(FIELDS, type);
        Field field = fields.get(name);
        if (field == null) {
            field = find(type, name);
            fields.put(name, field);
        }
        return field;
    }

    private static final Class<?>[] NO_PARAMETERS = {};

    /**
     * The accessible public method {@code name()} of {@code type}: {@link #method(Class, String, Class[])}
     * without the empty array a varargs call allocates each time (the write queue's size is read
     * this way for every message sent).
     */
    static Method method(Class<?> type, String name) throws NoSuchMethodException {
        return method(type, name, NO_PARAMETERS);
    }

    /**
     * The accessible public method {@code name(parameters)} of {@code type}, remembered per class,
     * name and parameter types.
     */
    static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        String key = parameters.length == 0 ? name : signature(name, parameters);
        Map<String, Method> methods = of(METHODS, type);
        Method method = methods.get(key);
        if (method == null) {
            method = type.getMethod(name, parameters);
            method.setAccessible(true);
            methods.put(key, method);
        }
        return method;
    }

    private static <T> Map<String, T> of(Map<Class<?>, Map<String, T>> cache, Class<?> type) {
        Map<String, T> members = cache.get(type);
        return members != null ? members : cache.computeIfAbsent(type, t -> new ConcurrentHashMap<>());
    }

    private static String signature(String name, Class<?>... parameters) {
        StringBuilder key = new StringBuilder(name).append('(');
        for (Class<?> parameter : parameters) {
            key.append(parameter.getName()).append(',');
        }
        return key.append(')').toString();
    }

    /** The value of field {@code name} of {@code target}, declared by its class or a superclass. */
    static Object value(Object target, String name) throws ReflectiveOperationException {
        if (target == null) {
            throw new NoSuchFieldException(name + " of null");
        }
        return cached(target.getClass(), name).get(target);
    }

    /** The accessible field {@code name} of {@code type} or its nearest superclass that has one. */
    static Field find(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }

    /**
     * The accessible field {@code name} declared by the class named {@code declaringClass}, which
     * must be {@code type} or one of its superclasses (so that an engine other than the expected
     * one is never poked at by a field that merely has the same name).
     */
    static Field declaredBy(Class<?> type, String declaringClass, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (declaringClass.equals(c.getName())) {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            }
        }
        throw new NoSuchFieldException(declaringClass + "." + name + " (not in the hierarchy of " + type.getName() + ")");
    }
}
