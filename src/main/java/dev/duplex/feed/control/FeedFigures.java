package dev.duplex.feed.control;

import java.util.List;

/**
 * The feed's figures on this instance, for {@code /api/status} and {@code /metrics}.
 *
 * @param mode          the bus: "local" or "hazelcast"
 * @param instance      this instance's name in the bus
 * @param instances     how many instances share the bus now
 * @param topics        every topic with its item count and this instance's subscriptions to it
 * @param sessions      open {@code /feed} sessions on this instance
 * @param subscriptions open subscriptions on this instance
 * @param updatesIn     changes applied on this instance since start
 * @param updatesOut    item updates delivered to subscribers of this instance (each update in a sent
 *                      message counts 1; snapshot items are not counted)
 * @param conflated     changes merged away: the sum of the {@code conflated} fields sent, plus those
 *                      still pending when a subscription ended
 * @param simulators    the simulators and who runs them
 */
public record FeedFigures(String mode, String instance, int instances, List<TopicFigures> topics, int sessions,
        int subscriptions, long updatesIn, long updatesOut, long conflated, List<SimulatorFigures> simulators) {

    public FeedFigures {
        topics = List.copyOf(topics);
        simulators = List.copyOf(simulators);
    }

    /** One topic: its name, how many items it holds, how many subscriptions of this instance follow it. */
    public record TopicFigures(String name, int items, int subscriptions) {
    }

    /**
     * One simulator: its name ("market", "weather"), whether it is enabled by configuration, whether
     * it runs on this instance, and the instance that runs it (empty when none does).
     */
    public record SimulatorFigures(String name, boolean enabled, boolean runningHere, String leader) {
    }
}
