package dev.duplex.platform;

import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Unmanaged;

/**
 * Endpoint instances made by CDI without being beans: one per call, injected, post-constructed.
 * Kept apart from {@link DuplexConfigurator} so that the way an instance is made can be exercised
 * with any {@link BeanManager}.
 */
final class EndpointInstances {

    private EndpointInstances() {
    }

    /** A new, injected instance of {@code type} from {@code beans}' container (never a shared one). */
    static <T> T create(BeanManager beans, Class<T> type) {
        return new Unmanaged<>(beans, type).newInstance().produce().inject().postConstruct().get();
    }
}
