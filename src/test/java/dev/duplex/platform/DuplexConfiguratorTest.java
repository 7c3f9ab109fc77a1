package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.InjectionTarget;
import jakarta.enterprise.inject.spi.InjectionTargetFactory;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DuplexConfiguratorTest {

    /** An endpoint-like class whose collaborator only injection sets. */
    static class Endpoint {
        String collaborator;
        boolean constructed;
    }

    @Test
    void withoutACdiContainerTheHandshakeFailsInsteadOfMakingAnEndpointWithoutCollaborators() {
        InstantiationException failure = assertThrows(InstantiationException.class,
                () -> new DuplexConfigurator().getEndpointInstance(Endpoint.class));
        assertTrue(failure.getMessage().contains(Endpoint.class.getName()), failure.getMessage());
        assertNotNull(failure.getCause(), "the container's reason is kept");
    }

    @Test
    void everyCallMakesANewInjectedAndPostConstructedInstance() {
        List<String> calls = new ArrayList<>();
        BeanManager beans = beanManager(calls);

        Endpoint one = EndpointInstances.create(beans, Endpoint.class);
        Endpoint two = EndpointInstances.create(beans, Endpoint.class);

        assertNotSame(one, two, "one endpoint instance per connection");
        assertEquals("injected", one.collaborator);
        assertEquals("injected", two.collaborator);
        assertTrue(one.constructed && two.constructed);
        assertEquals(List.of("produce", "inject", "postConstruct", "produce", "inject", "postConstruct"), calls);
    }

    /** A BeanManager that answers only what {@link jakarta.enterprise.inject.spi.Unmanaged} asks. */
    private static BeanManager beanManager(List<String> calls) {
        InjectionTarget<Endpoint> target = new InjectionTarget<>() {
            @Override
            public Endpoint produce(CreationalContext<Endpoint> ctx) {
                calls.add("produce");
                return new Endpoint();
            }

            @Override
            public void inject(Endpoint instance, CreationalContext<Endpoint> ctx) {
                calls.add("inject");
                instance.collaborator = "injected";
            }

            @Override
            public void postConstruct(Endpoint instance) {
                calls.add("postConstruct");
                instance.constructed = true;
            }

            @Override
            public void preDestroy(Endpoint instance) {
                calls.add("preDestroy");
            }

            @Override
            public void dispose(Endpoint instance) {
                calls.add("dispose");
            }

            @Override
            public Set<InjectionPoint> getInjectionPoints() {
                return Set.of();
            }
        };
        InjectionTargetFactory<Endpoint> factory = bean -> target;
        return (BeanManager) Proxy.newProxyInstance(BeanManager.class.getClassLoader(), new Class<?>[] {BeanManager.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "createAnnotatedType" -> Proxy.newProxyInstance(AnnotatedType.class.getClassLoader(),
                            new Class<?>[] {AnnotatedType.class}, (p, m, a) -> {
                                throw new UnsupportedOperationException(m.getName());
                            });
                    case "getInjectionTargetFactory" -> factory;
                    case "createCreationalContext" -> new CreationalContext<Object>() {
                        @Override
                        public void push(Object incompleteInstance) {
                        }

                        @Override
                        public void release() {
                        }
                    };
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
