package dev.duplex.feed.control;

import dev.duplex.feed.entity.ItemChange;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The feed's bus when one instance runs alone: a publication is applied to the state on the
 * publishing thread (the hub serialises each topic under its monitor, so a topic's changes are
 * applied one call at a time and in each thread's order), and every role starts here at once.
 * Applying on the caller needs no queue, so a publisher faster than the hub is slowed down instead
 * of filling memory.
 */
public final class LocalFeedBus implements FeedBus {

    private static final System.Logger LOG = System.getLogger(LocalFeedBus.class.getName());

    private record Role(Runnable start, Runnable stop) {
    }

    private final String instance;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private volatile FeedState state;
    private volatile boolean closed;

    public LocalFeedBus(String instance) {
        this.instance = instance;
    }

    @Override
    public String mode() {
        return "local";
    }

    @Override
    public String instance() {
        return instance;
    }

    @Override
    public int instances() {
        return 1;
    }

    @Override
    public void start(FeedState state) {
        this.state = state;
    }

    @Override
    public void publish(String topic, List<ItemChange> changes) {
        FeedState target = state;
        if (target == null || closed) {
            throw new IllegalStateException("The feed bus is not running");
        }
        target.apply(topic, changes);
    }

    @Override
    public void lead(String role, Runnable start, Runnable stop) {
        if (closed) {
            return;
        }
        if (roles.putIfAbsent(role, new Role(start, stop)) != null) {
            throw new IllegalStateException("Role " + role + " is led already");
        }
        start.run();
    }

    @Override
    public Optional<String> leader(String role) {
        return roles.containsKey(role) ? Optional.of(instance) : Optional.empty();
    }

    @Override
    public void close() {
        closed = true;
        for (String role : new ArrayList<>(roles.keySet())) {
            Role led = roles.remove(role);
            if (led != null) {
                try {
                    led.stop().run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Feed role " + role + " did not stop cleanly", e);
                }
            }
        }
    }
}
