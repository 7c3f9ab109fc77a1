package dev.duplex.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.chat.ChatClient;
import dev.duplex.chat.PayaraInstance;
import dev.duplex.feed.FeedClient;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.Update;
import dev.duplex.testing.Conditions;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Clustering where the server has no data grid of its own (issue 17, item 5): a WildFly and an Open
 * Liberty instance (and, in a second test, two GlassFish instances), each with the unchanged WAR and only the {@code duplex.cluster.*} keys set,
 * form one cluster through the Hazelcast members the applications start (loopback, TCP/IP join,
 * two ports), and pass a chat message and a feed update from one server to the other. Two
 * different servers in one cluster: neither relies on anything the other server provides.
 */
class ClusterMatrixIT {

    private static final String TOKEN = "cluster-matrix-publish-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void wildFlyAndOpenLibertyClusterThroughTheMembersTheApplicationStarts() throws Exception {
        clusterOfTwo(ServerKind.WILDFLY, "-cluster", ServerKind.LIBERTY, "-cluster");
    }

    /**
     * GlassFish has no data grid of its own (unlike Payara, its descendant): two GlassFish domains
     * cluster through the members the applications start, like WildFly and Open Liberty.
     */
    @Test
    void twoGlassFishInstancesClusterThroughTheMembersTheApplicationStarts() throws Exception {
        clusterOfTwo(ServerKind.GLASSFISH, "-cluster-a", ServerKind.GLASSFISH, "-cluster-b");
    }

    /**
     * Starts {@code first} and {@code second} with only the {@code duplex.cluster.*} keys set, waits
     * for both to see a cluster of two, then passes a chat message from the second to the first and
     * a feed update published on the first to a subscriber on the second.
     */
    private static void clusterOfTwo(ServerKind firstKind, String firstInstance, ServerKind secondKind, String secondInstance)
            throws Exception {
        Path war = Path.of(System.getProperty("duplex.war", "target/duplex.war")).toAbsolutePath();
        int memberPort = PayaraInstance.freePort(2);
        Map<String, String> cluster = Map.of(
                "duplex.cluster.members", "127.0.0.1",
                "duplex.cluster.port", String.valueOf(memberPort),
                "duplex.cluster.port-count", "2",
                "duplex.cluster.name", "duplex-matrix-" + UUID.randomUUID().toString().substring(0, 8),
                "duplex.feed.publish-token", TOKEN);
        try (ManagedServer first = firstKind.start(war, firstInstance, cluster);
                ManagedServer second = secondKind.start(war, secondInstance, cluster)) {
            for (ManagedServer server : List.of(first, second)) {
                Conditions.await(() -> sawClusterOfTwo(server), 180, server.name() + " never saw a cluster of two (/chat-status"
                        + " mode hazelcast, 2 instances); see " + server.log());
            }

            try (ChatClient ada = ChatClient.connect(first.ws("chat")); ChatClient bob = ChatClient.connect(second.ws("chat"))) {
                ada.join("matrix", "ada");
                ada.next("welcome");
                bob.join("matrix", "bob");
                bob.next("welcome");
                assertEquals("bob", ada.next("presence").getString("nick"), "ada on " + first.name() + " sees bob join on " + second.name());
                bob.say("from " + second.name() + " to " + first.name());
                JsonObject message = ada.nextSkippingPresence("message");
                assertEquals(List.of("bob", "from " + second.name() + " to " + first.name()), List.of(message.getString("from"), message.getString("text")));
            }

            FeedClient.publish(first.http(""), TOKEN, "matrix-it", "[{\"item\":\"boiler\",\"fields\":{\"temperature\":81.5}}]");
            try (FeedClient onSecond = FeedClient.connect(second.ws("feed"), "feed.json")) {
                onSecond.expect(FeedMessage.Hello.class);
                onSecond.subscribeOnceKnown("matrix-it", 60);
                FeedClient.publish(first.http(""), TOKEN, "matrix-it", "[{\"item\":\"boiler\",\"fields\":{\"temperature\":82.5}}]");
                Update update = onSecond.nextUpdates().updates().get(0);
                assertEquals(List.of("boiler", Map.of("temperature", FieldValue.of(82.5))), List.of(update.item(), update.fields()),
                        "an update published on " + first.name() + " reaches a subscriber on " + second.name());
            }
        }
    }

    private static boolean sawClusterOfTwo(ManagedServer server) {
        String status = chatStatus(server);
        if (status == null) {
            return false;
        }
        JsonObject json = Json.createReader(new StringReader(status)).readObject();
        return "hazelcast".equals(json.getString("mode", "")) && json.getInt("instances", 0) == 2;
    }

    private static String chatStatus(ManagedServer server) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(server.http("chat-status"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
