package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.chat.ChatClient;
import dev.duplex.chat.PayaraInstance;
import dev.duplex.feed.FeedClient;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.Update;
import dev.duplex.testing.Conditions;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clustering without a server data grid, and redeploy hygiene (issue 17 item 5, issue 19 item 6),
 * on real Payara Micro processes on loopback (TCP/IP members on free ports, never multicast):
 * <ul>
 * <li>two instances with Payara's Hazelcast off ({@code --nohazelcast}) form a cluster through the
 * member each application starts from {@code duplex.cluster.*} and pass a chat message and a feed
 * update across; one of them was undeployed and deployed again in the same process first, and its
 * first member freed its port on the undeploy;</li>
 * <li>on Payara's own Hazelcast, an instance undeployed and deployed again in the same process
 * keeps one listener of each kind: when the other member leaves, one chat, one feed and one draw line say
 * so, and no SEVERE line is logged (the first deployment's listener used to stay and fail on the
 * stopped class loader).</li>
 * </ul>
 * Each redeploy runs as Payara Micro post-deploy commands ({@code undeploy}, then {@code deploy}).
 */
class GridClusterIT {

    /** Payara starts take 20 s alone and minutes on a busy 2-core machine; the redeploy adds one more deployment. */
    private static final Duration START = Duration.ofMinutes(8);
    private static final Duration LEAVE = Duration.ofMinutes(2);
    private static final String TOKEN = "grid-cluster-it-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private static final String READY = "Payara Micro .* ready in";

    private final Path work = Path.of("target", "grid-cluster");
    private final List<PayaraInstance> started = new ArrayList<>();

    @AfterEach
    void stopInstances() throws InterruptedException {
        for (PayaraInstance instance : started) {
            instance.close();
        }
    }

    @Test
    void membersTheApplicationsStartClusterTwoInstancesAcrossARedeploy() throws Exception {
        int memberPort = PayaraInstance.freePort(2);
        String cluster = "duplex-grid-it-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> options = List.of("-Dduplex.cluster.members=127.0.0.1", "-Dduplex.cluster.port=" + memberPort,
                "-Dduplex.cluster.port-count=2", "-Dduplex.cluster.name=" + cluster,
                "-Dduplex.feed.publish-token=" + TOKEN, "-XX:TieredStopAtLevel=1");
        PayaraInstance a = start("grid-a", options, concat(List.of("--nohazelcast"), PayaraInstance.redeployOnce(work.resolve("grid-a"))));
        awaitLog(a, READY, 1, START);
        PayaraInstance b = start("grid-b", options, List.of("--nohazelcast"));
        PayaraInstance.awaitClusterOf(START, a, b);

        String logA = a.log();
        assertEquals(2, count(logA, "Starting this application's Hazelcast member"), "one member per deployment");
        assertEquals(1, count(logA, "This application's Hazelcast member .* is shut down"), "the undeployed one went");
        assertEquals(List.of(memberPort, memberPort), memberPorts(logA),
                "the redeployed application's member took the first port again: the undeployed one had freed it");
        assertEquals(List.of(memberPort + 1), memberPorts(b.log()));

        try (ChatClient ada = ChatClient.connect(ws(a, "chat")); ChatClient bob = ChatClient.connect(ws(b, "chat"))) {
            ada.join("grid", "ada");
            ada.next("welcome");
            bob.join("grid", "bob");
            bob.next("welcome");
            assertEquals("bob", ada.next("presence").getString("nick"));
            bob.say("across the member the application started");
            JsonObject message = ada.nextSkippingPresence("message");
            assertEquals(List.of("bob", "across the member the application started"),
                    List.of(message.getString("from"), message.getString("text")));
        }

        FeedClient.publish(a.base(), TOKEN, "grid-it", "[{\"item\":\"boiler\",\"fields\":{\"temperature\":81.5}}]");
        try (FeedClient onB = FeedClient.connect(ws(b, "feed"), "feed.json")) {
            onB.expect(FeedMessage.Hello.class);
            onB.subscribeOnceKnown("grid-it", 30);
            FeedClient.publish(a.base(), TOKEN, "grid-it", "[{\"item\":\"boiler\",\"fields\":{\"temperature\":82.5}}]");
            Update update = onB.nextUpdates().updates().get(0);
            assertEquals(List.of("boiler", Map.of("temperature", FieldValue.of(82.5))), List.of(update.item(), update.fields()));
        }

        assertOneListenerPerKindWhenTheOtherLeaves(a, b);
    }

    @Test
    void payarasHazelcastKeepsOneListenerPerKindAcrossARedeploy() throws Exception {
        int clusterPort = PayaraInstance.freePort(4);
        List<String> clustered = PayaraInstance.clustered("duplex-redeploy-it-" + UUID.randomUUID().toString().substring(0, 8),
                clusterPort);
        List<String> options = List.of("-XX:TieredStopAtLevel=1");
        PayaraInstance a = start("hz-a", options, concat(clustered, PayaraInstance.redeployOnce(work.resolve("hz-a"))));
        awaitLog(a, READY, 1, START);
        PayaraInstance b = start("hz-b", options, clustered);
        PayaraInstance.awaitClusterOf(START, a, b);
        assertEquals(2, count(a.log(), "Chat runs on the hazelcast bus"), "two deployments in one process");
        assertEquals(0, count(a.log(), "Hazelcast member .* is shut down"), "Payara's Hazelcast is the server's: never shut down");

        assertOneListenerPerKindWhenTheOtherLeaves(a, b);
    }

    /**
     * Stops {@code other} (SIGTERM, a clean leave) and waits until {@code survivor} saw it leave;
     * then each kind of membership listener (chat, feed) said so once, the join was seen once per
     * kind, and no SEVERE line was logged. A clean leave, not a SIGKILL: under heavy load
     * Hazelcast 5.3.8 itself logs SEVERE {@code ResponseAlreadySentException} for operations
     * retried after a member vanished, which says nothing about the application's listeners.
     */
    private static void assertOneListenerPerKindWhenTheOtherLeaves(PayaraInstance survivor, PayaraInstance other) throws Exception {
        other.stop(LEAVE);
        awaitLog(survivor, "Chat cluster member left", 1, LEAVE);
        awaitLog(survivor, "Feed cluster member left", 1, LEAVE);
        Conditions.await(() -> String.valueOf(survivor.chatStatus()).contains("\"instances\":1"), (int) LEAVE.toSeconds(),
                "the survivor still counts the other");
        String log = survivor.log();
        assertEquals(List.of(1, 1, 1, 1, 1, 1), List.of(count(log, "Chat cluster member joined"), count(log, "Feed cluster member joined"),
                count(log, "Draw cluster member joined"), count(log, "Chat cluster member left"), count(log, "Feed cluster member left"),
                count(log, "Draw cluster member left")),
                "one chat, one feed and one draw membership listener (joined x3, left x3)");
        // Payara's log records carry the level's value: SEVERE is 1000 (the word itself also appears in messages).
        List<String> severe = log.lines().filter(line -> line.contains("[levelValue: 1000]")).toList();
        assertTrue(severe.isEmpty(), "SEVERE lines:\n" + String.join("\n", severe));
        assertEquals(0, count(log, "Could not remove the (chat|feed|draw)"), "every listener was removed on the undeploy");
        assertFalse(log.contains("WELD-000019"), "a bean failed to stop on the undeploy");
    }

    private PayaraInstance start(String name, List<String> jvmOptions, List<String> microOptions) throws Exception {
        PayaraInstance instance = PayaraInstance.startWith(name, PayaraInstance.freePort(1), work, jvmOptions, microOptions);
        started.add(instance);
        return instance;
    }

    private static void awaitLog(PayaraInstance instance, String regex, int times, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(instance.log(), regex) < times) {
            if (!instance.isAlive()) {
                throw new AssertionError(instance.name() + " exited before logging " + regex + ":\n" + instance.logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(instance.name() + " did not log " + regex + " within " + timeout + ":\n" + instance.logTail());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    private static int count(String log, String regex) {
        Matcher matcher = Pattern.compile(regex).matcher(log);
        int found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }

    /** The ports of "This application's Hazelcast member Member [127.0.0.1]:port ... runs", in order. */
    private static List<Integer> memberPorts(String log) {
        Matcher matcher = Pattern.compile("This application's Hazelcast member Member \\[[^\\]]+\\]:(\\d+)").matcher(log);
        List<Integer> ports = new ArrayList<>();
        while (matcher.find()) {
            ports.add(Integer.parseInt(matcher.group(1)));
        }
        return ports;
    }

    private static URI ws(PayaraInstance instance, String path) {
        return URI.create("ws://127.0.0.1:" + instance.address().getPort() + "/" + path);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
