package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.duplex.chat.PayaraInstance;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import dev.duplex.feed.entity.ItemState;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed's Hazelcast bus on real Hazelcast members in this JVM (no application server): embedded
 * members on loopback, TCP/IP join only, never multicast. Prints the cross-instance
 * publish-to-apply latency at the market simulator's rate and the time a killed member's role
 * takes to move.
 */
class HazelcastFeedBusIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String cluster = "duplex-feed-it-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<FeedBus> buses = new ArrayList<>();
    private int basePort;
    private static final int MAX_MEMBERS = 3;

    @AfterEach
    void shutDown() {
        buses.forEach(FeedBus::close);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    /** Starts a member that finds the others on 127.0.0.1, with a started bus on a fresh state. */
    private Node join() throws IOException {
        if (basePort == 0) {
            basePort = PayaraInstance.freePort(MAX_MEMBERS);
        }
        Config config = new Config().setClusterName(cluster);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig network = config.getNetworkConfig().setPort(basePort).setPortAutoIncrement(true).setPortCount(MAX_MEMBERS);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        for (int port = basePort; port < basePort + MAX_MEMBERS; port++) {
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        FeedBus bus = HazelcastFeedBus.on(member);
        buses.add(bus);
        assertEquals("hazelcast", bus.mode());
        TestState state = new TestState();
        bus.start(state);
        return new Node(member, bus, state);
    }

    private List<Node> cluster(int count) throws IOException {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(join());
        }
        for (Node node : nodes) {
            assertEquals(count, node.bus().instances(), "the cluster formed");
        }
        return nodes;
    }

    private record Node(HazelcastInstance member, FeedBus bus, TestState state) {
    }

    private static ItemChange change(String item, String field, double value) {
        return new ItemChange(item, Map.of(field, FieldValue.of(value)), TimeUnit.NANOSECONDS.toMicros(epochNanos()));
    }

    /** Epoch nanoseconds (microsecond resolution), comparable across threads of this JVM. */
    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + WAIT + " waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @Test
    void everyInstanceAppliesEachTopicInOneOrderAtTheMarketsRateWithLowLatency() throws Exception {
        List<Node> nodes = cluster(2);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        // Measure the steady state: not while the partitions migrate to the new member, and with
        // the code paths warmed up.
        await("the partitions have settled", () -> b.member().getPartitionService().isClusterSafe());
        for (int i = 0; i < 200; i++) {
            a.bus().publish("warm-up", List.of(change("W" + i % 10, "w", i)));
            b.bus().publish("warm-up", List.of(change("W" + i % 10, "w", i)));
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        for (Node node : nodes) {
            await("the warm-up applied", () -> node.state().applied() == 400);
            node.state().forgetLatencies();
        }
        // Both publish to the same two topics at once: a at the market's rate (50 changes every
        // 10 ms = 5 000/s), b slower; every change carries its publisher and its number.
        int seconds = 4;
        int ticks = seconds * 100;
        Thread market = new Thread(() -> {
            long start = System.nanoTime();
            for (int tick = 0; tick < ticks; tick++) {
                long intended = start + TimeUnit.MILLISECONDS.toNanos(10) * tick;
                for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                List<ItemChange> batch = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    batch.add(change("S" + (tick * 50 + i) % 200, "a", tick * 50 + i));
                }
                a.bus().publish(tick % 2 == 0 ? "stocks" : "bonds", batch);
            }
        }, "market");
        Thread other = new Thread(() -> {
            for (int tick = 0; tick < ticks / 4; tick++) {
                b.bus().publish(tick % 2 == 0 ? "stocks" : "bonds", List.of(change("S" + tick % 200, "b", tick)));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(40));
            }
        }, "other");
        market.start();
        other.start();
        market.join(60_000);
        other.join(60_000);
        int total = 400 + ticks * 50 + ticks / 4;
        for (Node node : nodes) {
            await("every change applied", () -> node.state().applied() == total);
        }

        for (String topic : List.of("stocks", "bonds")) {
            List<String> atA = a.state().journal(topic);
            assertEquals(atA, b.state().journal(topic), "both instances apply " + topic + " in one order");
            for (String field : List.of("a", "b")) {
                List<Double> values = atA.stream().filter(s -> s.contains(" " + field + "="))
                        .map(s -> Double.parseDouble(s.substring(s.indexOf('=') + 1))).toList();
                List<Double> sorted = new ArrayList<>(values);
                Collections.sort(sorted);
                assertEquals(sorted, values, "each publisher's changes in the order published, on " + topic);
            }
        }
        assertEquals(a.state().capture(), b.state().capture(), "the same state");
        assertFalse(a.state().capture().get("stocks").isEmpty());

        long[] crossing = b.state().latencies("a");
        long[] own = a.state().latencies("a");
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf(Locale.ROOT, "FEED BUS LATENCY at 5000 changes/s in batches of 50: publish on a to apply on b %s;"
                + " to apply on a itself %s (load average %.1f on %d cores)%n", summary(crossing), summary(own), load,
                Runtime.getRuntime().availableProcessors());
        // The typical change crosses in milliseconds, but how many depends on the machine's load (the
        // shared 2-core test machine measured p99 30-80 ms at load 7-10, up to 350 ms at load 14). The
        // bound is taken against the same changes applied on the publishing instance itself, in the
        // same run, so a busy machine slows both: with a wide margin it only catches a structural
        // delay (polling, a round trip per change), which the local path does not have.
        double ownTail = percentile(own, 99);
        assertTrue(percentile(crossing, 50) < 20_000 + 10 * ownTail,
                "cross-instance p50 " + summary(crossing) + ", on the publisher itself " + summary(own));
    }

    @Test
    void aLateJoinerRestoresTheSameStateEvenWhenTheLogWasOverwritten() throws Exception {
        List<Node> nodes = cluster(2);
        Node a = nodes.get(0);
        // More single-change batches than the log holds: a joiner cannot replay it from the start.
        // Published in steps of 1 000 that a has applied before the next, so that a itself (which
        // writes the checkpoints) never falls behind the log: an unpaced burst of 10 000 batches
        // outran a's apply thread on a loaded CI machine, and a writer that the log overtakes has no
        // newer checkpoint to wait for (HazelcastFeedBus.synchronize).
        int batches = HazelcastFeedBus.LOG_CAPACITY + 2000;
        int step = 1000;
        for (int i = 0; i < batches; i++) {
            a.bus().publish(i % 3 == 0 ? "weather" : "stocks", List.of(change("X" + i % 50, "v", i)));
            int published = i + 1;
            if (published % step == 0 || published == batches) {
                await("batch " + published + " applied on a", () -> a.state().applied() == published);
            }
        }
        // b may fall behind such a burst (the log overwrites what it has not read yet) and catch
        // up from a checkpoint: it ends with the same state either way.
        await("the same state on b", () -> a.state().capture().equals(nodes.get(1).state().capture()));
        assertTrue(a.member().getRingbuffer(HazelcastFeedBus.LOG_NAME).headSequence() > 0, "the log overwrote its first batches");
        await("a checkpoint of the last batch", () -> checkpointSequence(a.member()) == batches - 1);

        Node late = join();
        assertEquals(3, late.bus().instances());
        assertEquals(a.state().capture(), late.state().capture(), "the joiner starts with the same state");
        assertEquals(0, late.state().applied(), "restored, not replayed");

        a.bus().publish("stocks", List.of(change("X1", "v", -1), change("NEW", "w", 7)));
        nodes.get(1).bus().publish("news", List.of(new ItemChange("headline", Map.of("text", FieldValue.of("hello")), 1)));
        for (Node node : List.of(a, nodes.get(1), late)) {
            await("the new batches applied", () -> node.state().capture().containsKey("news") && node.state().seq("stocks", "NEW") == 1);
        }
        assertEquals(a.state().capture(), late.state().capture(), "the joiner follows the log on from the checkpoint");
        assertEquals(a.state().seq("stocks", "X1"), late.state().seq("stocks", "X1"));

        // The checkpoint writes only the topics that changed ("weather" keeps its older entry):
        // another joiner still gets the same state.
        await("a checkpoint of the new batches", () -> checkpointSequence(a.member()) == batches + 1);
        late.bus().close();
        late.member().getLifecycleService().shutdown();
        Node later = join();
        assertEquals(a.state().capture(), later.state().capture(), "a joiner after a partial checkpoint");
    }

    @Test
    void aDeletedTopicIsGoneOnEveryInstanceAndForALaterJoiner() throws Exception {
        List<Node> nodes = cluster(2);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        a.bus().publish("doomed", List.of(change("D1", "v", 1), change("D2", "v", 2)));
        b.bus().publish("kept", List.of(change("K1", "v", 3)));
        for (Node node : nodes) {
            await("both topics on every instance",
                    () -> node.state().capture().containsKey("doomed") && node.state().capture().containsKey("kept"));
        }
        await("a checkpoint with both topics", () -> checkpointSequence(a.member()) == 1);
        assertTrue(a.member().getMap(HazelcastFeedBus.CHECKPOINTS_NAME).containsKey("doomed"), "the checkpoint holds the topic");

        b.bus().publish("doomed", List.of()); // a deletion, published on the instance that did not create it
        for (Node node : nodes) {
            await("the topic deleted on every instance", () -> !node.state().capture().containsKey("doomed"));
            assertTrue(node.state().capture().containsKey("kept"), "the other topic stays");
        }
        await("a checkpoint without the deleted topic", () -> checkpointSequence(a.member()) == 2
                && !a.member().getMap(HazelcastFeedBus.CHECKPOINTS_NAME).containsKey("doomed"));

        Node late = join();
        assertEquals(a.state().capture(), late.state().capture(), "a joiner does not bring the deleted topic back");
        assertFalse(late.state().capture().containsKey("doomed"));
    }

    @Test
    void aCheckpointWriterThatFallsBehindTheLogHandsTheRoleOverAndEndsWithTheSameState() throws Exception {
        List<Node> nodes = cluster(2);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        await("a writes the checkpoints", () -> a.bus().leader(HazelcastFeedBus.CHECKPOINT_ROLE).equals(Optional.of(a.bus().instance())));
        // a applies at most 200 batches a second while b publishes more than the log holds, in steps
        // that b itself has applied: the log overwrites what a has not read, and only b is up to date
        a.state().delayEachApply(Duration.ofMillis(5));
        int batches = HazelcastFeedBus.LOG_CAPACITY + 4000;
        for (int i = 0; i < batches; i++) {
            b.bus().publish("stocks", List.of(change("X" + i % 50, "v", i)));
            int published = i + 1;
            if (published % 1000 == 0 || published == batches) {
                await("batch " + published + " applied on b", () -> b.state().applied() == published);
            }
        }
        assertTrue(a.state().applied() < batches - HazelcastFeedBus.LOG_CAPACITY,
                "a is behind what the log still holds: " + a.state().applied() + " of " + batches + " applied");
        await("the checkpoint role moved to b", () -> b.bus().leader(HazelcastFeedBus.CHECKPOINT_ROLE).equals(Optional.of(b.bus().instance())));
        a.state().delayEachApply(Duration.ZERO);
        // without the hand-over, a (with no newer checkpoint to wait for) went on without the batches
        // the log overwrote, and every item's seq on a stayed behind b's
        await("a has b's state", () -> a.state().capture().equals(b.state().capture()));
        long changesOfX0 = (batches + 49) / 50; // i = 0, 50, 100, ... below batches
        assertEquals(changesOfX0, a.state().seq("stocks", "X0"), "every change of X0 counted on a");
        a.bus().publish("stocks", List.of(change("X0", "v", -1)));
        for (Node node : nodes) {
            await("a batch after the catch-up applied", () -> node.state().seq("stocks", "X0") == changesOfX0 + 1);
        }
        assertEquals(Optional.of(b.bus().instance()), a.bus().leader(HazelcastFeedBus.CHECKPOINT_ROLE), "the role stays with b");
    }

    @Test
    void aJoinerWithoutCheckpointReplaysTheLogFromItsStart() throws Exception {
        Node a = join();
        a.bus().publish("stocks", List.of(change("ACME", "last", 1), change("ACME", "last", 2)));
        a.bus().publish("stocks", List.of(change("ACME", "bid", 3)));
        await("applied", () -> a.state().applied() == 3);
        // Once the checkpoint of the last batch is written, no other follows until something changes.
        await("a checkpoint", () -> checkpointSequence(a.member()) == 1);
        a.member().getMap(HazelcastFeedBus.CHECKPOINTS_NAME).clear();
        Node b = join();
        assertEquals(a.state().capture(), b.state().capture());
        assertEquals(3, b.state().applied(), "replayed");
        assertEquals(3, b.state().seq("stocks", "ACME"));
    }

    private static long checkpointSequence(HazelcastInstance member) {
        byte[] complete = member.<String, byte[]>getMap(HazelcastFeedBus.CHECKPOINTS_NAME).get(HazelcastFeedBus.COMPLETE_KEY);
        return complete == null ? -1 : java.nio.ByteBuffer.wrap(complete).getLong();
    }

    @Test
    void aRoleRunsOnOneInstanceAndMovesWhenItsHolderCloses() throws Exception {
        List<Node> nodes = cluster(3);
        List<Roles> roles = new ArrayList<>();
        for (Node node : nodes) {
            Roles r = new Roles();
            node.bus().lead("market", r::started, r::stopped);
            roles.add(r);
        }
        await("one instance runs the market", () -> roles.stream().mapToInt(r -> r.running.get()).sum() == 1);
        int holder = IntStream.range(0, 3).filter(i -> roles.get(i).running.get() == 1).findFirst().orElseThrow();
        for (Node node : nodes) {
            assertEquals(Optional.of(nodes.get(holder).bus().instance()), node.bus().leader("market"));
        }
        assertEquals(Optional.empty(), nodes.get(0).bus().leader("nobody-leads-this"));

        long closed = System.nanoTime();
        nodes.get(holder).bus().close();
        assertEquals(List.of("start", "stop"), roles.get(holder).events(), "the holder stopped it on close");
        await("another instance runs the market", () -> roles.stream().mapToInt(r -> r.running.get()).sum() == 1);
        double movedAfter = (System.nanoTime() - closed) / 1e9;
        int next = IntStream.range(0, 3).filter(i -> roles.get(i).running.get() == 1).findFirst().orElseThrow();
        assertTrue(next != holder);
        int other = 3 - holder - next;
        assertEquals(Optional.of(nodes.get(next).bus().instance()), nodes.get(other).bus().leader("market"));
        assertEquals(List.of(), roles.get(other).events(), "never ran on the third");
        System.out.printf(Locale.ROOT, "FEED ROLE HAND-OVER on close: %.2f s%n", movedAfter);
        // How soon is printed above, not asserted (a busy machine delays it); that it moves, to the
        // right instance, and never to the third is what the hand-over promises.
    }

    @Test
    void aKilledMembersRoleMovesToTheSurvivorWithinSecondsAndTheStateSurvives() throws Exception {
        List<Node> nodes = cluster(2);
        Node a = nodes.get(0);
        Node b = nodes.get(1);
        Roles atA = new Roles();
        Roles atB = new Roles();
        a.bus().lead("market", atA::started, atA::stopped);
        await("a, first to ask, runs the market", () -> atA.running.get() == 1);
        b.bus().lead("market", atB::started, atB::stopped);
        assertEquals(Optional.of(a.bus().instance()), b.bus().leader("market"));
        assertEquals(Optional.of(a.bus().instance()), b.bus().leader(HazelcastFeedBus.CHECKPOINT_ROLE), "a writes checkpoints");

        for (int i = 0; i < 300; i++) {
            a.bus().publish("stocks", List.of(change("S" + i % 20, "last", i), change("S" + (i + 1) % 20, "bid", i)));
        }
        await("a applied everything", () -> a.state().applied() == 600);
        await("b applied everything", () -> b.state().applied() == 600);
        Map<String, List<ItemState>> before = a.state().capture();
        // A member killed before its data's backups exist takes the data with it (Hazelcast logs
        // "partition is completely lost"): kill only once the cluster is safe.
        await("the backups are made", () -> b.member().getPartitionService().isClusterSafe());

        long killed = System.nanoTime();
        a.member().getLifecycleService().terminate();
        await("b runs the market", () -> atB.running.get() == 1);
        double movedAfter = (System.nanoTime() - killed) / 1e9;
        System.out.printf(Locale.ROOT, "FEED ROLE FAIL-OVER after terminate(): %.2f s%n", movedAfter);
        // (how soon is the machine's load and Hazelcast's failure detection: printed, not asserted)
        assertEquals(Optional.of(b.bus().instance()), b.bus().leader("market"));
        assertEquals(before, b.state().capture(), "the survivor's state is intact");

        // The grid kept the log and the checkpoint (backups on b): a new instance gets the state,
        // and the survivor now writes the checkpoints.
        b.bus().publish("stocks", List.of(change("S0", "last", 1000)));
        await("b applied it", () -> b.state().applied() == 601);
        Node c = join();
        assertEquals(b.state().capture(), c.state().capture(), "a joiner after the kill gets the survivor's state");
        assertEquals(Optional.of(b.bus().instance()), c.bus().leader(HazelcastFeedBus.CHECKPOINT_ROLE));
        assertEquals(List.of(), atA.events().subList(1, atA.events().size()), "a never stopped: it was killed");
    }

    /** Records a role's starts and stops. */
    private static final class Roles {
        final AtomicInteger running = new AtomicInteger();
        private final List<String> events = Collections.synchronizedList(new ArrayList<>());

        void started() {
            events.add("start");
            running.incrementAndGet();
        }

        void stopped() {
            events.add("stop");
            running.decrementAndGet();
        }

        List<String> events() {
            return List.copyOf(events);
        }
    }

    /**
     * A feed state as the contract says (fields merge, seq +1 per change), which also keeps, per
     * topic, the journal of changes in applied order and each change's publish-to-apply latency.
     */
    static final class TestState implements FeedState {
        private final Map<String, Map<String, ItemState>> topics = new TreeMap<>();
        private final Map<String, List<String>> journal = new LinkedHashMap<>();
        private final Map<String, List<Long>> latencies = new LinkedHashMap<>();
        private int applied;
        private volatile long applyDelayNanos;

        /** Makes every batch take at least {@code delay} to apply: an instance that cannot keep up. */
        void delayEachApply(Duration delay) {
            applyDelayNanos = delay.toNanos();
        }

        @Override
        public void apply(String topic, List<ItemChange> changes) {
            long delay = applyDelayNanos;
            if (delay > 0) {
                LockSupport.parkNanos(delay);
            }
            applyNow(topic, changes);
        }

        private synchronized void applyNow(String topic, List<ItemChange> changes) {
            if (changes.isEmpty()) {
                topics.remove(topic);
                applied++;
                return;
            }
            long now = TimeUnit.NANOSECONDS.toMicros(epochNanos());
            Map<String, ItemState> items = topics.computeIfAbsent(topic, t -> new TreeMap<>());
            for (ItemChange change : changes) {
                ItemState old = items.get(change.item());
                Map<String, FieldValue> fields = new LinkedHashMap<>(old == null ? Map.of() : old.fields());
                fields.putAll(change.fields());
                items.put(change.item(), new ItemState(change.item(), old == null ? 1 : old.seq() + 1, change.publishedMicros(), fields));
                String field = change.fields().keySet().iterator().next();
                journal.computeIfAbsent(topic, t -> new ArrayList<>()).add(change.item() + " " + field + "=" + change.fields().get(field)
                        .toString().replaceAll("[^0-9.E-]", ""));
                latencies.computeIfAbsent(field, f -> new ArrayList<>()).add(now - change.publishedMicros());
                applied++;
            }
        }

        @Override
        public synchronized Map<String, List<ItemState>> capture() {
            Map<String, List<ItemState>> captured = new TreeMap<>();
            topics.forEach((topic, items) -> captured.put(topic, List.copyOf(items.values())));
            return captured;
        }

        @Override
        public synchronized void restore(Map<String, List<ItemState>> state) {
            topics.clear();
            state.forEach((topic, items) -> {
                Map<String, ItemState> map = new TreeMap<>();
                items.forEach(item -> map.put(item.item(), item));
                topics.put(topic, map);
            });
        }

        synchronized void forgetLatencies() {
            latencies.clear();
        }

        synchronized int applied() {
            return applied;
        }

        synchronized long seq(String topic, String item) {
            ItemState state = topics.getOrDefault(topic, Map.of()).get(item);
            return state == null ? 0 : state.seq();
        }

        synchronized List<String> journal(String topic) {
            return List.copyOf(journal.getOrDefault(topic, List.of()));
        }

        /** Microseconds from publication to apply of the changes to {@code field}, sorted. */
        synchronized long[] latencies(String field) {
            return latencies.getOrDefault(field, List.of()).stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    private static double percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String summary(long[] sortedMicros) {
        return String.format(Locale.ROOT, "n=%d p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", sortedMicros.length,
                percentile(sortedMicros, 50) / 1000, percentile(sortedMicros, 90) / 1000, percentile(sortedMicros, 99) / 1000,
                sortedMicros[sortedMicros.length - 1] / 1000.0);
    }
}
