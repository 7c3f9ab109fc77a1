package dev.duplex.chat.boundary;

import static dev.duplex.chat.ChatClient.strings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.chat.ChatClient;
import dev.duplex.testing.Deployments;
import dev.duplex.testing.RawWebSocket;
import dev.duplex.testing.SlowConsumers;
import dev.duplex.testing.WsClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutionException;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /chat} on a real Payara Micro (one instance, Hazelcast off: the in-memory bus). */
@ExtendWith(ArquillianExtension.class)
class ChatEndpointIT {

    /** A byte bound on what waits for one session small enough for a test to pass (the default is 16 MiB). */
    static final int MAX_QUEUED_BYTES = 262_144;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.duplexWar(Map.of("duplex.limits.max-queued-bytes", String.valueOf(MAX_QUEUED_BYTES)));
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void withTheContextRoot() {
        base = Deployments.base(base);
    }

    private URI chat() {
        return Deployments.websocket(base, "chat");
    }

    @Test
    void withoutTheChatSubprotocolTheSessionIsClosedWith1008AndAReason() throws Exception {
        try (WsClient none = WsClient.connect(chat())) {
            assertEquals("", none.subprotocol());
            assertEquals(new WsClient.Closed(1008, "The chat subprotocol is required"), none.awaitClose());
        }
        try (WsClient other = WsClient.connect(chat(), "echo")) {
            assertEquals(new WsClient.Closed(1008, "The chat subprotocol is required"), other.awaitClose());
        }
        try (WsClient chat = WsClient.connect(chat(), "superchat", "chat")) {
            assertEquals("chat", chat.subprotocol());
            chat.sendText("{\"type\":\"leave\"}");
            assertTrue(chat.nextText().contains("\"not-joined\""));
            assertFalse(chat.isClosed());
        }
    }

    @Test
    void twoClientsJoinTalkAndSeeEachOtherComeAndGoWithUniqueNicknames() throws Exception {
        try (ChatClient ada = ChatClient.connect(chat()); ChatClient bob = ChatClient.connect(chat());
                ChatClient impostor = ChatClient.connect(chat())) {
            ada.send("{\"type\":\"join\",\"room\":\"it-talk\",\"nick\":\"ada\"}");
            JsonObject welcome = ada.next("welcome");
            assertEquals(List.of("ada"), strings(welcome, "members"));
            assertEquals(0, welcome.getJsonArray("history").size());

            bob.join("it-talk", "bob");
            assertEquals(List.of("ada", "bob"), strings(bob.next("welcome"), "members"));
            JsonObject joined = ada.next("presence");
            assertEquals("joined", joined.getString("event"));
            assertEquals("bob", joined.getString("nick"));

            impostor.join("it-talk", "Bob");
            JsonObject taken = impostor.next("error");
            assertEquals("nick-taken", taken.getString("code"));

            // Two senders' messages have no order between them until the server has taken one: wait for it.
            ada.say("hello bob");
            JsonObject fromAda = ada.next("message");
            assertEquals(fromAda, bob.next("message"), "the same message, id and all, for everyone");
            bob.say("hi ada ✓");
            JsonObject fromBob = bob.next("message");
            assertEquals(fromBob, ada.next("message"));
            assertEquals(List.of("ada", "hello bob"), List.of(fromAda.getString("from"), fromAda.getString("text")));
            assertEquals(List.of("bob", "hi ada ✓"), List.of(fromBob.getString("from"), fromBob.getString("text")));
            assertEquals(fromAda.getJsonNumber("id").longValue() + 1, fromBob.getJsonNumber("id").longValue());
            assertTrue(Math.abs(System.currentTimeMillis() - fromAda.getJsonNumber("ts").longValue()) < 60_000);

            bob.send("{\"type\":\"leave\"}");
            assertEquals(List.of("ada"), strings(bob.next("presence"), "members"));
            JsonObject left = ada.next("presence");
            assertEquals(List.of("left", "bob"), List.of(left.getString("event"), left.getString("nick")));

            impostor.join("it-talk", "Bob");
            assertEquals(List.of("ada", "Bob"), strings(impostor.next("welcome"), "members"), "free again");
        }
    }

    @Test
    void aJoinGetsTheHistoryAndAReconnectCatchesUpOnExactlyWhatItMissed() throws Exception {
        long lastSeen;
        String token;
        try (ChatClient ada = ChatClient.connect(chat())) {
            ada.join("it-history", "ada");
            token = ada.next("welcome").getString("token");
            for (int i = 1; i <= 3; i++) {
                ada.say("before " + i);
            }
            ada.next("message");
            ada.next("message");
            lastSeen = ada.next("message").getJsonNumber("id").longValue();
        }
        try (ChatClient bob = ChatClient.connect(chat())) {
            bob.join("it-history", "bob");
            JsonObject welcome = bob.nextSkippingPresence("welcome");
            assertEquals(List.of("before 1", "before 2", "before 3"), texts(welcome));
            bob.say("while ada was away 1");
            bob.say("while ada was away 2");
            bob.next("message");
            bob.next("message");

            try (ChatClient ada = ChatClient.connect(chat())) {
                ada.rejoin("it-history", "ada", lastSeen, token);
                JsonObject caughtUp = ada.next("welcome");
                assertEquals(List.of("while ada was away 1", "while ada was away 2"), texts(caughtUp));
                assertEquals(lastSeen + 1, caughtUp.getJsonArray("history").getJsonObject(0).getJsonNumber("id").longValue());
                assertFalse(caughtUp.getBoolean("truncated"));
                bob.say("welcome back");
                assertEquals("welcome back", ada.next("message").getString("text"));
            }
        }
    }

    @Test
    void aMemberThatStopsReadingIsClosedAsASlowConsumerByBytesAndTheOthersLoseNothing() throws Exception {
        String room = "it-slow-reader";
        int senderCount = 16;
        String text = "z".repeat(4000);
        // Each message waiting for the silent member is ~4 KB: the byte bound (256 KiB) is passed
        // after ~64 of them, long before the message cap (duplex.chat.max-backlog, 256). A round
        // of messages (64 KB) stays well below the bound, so members that read are not closed.
        List<ChatClient> senders = new ArrayList<>();
        long closesBefore = SlowConsumers.closes(URI.create(base.toExternalForm()));
        try (RawWebSocket silent = RawWebSocket.open(chat(), Map.of("Sec-WebSocket-Protocol", "chat"));
                ChatClient watcher = ChatClient.connect(chat())) {
            assertEquals(101, silent.response().status());
            silent.setReceiveBuffer();
            watcher.join(room, "watcher");
            watcher.next("welcome");
            silent.send(true, false, RawWebSocket.TEXT,
                    ("{\"type\":\"join\",\"room\":\"" + room + "\",\"nick\":\"silent\"}").getBytes(StandardCharsets.UTF_8));
            assertEquals("silent", watcher.next("presence").getString("nick"));
            for (int i = 0; i < senderCount; i++) {
                ChatClient sender = ChatClient.connect(chat());
                senders.add(sender);
                sender.join(room, "sender" + i);
                sender.next("welcome");
                assertEquals("sender" + i, watcher.next("presence").getString("nick"));
            }
            // Rounds of one message per sender, at least 220 ms apart to stay under the chat rate
            // (5/s per session); the watcher must get every one, in id order, while the silent
            // member's outbox fills up behind its full TCP buffers and is closed.
            long start = System.nanoTime();
            long previous = start;
            long lastId = -1;
            int said = 0;
            int received = 0;
            boolean silentLeft = false;
            for (int round = 0; !silentLeft; round++) {
                assertTrue(round < 600, "the silent member was closed within 600 rounds (" + said + " messages)");
                long due = previous + TimeUnit.MILLISECONDS.toNanos(220);
                while (System.nanoTime() < due) {
                    TimeUnit.NANOSECONDS.sleep(due - System.nanoTime());
                }
                previous = System.nanoTime();
                // An unsolicited pong is a sign of life: the silent member is not closed for
                // leaving the server's pings unanswered (it cannot read them) before its outbox fills.
                silent.send(true, false, RawWebSocket.PONG, new byte[0]);
                for (ChatClient sender : senders) {
                    sender.say(text);
                    said++;
                }
                while (received < said) {
                    JsonObject json = watcher.next();
                    switch (json.getString("type")) {
                        case "message" -> {
                            long id = json.getJsonNumber("id").longValue();
                            assertTrue(lastId < 0 || id == lastId + 1, "no gap: " + lastId + " then " + id);
                            lastId = id;
                            received++;
                        }
                        case "presence" -> {
                            assertEquals(List.of("left", "silent"), List.of(json.getString("event"), json.getString("nick")),
                                    "only the silent member leaves");
                            silentLeft = true;
                        }
                        default -> throw new AssertionError("unexpected " + json);
                    }
                }
            }
            assertEquals(said, received, "the watcher lost nothing");
            SlowConsumers.assertClosed(silent, URI.create(base.toExternalForm()), closesBefore, "after " + said + " messages of ~4 KB");
            System.getLogger(ChatEndpointIT.class.getName()).log(System.Logger.Level.INFO,
                    "silent chat member closed as a slow consumer after {0} messages ({1} s)", said,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
            for (ChatClient sender : senders) {
                assertFalse(sender.socket().isClosed(), "the senders stay connected");
            }
        } finally {
            senders.forEach(ChatClient::close);
        }
    }

    @Test
    void oversizeTextFloodingAndHugeFramesAreAnsweredAsDocumented() throws Exception {
        try (ChatClient ada = ChatClient.connect(chat())) {
            ada.join("it-limits", "ada");
            ada.next("welcome");
            ada.say("x".repeat(4097));
            JsonObject tooLong = ada.next("error");
            assertEquals("text-too-long", tooLong.getString("code"));
            ada.say("x".repeat(4096));
            assertEquals(4096, ada.next("message").getString("text").length());
        }
        try (ChatClient flooder = ChatClient.connect(chat())) {
            flooder.join("it-limits", "flooder");
            flooder.next("welcome");
            try {
                for (int i = 0; i < 40 && !flooder.socket().isClosed(); i++) {
                    flooder.say("flood " + i);
                }
            } catch (ExecutionException closedMeanwhile) {
                // the server closed the session before the flood ended, as it should: checked below
            }
            // Defaults: a burst of 10 messages (the join took one), then "rate-limited" errors; 10
            // refusals a minute are forgiven, the 11th closes the session.
            List<String> answers = new ArrayList<>();
            while (answers.stream().filter("rate-limited"::equals).count() < 11) {
                JsonObject json = flooder.next();
                answers.add(json.getString("type").equals("error") ? json.getString("code") : json.getString("type"));
            }
            assertEquals(new WsClient.Closed(1008, "Too many rejected messages"), flooder.socket().awaitClose());
            assertTrue(answers.indexOf("rate-limited") >= 9, "the burst passes: " + answers);
            assertEquals("message", answers.get(0), answers.toString());
        }
        try (ChatClient huge = ChatClient.connect(chat())) {
            huge.say("y".repeat(70_000));
            assertEquals(new WsClient.Closed(1009, "Message too big: the limit is 65536 bytes"), huge.socket().awaitClose());
        }
    }

    @Test
    void malformedJsonUnknownTypesAndBinaryAreAnswered() throws Exception {
        try (ChatClient client = ChatClient.connect(chat())) {
            client.send("this is not json");
            assertEquals("bad-json", client.next("error").getString("code"));
            client.send("{\"type\":\"dance\"}");
            JsonObject unknown = client.next("error");
            assertEquals("unknown-type", unknown.getString("code"));
            assertTrue(unknown.getString("message").contains("dance"));
            client.send("{\"type\":\"join\",\"room\":\"it-errors\"}");
            assertEquals("bad-request", client.next("error").getString("code"));
            client.join("it-errors", "ok");
            assertEquals("it-errors", client.next("welcome").getString("room"), "still usable after errors");
            client.socket().sendBinary(new byte[] {1, 2, 3});
            assertEquals(new WsClient.Closed(1003, "Chat messages are JSON text"), client.socket().awaitClose());
        }
        HttpResponse<String> status = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(base + "chat-status")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, status.statusCode());
        JsonObject figures = Json.createReader(new java.io.StringReader(status.body())).readObject();
        assertEquals("local", figures.getString("mode"), "--nohazelcast: the in-memory bus");
        assertEquals(1, figures.getInt("instances"));
        assertEquals("pre-encoded", figures.getString("frames"),
                "on Payara (Tyrus) a chat session without extensions gets frames encoded once per broadcast");
    }

    private static List<String> texts(JsonObject welcome) {
        return welcome.getJsonArray("history").getValuesAs(JsonObject.class).stream().map(m -> m.getString("text")).toList();
    }
}
