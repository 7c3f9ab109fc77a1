package dev.duplex.feed.control;

import dev.duplex.platform.DaemonThreads;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A publisher of made-up data at a steady rate: every {@value #TICK_MILLIS} ms it publishes its
 * share of the rate as one publication (at 2000 changes/s: 20 changes per tick). It starts from the
 * topic's current values when the topic has any (a simulator taking over on a cluster survivor
 * goes on from where the previous one was), and from its own seed otherwise.
 */
abstract class Simulator {

    private static final System.Logger LOG = System.getLogger(Simulator.class.getName());

    /** The tick, in milliseconds. */
    static final int TICK_MILLIS = 10;

    private final String name;
    private final String topic;
    private final double rate;
    private final BiConsumer<String, List<ItemChange>> publisher;
    private final Function<String, List<ItemState>> current;
    final LongSupplier micros;
    private double owed;
    private ScheduledExecutorService ticker;

    /**
     * @param rate      changes per second, over all items
     * @param publisher where publications go (the bus)
     * @param current   the topic's current items (the hub)
     * @param micros    the publication clock, epoch microseconds
     */
    Simulator(String name, String topic, double rate, BiConsumer<String, List<ItemChange>> publisher,
            Function<String, List<ItemState>> current, LongSupplier micros) {
        this.name = name;
        this.topic = topic;
        this.rate = rate;
        this.publisher = publisher;
        this.current = current;
        this.micros = micros;
    }

    String name() {
        return name;
    }

    String topic() {
        return topic;
    }

    /** Every item with every field: from the topic's current items where they exist, seeded otherwise. */
    abstract List<ItemChange> begin(List<ItemState> current);

    /** The next {@code count} changes. */
    abstract List<ItemChange> next(int count);

    /** How many changes the next tick publishes (the rate's share, fractions carried over). */
    int due() {
        owed += rate * TICK_MILLIS / 1000d;
        int count = (int) Math.floor(owed);
        owed -= count;
        return count;
    }

    /** One tick: the changes due, as one publication. */
    void tick() {
        int count = due();
        if (count > 0) {
            publisher.accept(topic, next(count));
        }
    }

    /** Starts publishing (this instance got the role). */
    synchronized void start() {
        if (ticker != null) {
            return;
        }
        owed = 0;
        publisher.accept(topic, begin(current.apply(topic)));
        ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("duplex-feed-" + name));
        ticker.scheduleAtFixedRate(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "The " + name + " simulator's tick failed", e);
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        LOG.log(Level.INFO, "The {0} simulator publishes {1} changes/s to topic {2}", name, rate, topic);
    }

    /** Stops publishing (this instance lost the role, or stops). */
    synchronized void stop() {
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ticker = null;
        LOG.log(Level.INFO, "The {0} simulator stopped", name);
    }

    synchronized boolean running() {
        return ticker != null;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
