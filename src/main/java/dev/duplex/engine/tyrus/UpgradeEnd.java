package dev.duplex.engine.tyrus;

import jakarta.servlet.ServletContext;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Tells the upgrade reaper when the engine is done opening an upgraded connection's session. On
 * Payara the servlet container calls the upgrade handler's {@code init} (where Tyrus creates the
 * session and calls {@code @OnOpen}, or fails) on the handshake's worker thread right after the
 * filters return, between the web context's container events {@code beforeUpgradeHandlerInitialized}
 * and {@code afterUpgradeHandlerInitialized} (Catalina's {@code StandardPipeline}; the second one
 * also fires when {@code init} throws). A Catalina {@code ContainerListener} on the web
 * application's {@code StandardContext} hears the second one; the thread tells which handshake it
 * belongs to ({@code Engine.upgrading}).
 *
 * <p>Reached by reflection (servlet context facade → application context → standard context); the
 * listener is a dynamic proxy of the Catalina interface. Where that fails, {@link #install}
 * throws why, and the reaper falls back to counting its grace period from the 101 answer.
 */
final class UpgradeEnd {

    static final String AFTER_INIT = "afterUpgradeHandlerInitialized";

    private static final System.Logger LOG = System.getLogger(UpgradeEnd.class.getName());

    private UpgradeEnd() {
    }

    /**
     * Listens for the end of every upgrade handler's {@code init} in this web application and
     * runs {@code done} on the thread that ran it.
     *
     * @return how to remove the listener again
     * @throws ReflectiveOperationException or a {@link RuntimeException}/{@link LinkageError} when
     *                                      the container is not Payara's as expected
     */
    static Runnable install(ServletContext context, Runnable done) throws ReflectiveOperationException {
        Object application = field(context, "context");
        Object standardContext = field(application, "context");
        ClassLoader engine = standardContext.getClass().getClassLoader();
        Class<?> listenerType = Class.forName("org.apache.catalina.ContainerListener", false, engine);
        Class<?> eventType = Class.forName("org.apache.catalina.ContainerEvent", false, engine);
        // a method handle, not Method.invoke: Catalina fires container events around every read
        // callback of every upgraded connection (two per message), and this listener hears them all
        MethodHandle getType = MethodHandles.publicLookup().unreflect(eventType.getMethod("getType"))
                .asType(MethodType.methodType(Object.class, Object.class));
        Object listener = Proxy.newProxyInstance(engine, new Class<?>[] {listenerType}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "containerEvent" -> {
                    try {
                        if (AFTER_INIT.equals(getType.invokeExact(args[0]))) {
                            done.run();
                        }
                    } catch (Error e) {
                        throw e;
                    } catch (Throwable e) { // getType declares nothing; a RuntimeException is logged, as before
                        LOG.log(Level.DEBUG, () -> "upgrade end event: " + e);
                    }
                    return null;
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "Duplex upgrade reaper: end of upgrade handler init";
                }
                default -> {
                    return null;
                }
            }
        });
        Method add = standardContext.getClass().getMethod("addContainerListener", listenerType);
        Method remove = standardContext.getClass().getMethod("removeContainerListener", listenerType);
        add.invoke(standardContext, listener);
        return () -> {
            try {
                remove.invoke(standardContext, listener);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.DEBUG, () -> "removing the upgrade end listener: " + e);
            }
        };
    }

    private static Object field(Object target, String name) throws ReflectiveOperationException {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                Object value = field.get(target);
                if (value == null) {
                    throw new NoSuchFieldException(name + " of " + target.getClass().getName() + " is null");
                }
                return value;
            } catch (NoSuchFieldException e) {
                // the superclass may declare it
            }
        }
        throw new NoSuchFieldException(name + " in " + target.getClass().getName());
    }
}
