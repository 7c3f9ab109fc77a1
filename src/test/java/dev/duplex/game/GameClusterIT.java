package dev.duplex.game;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duplex.chat.PayaraInstance;
import dev.duplex.game.entity.GameCodec;
import dev.duplex.game.entity.SnapshotCodec;
import dev.duplex.testing.ApiStatus;
import dev.duplex.testing.WsClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code /game} on two real Payara Micro instances clustered through their embedded Hazelcast on
 * loopback (explicit TCP/IP members, never multicast), as {@code FeedClusterIT}: a player on each
 * instance in one room, each seeing the other move (the room runs on the instance of the first
 * player; the other's inputs and snapshots go through the relay); players matchmade (no room
 * named) on a and then on b meet in a's room, through the vacancy a published; then the room's instance is
 * killed mid-game, the room resumes on the survivor from its checkpoint with the scores kept, and
 * both players rejoin there with their tokens and play on. Prints the input-to-snapshot latency of
 * the relayed and the local player, and the time from the kill to the relayed player's first
 * snapshot on the survivor (figures, not assertions).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GameClusterIT {

    private static final Duration CLUSTER_TIMEOUT = Duration.ofMinutes(4);
    private static final String ROOM = "cluster-it";

    private final Path work = Path.of("target", "game-cluster");
    private PayaraInstance a;
    private PayaraInstance b;
    private GameTestClient ada;
    private GameTestClient bob;

    @BeforeAll
    void startCluster() throws Exception {
        int clusterPort = PayaraInstance.freePort(4);
        String clusterName = "duplex-game-it-" + UUID.randomUUID().toString().substring(0, 8);
        // every player sees the whole arena, wherever the ships spawned
        List<String> options = List.of("-Dduplex.game.view=2000", "-XX:TieredStopAtLevel=1");
        a = PayaraInstance.startClustered("game-a", PayaraInstance.freePort(1), clusterName, clusterPort, work, options);
        b = PayaraInstance.startClustered("game-b", PayaraInstance.freePort(1), clusterName, clusterPort, work, options);
        PayaraInstance.awaitClusterOf(CLUSTER_TIMEOUT, a, b);
        for (PayaraInstance instance : List.of(a, b)) {
            awaitLog(instance, "game runs on the hazelcast bus", Duration.ofSeconds(60));
        }
    }

    @AfterAll
    void stopCluster() throws Exception {
        for (AutoCloseable client : new AutoCloseable[] {ada, bob}) {
            if (client != null) {
                client.close();
            }
        }
        for (PayaraInstance instance : new PayaraInstance[] {a, b}) {
            if (instance != null) {
                instance.close();
            }
        }
    }

    private static URI game(PayaraInstance instance) {
        return URI.create("ws://127.0.0.1:" + instance.address().getPort() + "/game");
    }

    private static GameTestClient joined(PayaraInstance instance, String name, byte[] token) throws Exception {
        GameTestClient client = GameTestClient.connect(game(instance));
        client.send(GameCodec.join(false, name, ROOM, token));
        assertNotNull(client.await(m -> m instanceof GameCodec.Welcome), name + " is welcomed on " + instance.name()
                + ": " + client.other);
        return client;
    }

    @Test
    @Order(1)
    void playersOnBothInstancesPlayInOneRoomAndSeeEachOtherMove() throws Exception {
        ada = joined(a, "ada", new byte[0]);
        bob = joined(b, "bob", new byte[0]);
        assertEquals(ROOM, bob.welcome.room());
        int adaId = ada.welcome.you();
        int bobId = bob.welcome.you();
        assertTrue(adaId != bobId, "two ships");
        assertNotNull(bob.await(m -> m instanceof SnapshotCodec.Snapshot && bob.entity(adaId) != null), "bob, on b, sees ada");
        assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot && ada.entity(bobId) != null), "ada, on a, sees bob");
        assertTrue(log(a).contains("Game room " + ROOM + " opened") && !log(b).contains("Game room " + ROOM + " opened"),
                "the room runs on a alone");

        // bob steers towards the middle; ada sees him move
        int[] bobStart = ada.entity(bobId).clone();
        List<Long> relayed = steer(bob, bobId, 90);
        assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot && Math.abs(ada.entity(bobId)[2] - bobStart[2]) > 16 * 50),
                "ada sees bob move");
        assertTrue(bob.deltaSnapshots > 0, "bob's relayed snapshots are deltas against the ones he acknowledged");
        // and the other way round
        int[] adaStart = bob.entity(adaId).clone();
        List<Long> local = steer(ada, adaId, 90);
        assertNotNull(bob.await(m -> m instanceof SnapshotCodec.Snapshot && Math.abs(bob.entity(adaId)[2] - adaStart[2]) > 16 * 50),
                "bob sees ada move");
        System.out.printf(Locale.ROOT, "GAME CLUSTER LATENCY, input sent to the first snapshot that applied it: "
                + "player on the other instance (relayed) %s; player on the room's instance %s%n", summary(relayed), summary(local));
    }

    /**
     * Sends {@code count} inputs towards the arena's middle (one, then waits for the snapshot that
     * applied it): the input-to-snapshot latencies in µs.
     */
    private static List<Long> steer(GameTestClient client, int id, int count) throws Exception {
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] me = client.entity(id);
            int dx = me == null || me[2] < 16000 ? 127 : -127;
            long sent = System.nanoTime();
            long seq = client.input(dx, 0, 0);
            assertNotNull(client.await(m -> m instanceof SnapshotCodec.Snapshot s && s.inputSeq() >= seq),
                    "input " + seq + " applied");
            latencies.add((System.nanoTime() - sent) / 1000);
        }
        return latencies;
    }

    @Test
    @Order(2)
    void playersMatchmadeOnEitherInstanceMeetInOneRoom() throws Exception {
        try (GameTestClient carol = GameTestClient.connect(game(a)); GameTestClient dave = GameTestClient.connect(game(b))) {
            carol.join("carol", "");
            assertNotNull(carol.await(m -> m instanceof GameCodec.Welcome), "carol is matchmade on a: " + carol.other);
            String room = carol.welcome.room();
            assertTrue(room.startsWith("arena-"), room);
            awaitVacancy(a, 7);

            dave.join("dave", "");
            assertNotNull(dave.await(m -> m instanceof GameCodec.Welcome), "dave is matchmade on b: " + dave.other);
            assertEquals(room, dave.welcome.room(), "dave, matchmade on b, is seated in a's room with a free slot");
            int carolId = carol.welcome.you();
            int daveId = dave.welcome.you();
            assertTrue(carolId != daveId, "two ships");
            assertNotNull(dave.await(m -> m instanceof SnapshotCodec.Snapshot && dave.entity(carolId) != null), "dave, on b, sees carol");
            assertNotNull(carol.await(m -> m instanceof SnapshotCodec.Snapshot && carol.entity(daveId) != null), "carol, on a, sees dave");
            assertTrue(!log(b).contains("Game room " + room + " opened"), "no room opened on b: " + b.logTail());
        }
    }

    /** Polls the instance's {@code /api/status} until the matchmaking vacancy it published is {@code free}. */
    private static void awaitVacancy(PayaraInstance instance, int free) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int published;
        while ((published = ApiStatus.read(instance.base().resolve("api/status")).getJsonObject("game").getJsonObject("cluster")
                .getInt("vacancy")) != free) {
            if (System.nanoTime() > deadline) {
                fail(instance.name() + " published a vacancy of " + published + ", not " + free + ", within 60 s");
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    @Test
    @Order(3)
    void whenTheRoomsInstanceIsKilledTheRoomResumesOnTheSurvivorWithItsScoresAndPlayersRejoinWithTheirTokens() throws Exception {
        assertNotNull(ada, "the first test seated the players");
        // a scoreboard with points on it, then two more (the owner checkpoints every second)
        assertNotNull(bob.await(m -> m instanceof List<?> && bob.scores.stream().mapToInt(GameCodec.Score::score).sum() > 0),
                "the bots score");
        Map<Integer, Integer> before = new HashMap<>();
        bob.scores.forEach(s -> before.put(s.id(), s.score()));
        for (int i = 0; i < 2; i++) {
            Object seen = bob.scores;
            assertNotNull(bob.await(m -> m instanceof List<?> && bob.scores != seen), "scoreboards come every second");
        }
        int bobId = bob.welcome.you();
        int adaId = ada.welcome.you();
        byte[] bobToken = bob.welcome.token();
        byte[] adaToken = ada.welcome.token();

        long killed = System.nanoTime();
        a.kill();
        assertEquals(new WsClient.Closed(1012, "The room's instance left; rejoin with your token"), bob.socket().awaitClose(),
                "bob's relayed connection is told to rejoin");
        bob.close();
        ada.close();

        bob = joined(b, "bob", bobToken);
        assertEquals(bobId, bob.welcome.you(), "bob gets his ship back on the survivor");
        assertEquals(GameCodec.REJOINED, bob.welcome.flags());
        assertEquals(ROOM, bob.welcome.room());
        assertNotNull(bob.await(m -> m instanceof SnapshotCodec.Snapshot), "the room ticks on the survivor");
        double resumed = (System.nanoTime() - killed) / 1e9;
        assertTrue(log(b).contains("takes game room " + ROOM + " over from departed instance"), b.logTail());
        assertTrue(log(b).contains("Game room " + ROOM + " resumed on this instance from its checkpoint"), b.logTail());

        assertNotNull(bob.await(m -> m instanceof List<?>), "a scoreboard");
        Map<Integer, Integer> after = new HashMap<>();
        bob.scores.forEach(s -> after.put(s.id(), s.score()));
        before.forEach((id, score) -> assertTrue(after.getOrDefault(id, -1) >= score,
                "ship " + id + " had " + score + " before the kill, " + after.get(id) + " after"));

        ada = joined(b, "ada", adaToken);
        assertEquals(adaId, ada.welcome.you(), "ada, whose instance died, rejoins on the survivor");
        assertEquals(GameCodec.REJOINED, ada.welcome.flags());
        assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot && ada.entity(bobId) != null), "ada sees bob");
        int[] bobStart = ada.entity(bobId).clone();
        steer(bob, bobId, 45);
        assertNotNull(ada.await(m -> m instanceof SnapshotCodec.Snapshot && Math.abs(ada.entity(bobId)[2] - bobStart[2]) > 16 * 50),
                "bob keeps playing, and ada sees it");
        System.out.printf(Locale.ROOT, "GAME CLUSTER FAILOVER: the room's instance killed; its room resumed on the survivor "
                + "and the relayed player's first snapshot there (after his rejoin) came %.2f s after the kill%n", resumed);
    }

    private static String summary(List<Long> micros) {
        long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
        return String.format(Locale.ROOT, "n=%d p50 %.1f ms, p99 %.1f ms, max %.1f ms", sorted.length,
                sorted[sorted.length / 2] / 1000.0, sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1000.0,
                sorted[sorted.length - 1] / 1000.0);
    }

    private String log(PayaraInstance instance) throws Exception {
        return Files.readString(work.resolve(instance.name() + ".log"), StandardCharsets.UTF_8);
    }

    private void awaitLog(PayaraInstance instance, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!log(instance).contains(text)) {
            if (System.nanoTime() > deadline) {
                fail(instance.name() + " never logged \"" + text + "\":\n" + instance.logTail());
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
