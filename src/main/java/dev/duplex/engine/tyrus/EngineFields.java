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

    private static final Map<String, Field> CACHE = new ConcurrentHashMap<>();
    private static final Map<String, Method> METHODS = new ConcurrentHashMap<>();

    private EngineFields() {
    }

    /** {@link #find}, remembered per class and name (the engine's classes do not change while it runs). */
    static Field cached(Class<?> type, String name) throws NoSuchFieldException {
        String key = type.getName() + '#' + name;
        Field field = CACHE.get(key);
        if (field == null) {
            field = find(type, name);
            CACHE.put(key, field);
        }
        return field;
    }

    /**
     * The accessible public method {@code name(parameters)} of {@code type}, remembered per class,
     * name and parameter types.
     */
    static Method method(Class<?> type, String name, Class<?>... parameters) throws NoSuchMethodException {
        StringBuilder key = new StringBuilder(type.getName()).append('#').append(name);
        for (Class<?> parameter : parameters) {
            key.append(',').append(parameter.getName());
        }
        Method method = METHODS.get(key.toString());
        if (method == null) {
            method = type.getMethod(name, parameters);
            method.setAccessible(true);
            METHODS.put(key.toString(), method);
        }
        return method;
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
