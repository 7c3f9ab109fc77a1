package dev.duplex.game.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.duplex.chat.PayaraInstance;
import dev.duplex.game.entity.ClientMessage;
import dev.duplex.game.entity.GameCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The game's Hazelcast bus on real Hazelcast members in this JVM (no application server): embedded
 * members on loopback, TCP/IP join only, never multicast. A player relayed to the owner's room,
 * the room resumed on the survivor when the owner's member dies (and its matchmaking vacancy
 * removed), a player matchmade on the other member seated through the vacancy it read, and a closed
 * bus leaving nothing of its own registered on the grid (mailbox, vacancy) and no relay thread.
 */
class HazelcastGameBusIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_MEMBERS = 2;

    private final String cluster = "duplex-game-it-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<GameBus> buses = new ArrayList<>();
    private final List<ExecutorService> executors = new ArrayList<>();
    private int basePort;

    /** A client's sink that other threads (the relay's) may fill. */
    static final class QueueSink implements GameSink {
        final BlockingQueue<ByteBuffer> messages = new LinkedBlockingQueue<>();
        volatile String closed;

        @Override
        public boolean send(ByteBuffer message) {
            ByteBuffer copy = ByteBuffer.allocate(message.remaining()).put(message.duplicate()).flip();
            messages.add(copy);
            return true;
        }

        @Override
        public void close(int code, String reason) {
            closed = code + " " + reason;
        }

        @Override
        public boolean reserve(long bytes) {
            return true;
        }

        @Override
        public void release(long bytes) {
        }

        /** The next message of this type, waited for. */
        ByteBuffer next(int type) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                ByteBuffer message = messages.poll(1, TimeUnit.SECONDS);
                if (message != null && (message.get(0) & 0xFF) == type) {
                    return message;
                }
            }
            return fail("no message 0x" + Integer.toHexString(type) + " within " + WAIT);
        }
    }

    private record Node(HazelcastInstance member, GameBus bus, GameRooms rooms) {
    }

    @AfterEach
    void shutDown() {
        buses.forEach(GameBus::close);
        executors.forEach(ExecutorService::shutdownNow);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

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
        GameBus bus = new HazelcastGameBus(member, () -> {
        });
        buses.add(bus);
        ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
        ExecutorService guests = Executors.newSingleThreadExecutor();
        executors.add(control);
        executors.add(guests);
        GameRooms rooms = new GameRooms(new GameSettings(30, 8, 16, 100, 40, 15, 60, 300, true, 32, 2000), null, System::nanoTime, 7,
                bus, control, guests);
        return new Node(member, bus, rooms);
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
    void aRelayedPlayerPlaysInTheOwnersRoomAndTheSurvivorResumesItWhenTheOwnerDies() throws Exception {
        Node a = join();
        Node b = join();
        await("the cluster formed", () -> a.bus().instances() == 2 && b.bus().instances() == 2);
        QueueSink ada = new QueueSink();
        a.rooms().join(new ClientMessage.Join(false, "ada", "hz", new byte[0]), ada);
        QueueSink bob = new QueueSink();
        GameRooms.Seat relayed = b.rooms().join(new ClientMessage.Join(false, "bob", "hz", new byte[0]), bob);
        assertEquals(0, relayed.id(), "a relayed seat: the owner's welcome names the ship");
        GameCodec.Welcome welcome = (GameCodec.Welcome) GameCodec.decodeServer(bob.next(GameCodec.WELCOME));
        assertEquals("hz", welcome.room());
        a.rooms().tickAll();
        assertNotNull(bob.next(GameCodec.SNAPSHOT), "the owner's snapshot reaches bob through the relay");
        for (Node node : List.of(a, b)) {
            assertTrue(node.bus().relayBatches() >= 1 && node.bus().relayMessages() >= node.bus().relayBatches(),
                    "the relay went out in batches: " + node.bus().relayBatches() + " of " + node.bus().relayMessages() + " messages");
        }
        a.rooms().checkpointAll();
        a.bus().vacancy(5);
        await("a's vacancy is read on b", () -> Integer.valueOf(5).equals(b.bus().vacancies().get(a.bus().self())));

        a.member().getLifecycleService().terminate();
        await("bob told to rejoin", () -> bob.closed != null);
        assertEquals("1012 " + GameRooms.OWNER_LEFT, bob.closed);
        await("the room resumed on b", () -> b.rooms().figures().rooms() == 1);
        assertEquals(1, b.rooms().figures().resumed());
        QueueSink again = new QueueSink();
        GameRooms.Seat back = b.rooms().join(new ClientMessage.Join(false, "bob", "", welcome.token()), again);
        assertEquals(welcome.you(), back.id(), "bob's token finds his ship on the survivor");
        GameCodec.Welcome rejoined = (GameCodec.Welcome) GameCodec.decodeServer(again.next(GameCodec.WELCOME));
        assertEquals(GameCodec.REJOINED, rejoined.flags());
        await("the departed member's vacancy removed by the survivor", () -> b.bus().vacancies().isEmpty());
        assertFalse(b.bus().live(a.bus().self()));
    }

    @Test
    void aMatchmadePlayerOnTheOtherMemberIsSeatedInTheRoomWhoseVacancyItReadAndTheVacancyGoesAtClose() throws Exception {
        Node a = join();
        Node b = join();
        await("the cluster formed", () -> a.bus().instances() == 2 && b.bus().instances() == 2);
        QueueSink ada = new QueueSink();
        GameRooms.Seat adaSeat = a.rooms().join(new ClientMessage.Join(false, "ada", "", new byte[0]), ada);
        assertEquals("arena-1", adaSeat.room());
        a.rooms().publishVacancy();
        assertEquals(7, a.rooms().vacancy());
        await("b reads a's vacancy", () -> Integer.valueOf(7).equals(b.bus().vacancies().get(a.bus().self())));
        assertTrue(b.bus().live(a.bus().self()) && b.bus().live(b.bus().self()));

        QueueSink bob = new QueueSink();
        GameRooms.Seat bobSeat = b.rooms().join(new ClientMessage.Join(false, "bob", "", new byte[0]), bob);
        GameCodec.Welcome welcome = (GameCodec.Welcome) GameCodec.decodeServer(bob.next(GameCodec.WELCOME));
        assertEquals("arena-1", welcome.room(), "bob, matchmade on b, plays in a's room");
        assertEquals("arena-1", bobSeat.room(), "his seat on b learnt the room from the welcome");
        assertEquals(0, b.rooms().figures().rooms(), "no room on b");
        await("bob seated on a", () -> a.rooms().figures().players() == 2);
        a.rooms().tickAll();
        assertNotNull(bob.next(GameCodec.SNAPSHOT));

        a.bus().close();
        await("a's vacancy is gone from the grid", () -> !b.bus().vacancies().containsKey(a.bus().self()));
        a.bus().vacancy(3);
        assertFalse(b.bus().vacancies().containsKey(a.bus().self()), "a closed bus publishes nothing");
    }

    @Test
    void aClosedBusLeavesNoMailboxOnTheGrid() throws Exception {
        Node a = join();
        Node b = join();
        await("the cluster formed", () -> a.bus().instances() == 2);
        String mailbox = HazelcastGameBus.MAILBOX + a.bus().self();
        await("a's mailbox is known to b", () -> names(b.member()).contains(mailbox));
        a.bus().send(b.bus().self(), Relay.close(a.bus().self(), 99, 1000, "nobody").encode());
        await("a's relay thread published it", () -> a.bus().relayBatches() == 1 && a.bus().relayMessages() == 1);
        a.bus().close();
        await("a's mailbox is gone from the grid", () -> !names(b.member()).contains(mailbox));
        assertTrue(names(b.member()).contains(HazelcastGameBus.MAILBOX + b.bus().self()), "b's stays");
        b.bus().close();
        await("no relay thread left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().equals("duplex-game-relay")));
    }

    private static List<String> names(HazelcastInstance member) {
        return member.getDistributedObjects().stream().map(DistributedObject::getName).toList();
    }
}
