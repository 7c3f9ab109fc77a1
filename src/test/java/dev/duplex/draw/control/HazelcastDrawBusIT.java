package dev.duplex.draw.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.duplex.chat.PayaraInstance;
import dev.duplex.draw.DrawMessages;
import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.platform.MemoryBudget;
import dev.duplex.testing.Conditions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The boards' Hazelcast bus on real Hazelcast members in this JVM (no application server; loopback,
 * TCP/IP join only, never multicast): a board shared by two instances through real topics, and a
 * closing instance removes everything it registered (its inbox, its owner entries) while the other
 * takes its board over.
 */
class HazelcastDrawBusIT {

    private final String cluster = "duplex-draw-bus-it-" + UUID.randomUUID();
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<DrawBoards> instances = new ArrayList<>();

    @AfterEach
    void shutDown() {
        instances.forEach(DrawBoards::stop);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    private List<HazelcastInstance> cluster(int count) throws Exception {
        int basePort = PayaraInstance.freePort(count);
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
            members.add(Hazelcast.newHazelcastInstance(config));
        }
        Conditions.await(() -> members.get(0).getCluster().getMembers().size() == count, 60, "the cluster formed");
        return members;
    }

    private DrawBoards boards(HazelcastInstance member) {
        MemoryBudget budget = new MemoryBudget(1 << 24, 1 << 24, 1 << 24);
        DrawBoards boards = new DrawBoards();
        boards.start(DrawLimits.defaults(), board -> budget.account("draw", "board " + board), System::nanoTime,
                HazelcastDrawBus.on(member, () -> { }));
        instances.add(boards);
        return boards;
    }

    /** A peer whose messages arrive on another thread (the bus's), read with a timeout. */
    private static final class Waiting implements DrawPeer {
        final BlockingQueue<String> received = new LinkedBlockingQueue<>();

        @Override
        public String id() {
            return "test";
        }

        @Override
        public void send(ByteBuffer message) {
            received.add(DrawMessages.describe(message.duplicate()));
        }

        @Override
        public void close(int code, String reason) {
            received.add("closed " + code);
        }

        /** The messages up to and including {@code last}. */
        List<String> until(String last) throws InterruptedException {
            List<String> seen = new ArrayList<>();
            while (true) {
                String message = received.poll(20, TimeUnit.SECONDS);
                assertNotNull(message, "\"" + last + "\" within 20 s after " + seen);
                seen.add(message);
                if (message.equals(last)) {
                    return seen;
                }
            }
        }
    }

    private static DrawMember join(DrawBoards boards, Waiting peer, String name) {
        DrawMember member = boards.connect(peer);
        boards.handle(member, ByteBuffer.wrap(DrawMessages.join(name, "hz")));
        return member;
    }

    private static void stroke(DrawBoards boards, DrawMember member, int x) {
        boards.handle(member, ByteBuffer.wrap(DrawMessages.begin(0x123456, 3)));
        boards.handle(member, ByteBuffer.wrap(DrawMessages.points(x, x, x + 8, x + 8)));
        boards.handle(member, ByteBuffer.wrap(DrawMessages.one(DrawCodec.END)));
    }

    private static List<String> draw(java.util.Collection<DistributedObject> objects) {
        return objects.stream().map(DistributedObject::getName).filter(n -> n.startsWith("duplex-draw-")).sorted().toList();
    }

    @Test
    void aBoardIsSharedThroughTheGridAndAClosingOwnerLeavesNothingBehindAndHandsItsBoardOver() throws Exception {
        List<HazelcastInstance> grid = cluster(2);
        DrawBoards a = boards(grid.get(0));
        DrawBoards b = boards(grid.get(1));
        String aId = grid.get(0).getCluster().getLocalMember().getUuid().toString();

        Waiting ann = new Waiting();
        DrawMember annMember = join(a, ann, "Ann");
        ann.until("member 1 Ann");
        Waiting bob = new Waiting();
        DrawMember bobMember = join(b, bob, "Bob");
        assertEquals(List.of("welcome 2", "member 1 Ann", "member 2 Bob"), bob.until("member 2 Bob"));
        ann.until("member 2 Bob");

        stroke(a, annMember, 80);
        stroke(b, bobMember, 160);
        assertEquals(List.of("begin 1 by 1", "points 1: 80,80 88,88", "end 1", "begin 2 by 2", "points 2: 160,160 168,168", "end 2"),
                bob.until("end 2"));
        assertEquals(List.of("begin 1 by 1", "points 1: 80,80 88,88", "end 1", "begin 2 by 2", "points 2: 160,160 168,168", "end 2"),
                ann.until("end 2"));
        assertEquals(aId, grid.get(1).getMap(HazelcastDrawBus.OWNERS).get("hz"), "a owns the board");
        assertTrue(draw(grid.get(1).getDistributedObjects()).contains(HazelcastDrawBus.INBOX_PREFIX + aId));

        a.stop();
        instances.remove(a);
        assertEquals(List.of("left 1"), bob.until("left 1"), "b took the board over and Ann is gone with a");
        assertFalse(draw(grid.get(1).getDistributedObjects()).contains(HazelcastDrawBus.INBOX_PREFIX + aId), "a's inbox is gone");
        assertFalse(grid.get(1).getMap(HazelcastDrawBus.OWNERS).containsValue(aId), "a holds no board any more");

        stroke(b, bobMember, 240);
        assertEquals(List.of("begin 3 by 2", "points 3: 240,240 248,248", "end 3"), bob.until("end 3"), "the board goes on at b");
        Waiting cat = new Waiting();
        join(b, cat, "Cat");
        assertEquals(List.of("welcome 3", "member 2 Bob", "member 3 Cat", "begin 1 by 1", "points 1: 80,80 88,88", "end 1",
                "begin 2 by 2", "points 2: 160,160 168,168", "end 2", "begin 3 by 2", "points 3: 240,240 248,248", "end 3"),
                cat.until("end 3"));

        b.stop();
        instances.remove(b);
        assertEquals(List.of(HazelcastDrawBus.OWNERS), draw(grid.get(1).getDistributedObjects()), "only the (empty) owners map is left");
        assertTrue(grid.get(1).getMap(HazelcastDrawBus.OWNERS).isEmpty());
    }
}
