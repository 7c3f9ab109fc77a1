package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.duplex.chat.PayaraInstance;
import dev.duplex.chat.entity.ChatMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast bus on real Hazelcast members in this JVM (no application server): a cluster of
 * embedded members on loopback, TCP/IP join only, never multicast.
 */
class HazelcastBusIT {

    private final String cluster = "duplex-bus-it-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<ChatBus> buses = new ArrayList<>();
    private int basePort;

    @AfterEach
    void shutDown() {
        buses.forEach(ChatBus::close);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    /** Starts {@code count} members that find each other on 127.0.0.1, and a bus on each. */
    private List<Node> cluster(int count) throws IOException {
        basePort = PayaraInstance.freePort(count);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Config config = new Config().setClusterName(cluster);
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.setProperty("hazelcast.socket.bind.any", "false");
            NetworkConfig network = config.getNetworkConfig().setPort(basePort).setPortAutoIncrement(true).setPortCount(count);
            network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
            JoinConfig join = network.getJoin();
            join.getMulticastConfig().setEnabled(false);
            join.getAutoDetectionConfig().setEnabled(false);
            for (int port = basePort; port < basePort + count; port++) {
                join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
            }
            HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
            members.add(member);
            BlockingQueue<PresenceNotice> notices = new LinkedBlockingQueue<>();
            ChatBus bus = HazelcastBus.on(member, 10, notices::add, System::currentTimeMillis);
            buses.add(bus);
            nodes.add(new Node(member, bus, notices));
        }
        for (Node node : nodes) {
            assertEquals(count, node.bus().instances(), "the cluster formed");
        }
        return nodes;
    }

    private record Node(HazelcastInstance member, ChatBus bus, BlockingQueue<PresenceNotice> notices) {
    }

    /** Collects one room's deliveries. */
    private static final class Collecting implements RoomFeed {
        final BlockingQueue<ChatMessage> delivered = new LinkedBlockingQueue<>();

        @Override
        public void deliver(ChatMessage message) {
            delivered.add(message);
        }

        @Override
        public void fellBehind(long lost) {
            delivered.add(new ChatMessage(-lost, "", "", "fell behind", 0));
        }

        List<ChatMessage> take(int count) throws InterruptedException {
            List<ChatMessage> messages = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ChatMessage message = delivered.poll(20, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i + " of " + count);
                messages.add(message);
            }
            return messages;
        }
    }

    @Test
    void everyInstanceSeesEveryMessageOnceInOneOrderWithClusterWideIds() throws Exception {
        List<Node> nodes = cluster(2);
        Collecting atA = new Collecting();
        Collecting atB = new Collecting();
        nodes.get(0).bus().follow("lobby", atA);
        nodes.get(1).bus().follow("lobby", atB);

        Thread ada = new Thread(() -> IntStream.range(0, 50).forEach(i -> nodes.get(0).bus().append("lobby", "ada", "a" + i)));
        Thread bob = new Thread(() -> IntStream.range(0, 50).forEach(i -> nodes.get(1).bus().append("lobby", "bob", "b" + i)));
        ada.start();
        bob.start();
        ada.join(60_000);
        bob.join(60_000);

        List<ChatMessage> seenAtA = atA.take(100);
        List<ChatMessage> seenAtB = atB.take(100);
        assertEquals(seenAtA, seenAtB, "the same messages in the same order on both instances");
        assertEquals(LongStream.rangeClosed(1, 100).boxed().toList(), seenAtA.stream().map(ChatMessage::id).toList());
        for (String sender : List.of("ada", "bob")) {
            String prefix = sender.substring(0, 1);
            assertEquals(IntStream.range(0, 50).mapToObj(i -> prefix + i).toList(),
                    seenAtA.stream().filter(m -> m.from().equals(sender)).map(ChatMessage::text).toList());
        }
        assertNull(atA.delivered.poll(500, TimeUnit.MILLISECONDS), "nothing twice");

        History last = nodes.get(1).bus().history("lobby", OptionalLong.empty(), 10);
        assertEquals(seenAtA.subList(90, 100), last.messages());
        assertEquals(100, last.lastId());
        History missed = nodes.get(0).bus().history("lobby", OptionalLong.of(97), 10);
        assertEquals(seenAtA.subList(97, 100), missed.messages());
        assertTrue(nodes.get(0).bus().history("lobby", OptionalLong.of(3), 10).truncated());
    }

    @Test
    void nicknamesAreUniqueClusterWideAndADeadInstancesMembersLeaveExactlyOnce() throws Exception {
        List<Node> nodes = cluster(3);
        ChatBus a = nodes.get(0).bus();
        Holder ada = new Holder(a.instance(), "s1", Holder.hash("token-of-ada"), "ada");
        Holder bob = new Holder(nodes.get(1).bus().instance(), "s2", Holder.hash("token-of-bob"), "bob");
        assertTrue(a.claim("lobby", ada).granted());
        assertTrue(nodes.get(1).bus().claim("lobby", bob).granted());
        Holder impostor = new Holder(nodes.get(2).bus().instance(), "s3", Holder.hash("another-token"), "ADA");
        assertEquals(Claim.TAKEN, nodes.get(2).bus().claim("lobby", impostor));
        assertEquals(List.of("ada", "bob"), nodes.get(2).bus().members("lobby"));

        nodes.get(0).member().getLifecycleService().terminate();

        for (Node survivor : nodes.subList(1, 3)) {
            PresenceNotice left = survivor.notices().poll(60, TimeUnit.SECONDS);
            assertNotNull(left, "the survivors hear that ada left");
            assertEquals(new PresenceNotice(PresenceNotice.Kind.LEFT, "lobby", ada), left);
        }
        assertEquals(List.of("bob"), nodes.get(1).bus().members("lobby"));
        for (Node survivor : nodes.subList(1, 3)) {
            assertNull(survivor.notices().poll(2, TimeUnit.SECONDS), "announced by one survivor only, once");
        }
    }

    @Test
    void anEmptyRoomIsDestroyedClusterWideAfterTheGraceAndAMemberOnAnotherInstanceKeepsItAlive() throws Exception {
        List<Node> nodes = cluster(2);
        ChatBus a = nodes.get(0).bus();
        ChatBus b = nodes.get(1).bus();
        Holder ada = new Holder(a.instance(), "s1", Holder.hash("token-of-ada"), "ada");
        Holder bob = new Holder(b.instance(), "s2", Holder.hash("token-of-bob"), "bob");
        assertTrue(a.claim("lobby", ada).granted());
        assertTrue(b.claim("lobby", bob).granted());
        a.append("lobby", "ada", "hello");
        assertTrue(a.release("lobby", ada));
        assertEquals(0, a.discardEmptyRooms(0) + b.discardEmptyRooms(0), "bob, on the other instance, is still in it");
        assertEquals(1, a.keptRooms());

        assertTrue(b.release("lobby", bob));
        assertEquals(0, a.discardEmptyRooms(60_000) + b.discardEmptyRooms(60_000), "within the grace");
        assertTrue(a.claim("lobby", ada).granted(), "a rejoin within the grace");
        assertEquals(List.of("hello"), a.history("lobby", OptionalLong.empty(), 10).messages().stream().map(ChatMessage::text).toList());
        assertTrue(a.release("lobby", ada));

        assertEquals(1, a.discardEmptyRooms(0) + b.discardEmptyRooms(0), "one instance owns the note and discards the room");
        assertEquals(0, a.keptRooms(), "no Ringbuffer or IMap of the room is left: " + nodes.get(1).member().getDistributedObjects());
        assertEquals(0, b.keptRooms());
        assertTrue(b.claim("lobby", bob).granted());
        assertEquals(List.of(), b.history("lobby", OptionalLong.empty(), 10).messages(), "the room starts afresh");
        assertEquals(List.of("bob"), a.members("lobby"));
    }
}
