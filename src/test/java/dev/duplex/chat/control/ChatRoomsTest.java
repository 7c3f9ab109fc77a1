package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The chat's rules on the in-memory bus, with fake sessions: no server needed. */
class ChatRoomsTest {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong millis = new AtomicLong(1_000L);
    private ChatRooms rooms;

    @BeforeEach
    void start() {
        start(ChatLimits.defaults());
    }

    private void start(ChatLimits limits) {
        rooms = new ChatRooms();
        rooms.start(limits, presence -> new LocalBus(limits.historySize(), presence, millis::get), nanos::get);
    }

    /** Members who joined "lobby" in this order, with what each was told of the others' joins read. */
    private List<Client> joined(String... nicks) {
        List<Client> clients = new java.util.ArrayList<>();
        for (String nick : nicks) {
            Client client = connect(nick.substring(0, 1));
            client.join("lobby", nick);
            clients.add(client);
        }
        clients.subList(0, clients.size() - 1).forEach(Client::drain);
        return clients;
    }

    private Client connect(String id) {
        FakePeer peer = new FakePeer(id);
        return new Client(peer, rooms.connect(peer));
    }

    private final class Client {
        final FakePeer peer;
        final ChatMember member;
        int read;

        Client(FakePeer peer, ChatMember member) {
            this.peer = peer;
            this.member = member;
        }

        void send(String json) {
            rooms.handle(member, json);
        }

        JsonObject join(String room, String nick) {
            send("{\"type\":\"join\",\"room\":\"" + room + "\",\"nick\":\"" + nick + "\"}");
            return next("welcome");
        }

        /** The next message sent to this client, which must be of the given type. */
        JsonObject next(String type) {
            List<String> sent = peer.sent();
            assertTrue(read < sent.size(), "expected a " + type + " message; got nothing more after " + sent);
            JsonObject json = Json.createReader(new StringReader(sent.get(read++))).readObject();
            assertEquals(type, json.getString("type"), json.toString());
            return json;
        }

        void nothingMore() {
            assertEquals(read, peer.sent().size(), "unexpected: " + peer.sent().subList(read, peer.sent().size()));
        }

        void drain() {
            read = peer.sent().size();
        }
    }

    private static List<String> texts(JsonObject welcome) {
        return welcome.getJsonArray("history").getValuesAs(JsonObject.class).stream().map(m -> m.getString("text")).toList();
    }

    private static List<String> strings(JsonObject json, String field) {
        return json.getJsonArray(field).getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    @Test
    void membersJoinSeeEachOtherAndEveryoneGetsEachMessageOnceWithItsId() {
        Client ada = connect("a");
        JsonObject welcome = ada.join("lobby", "ada");
        assertEquals("lobby", welcome.getString("room"));
        assertEquals("ada", welcome.getString("nick"));
        assertEquals(List.of("ada"), strings(welcome, "members"));
        assertEquals(0, welcome.getJsonArray("history").size());
        assertFalse(welcome.getBoolean("truncated"));
        assertTrue(welcome.getString("token").length() >= 16);

        Client bob = connect("b");
        assertEquals(List.of("ada", "bob"), strings(bob.join("lobby", "bob"), "members"));
        JsonObject joined = ada.next("presence");
        assertEquals("joined", joined.getString("event"));
        assertEquals("bob", joined.getString("nick"));
        assertEquals(List.of("ada", "bob"), strings(joined, "members"));
        bob.nothingMore();

        bob.send("{\"type\":\"say\",\"text\":\"<img src=x onerror=alert(1)>\"}");
        for (Client client : List.of(ada, bob)) {
            JsonObject message = client.next("message");
            assertEquals(1, message.getJsonNumber("id").longValue());
            assertEquals("lobby", message.getString("room"));
            assertEquals("bob", message.getString("from"));
            assertEquals("<img src=x onerror=alert(1)>", message.getString("text"));
            assertEquals(1_000L, message.getJsonNumber("ts").longValue());
            client.nothingMore();
        }

        Client carol = connect("c");
        carol.join("kitchen", "carol");
        carol.send("{\"type\":\"say\",\"text\":\"elsewhere\"}");
        assertEquals(1, carol.next("message").getJsonNumber("id").longValue(), "ids count per room");
        ada.nothingMore();
    }

    @Test
    void aJoinGetsTheLastMessagesAndARejoinWithSinceGetsExactlyWhatItMissed() {
        start(new ChatLimits(4096, 65536, 100, 1e9, 1_000_000, 10, 100_000, Pattern.compile("\\w+"), Pattern.compile("\\w+")));
        Client ada = connect("a");
        ada.join("lobby", "ada");
        for (int i = 1; i <= 150; i++) {
            ada.send("{\"type\":\"say\",\"text\":\"m" + i + "\"}");
        }
        JsonObject welcome = connect("b").join("lobby", "bob");
        List<String> texts = welcome.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("text")).toList();
        assertEquals(100, texts.size());
        assertEquals("m51", texts.get(0));
        assertEquals("m150", texts.get(99));

        Client rejoin = connect("c");
        rejoin.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"carol\",\"since\":140}");
        JsonObject caughtUp = rejoin.next("welcome");
        assertEquals(List.of(141L, 142L, 143L, 144L, 145L, 146L, 147L, 148L, 149L, 150L),
                caughtUp.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                        .map(m -> m.getJsonNumber("id").longValue()).collect(Collectors.toList()));
        assertFalse(caughtUp.getBoolean("truncated"));

        Client late = connect("d");
        late.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"dan\",\"since\":20}");
        JsonObject truncated = late.next("welcome");
        assertTrue(truncated.getBoolean("truncated"), "missed more than the history holds");
        assertEquals(51, truncated.getJsonArray("history").getJsonObject(0).getJsonNumber("id").longValue());
    }

    @Test
    void nicknamesAreUniqueUnlessTheSameClientComesBackWithItsToken() {
        Client ada = connect("a");
        String token = ada.join("lobby", "ada").getString("token");
        Client impostor = connect("i");
        impostor.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ADA\"}");
        assertEquals("nick-taken", impostor.next("error").getString("code"));
        impostor.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"token\":\"wrong-token-wrong-token\"}");
        assertEquals("nick-taken", impostor.next("error").getString("code"));
        assertEquals(0, impostor.peer.closeCode, "taken nicknames do not count as abuse");

        Client bob = connect("b");
        bob.join("lobby", "bob");
        ada.drain();
        Client adaAgain = connect("a2");
        adaAgain.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"token\":\"" + token + "\"}");
        assertEquals(List.of("ada", "bob"), strings(adaAgain.next("welcome"), "members"));
        assertEquals(4001, ada.peer.closeCode, "the old connection is replaced");
        rooms.disconnect(ada.member);
        bob.nothingMore();
        assertEquals(2, rooms.status().members(), "the new ada and bob; the replaced session released nothing");
    }

    @Test
    void leavingIsAcknowledgedAndAnnouncedAndSoIsDisconnecting() {
        Client ada = connect("a");
        ada.join("lobby", "ada");
        Client bob = connect("b");
        bob.join("lobby", "bob");
        ada.drain();
        bob.send("{\"type\":\"leave\"}");
        JsonObject ack = bob.next("presence");
        assertEquals("left", ack.getString("event"));
        assertEquals(List.of("ada"), strings(ack, "members"));
        JsonObject left = ada.next("presence");
        assertEquals("bob", left.getString("nick"));
        assertEquals(List.of("ada"), strings(left, "members"));
        bob.send("{\"type\":\"say\",\"text\":\"still here?\"}");
        assertEquals("not-joined", bob.next("error").getString("code"));
        bob.join("lobby", "bob");
        ada.drain();
        rooms.disconnect(bob.member);
        assertEquals("left", ada.next("presence").getString("event"));
        assertEquals(1, rooms.status().members());
    }

    @Test
    void aReloadWithinTheRejoinGraceTakesTheNicknameOverAndOthersSeeNoLeaveOrJoin() {
        rooms.rejoinGrace(5_000);
        Client ada = connect("a");
        String token = ada.join("lobby", "ada").getString("token");
        Client bob = connect("b");
        bob.join("lobby", "bob");
        ada.drain();
        ada.send("{\"type\":\"say\",\"text\":\"before the reload\"}");
        long lastId = ada.next("message").getJsonNumber("id").longValue();
        bob.next("message");

        rooms.disconnect(ada.member);
        bob.nothingMore();
        assertEquals(1, rooms.status().held());
        assertEquals(1, rooms.status().members(), "only bob is in the room here");
        Client impostor = connect("i");
        impostor.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"Ada\"}");
        assertEquals("nick-taken", impostor.next("error").getString("code"), "a held nickname is still taken");
        millis.addAndGet(1_000_000);
        assertEquals(0, rooms.discardEmptyRooms(0), "a room with a held member is not empty");

        nanos.addAndGet(4_999_000_000L);
        assertEquals(0, rooms.departHeld(), "still within the grace");
        bob.send("{\"type\":\"say\",\"text\":\"while ada reloads\"}");
        bob.next("message");
        Client reloaded = connect("a2");
        reloaded.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"token\":\"" + token
                + "\",\"since\":" + lastId + "}");
        JsonObject welcome = reloaded.next("welcome");
        assertEquals(List.of("ada", "bob"), strings(welcome, "members"));
        assertEquals(List.of("while ada reloads"), texts(welcome), "what was said meanwhile");
        assertEquals(0, rooms.status().held());

        nanos.addAndGet(60_000_000_000L);
        assertEquals(0, rooms.departHeld(), "the takeover ended the grace");
        bob.nothingMore();
        assertEquals(2, rooms.status().members());
        assertEquals(0, ada.peer.closeCode, "the closed session is not closed again");
    }

    @Test
    void afterTheRejoinGraceTheMemberLeavesButALeaveOrAnExpulsionDepartsAtOnce() {
        rooms.rejoinGrace(5_000);
        List<Client> lobby = joined("ada", "bob", "carol");
        Client ada = lobby.get(0);
        Client bob = lobby.get(1);
        Client carol = lobby.get(2);

        rooms.disconnect(carol.member);
        nanos.addAndGet(4_999_999_999L);
        assertEquals(0, rooms.departHeld());
        ada.nothingMore();
        nanos.addAndGet(1);
        assertEquals(1, rooms.departHeld());
        JsonObject left = ada.next("presence");
        assertEquals(List.of("left", "carol"), List.of(left.getString("event"), left.getString("nick")));
        assertEquals(List.of("ada", "bob"), strings(left, "members"));
        bob.drain();
        assertEquals(0, rooms.status().held());
        Client carolAgain = connect("c2");
        assertEquals(List.of("ada", "bob", "carol"), strings(carolAgain.join("lobby", "carol"), "members"),
                "free again after the grace");
        ada.drain();
        bob.drain();

        carolAgain.send("{\"type\":\"leave\"}");
        assertEquals("left", ada.next("presence").getString("event"), "an explicit leave does not wait");
        bob.drain();

        rooms.binary(bob.member);
        assertEquals(1003, bob.peer.closeCode);
        rooms.disconnect(bob.member);
        JsonObject expelled = ada.next("presence");
        assertEquals(List.of("left", "bob"), List.of(expelled.getString("event"), expelled.getString("nick")),
                "a session closed for what it did departs at once");
        assertEquals(0, rooms.status().held());

        rooms.disconnect(ada.member);
        assertEquals(1, rooms.status().held());
        rooms.stop();
        assertEquals(0, rooms.status().held(), "stopping lets held nicknames go at once");
    }

    @Test
    void aSessionClosedForWhatItDidDepartsAtOnceWhateverClosedIt() {
        rooms.rejoinGrace(5_000);
        List<Client> lobby = joined("ada", "bob", "carol");
        Client ada = lobby.get(0);
        Client bob = lobby.get(1);
        Client carol = lobby.get(2);

        // the platform outbox closed bob as a slow consumer (1008): no grace for him
        rooms.disconnect(bob.member, 1008);
        JsonObject left = ada.next("presence");
        assertEquals(List.of("left", "bob"), List.of(left.getString("event"), left.getString("nick")));
        assertEquals(0, rooms.status().held());

        // carol's page went away (1001): her nickname is held for the grace
        rooms.disconnect(carol.member, 1001);
        ada.nothingMore();
        assertEquals(1, rooms.status().held());
    }

    @Test
    void badCommandsGetErrorsAndTheSessionStaysUsable() {
        Client ada = connect("a");
        ada.send("{\"type\":\"say\",\"text\":\"hi\"}");
        assertEquals("not-joined", ada.next("error").getString("code"));
        ada.send("{\"type\":\"join\",\"room\":\"no spaces\",\"nick\":\"ada\"}");
        assertEquals("bad-room", ada.next("error").getString("code"));
        ada.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"\"}");
        assertEquals("bad-nick", ada.next("error").getString("code"));
        ada.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"<script>\"}");
        assertEquals("bad-nick", ada.next("error").getString("code"));
        nanos.addAndGet(60_000_000_000L);
        ada.join("lobby", "ada");
        ada.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada2\"}");
        assertEquals("already-joined", ada.next("error").getString("code"));
        ada.send("{\"type\":\"say\",\"text\":\"" + "x".repeat(4097) + "\"}");
        JsonObject tooLong = ada.next("error");
        assertEquals("text-too-long", tooLong.getString("code"));
        assertEquals("The text is 4097 bytes; the limit is 4096", tooLong.getString("message"));
        ada.send("{\"type\":\"say\",\"text\":\"" + "é".repeat(2048) + "\"}");
        assertEquals("message", ada.next("message").getString("type"), "4096 bytes of UTF-8 fit");
        ada.send("{\"type\":\"say\",\"text\":\"\"}");
        assertEquals("empty-text", ada.next("error").getString("code"));
        ada.send("{\"type\":\"shout\"}");
        assertEquals("unknown-type", ada.next("error").getString("code"));
        ada.send("{oops");
        assertEquals("bad-json", ada.next("error").getString("code"));
        nanos.addAndGet(60_000_000_000L);
        ada.send("{\"type\":\"say\",\"text\":\"fine\"}");
        assertEquals("fine", ada.next("message").getString("text"));
        assertEquals(0, ada.peer.closeCode);
    }

    @Test
    void floodingIsRateLimitedAndRepeatedAbuseClosesWith1008() {
        Client ada = connect("a");
        ada.join("lobby", "ada");
        for (int i = 0; i < 40; i++) {
            ada.send("{\"type\":\"say\",\"text\":\"flood " + i + "\"}");
        }
        List<String> types = ada.peer.sent().subList(1, ada.peer.sent().size()).stream()
                .map(s -> Json.createReader(new StringReader(s)).readObject())
                .map(j -> j.getString("type").equals("error") ? j.getString("code") : j.getString("type")).toList();
        assertEquals(9, types.stream().filter("message"::equals).count(), "the burst of 10, the join included");
        assertEquals(11, types.stream().filter("rate-limited"::equals).count(), "10 forgiven, the 11th closes");
        assertEquals(1008, ada.peer.closeCode);
        assertEquals("Too many rejected messages", ada.peer.closeReason);
        assertEquals(1 + 9 + 11, ada.peer.sent().size(), "after the close, the rest of the flood is ignored");
    }

    @Test
    void rateLimitedMessagesAreCountedForTheStatusPage() {
        rooms.connections = new dev.duplex.platform.Connections();
        Client ada = connect("a");
        ada.join("lobby", "ada");
        ada.send("{\"type\":\"shout\"}");
        for (int i = 0; i < 14; i++) {
            ada.send("{\"type\":\"say\",\"text\":\"flood " + i + "\"}");
        }
        // a burst of 10: the join, the refused shout and 8 says; the other 6 says are rate-limited
        assertEquals(Map.of("chat unknown-type", 1L, "chat rate-limited", 6L), rooms.connections.refusals());
    }

    @Test
    void anEmptyRoomKeepsItsHistoryForTheGraceAndIsFreedAfterIt() {
        long grace = 60_000;
        Client ada = connect("a");
        ada.join("lobby", "ada");
        ada.send("{\"type\":\"say\",\"text\":\"remember me\"}");
        ada.next("message");
        ada.send("{\"type\":\"leave\"}");
        ada.next("presence");
        assertEquals(0, rooms.status().rooms(), "nobody is in it here");
        assertEquals(1, rooms.status().keptRooms(), "its history is kept");

        millis.addAndGet(grace - 1);
        assertEquals(0, rooms.discardEmptyRooms(grace), "still within the grace");
        JsonObject back = ada.join("lobby", "ada");
        assertEquals(List.of("remember me"), texts(back), "a rejoin within the grace gets the history");
        ada.send("{\"type\":\"leave\"}");
        ada.next("presence");

        millis.addAndGet(grace - 1);
        assertEquals(0, rooms.discardEmptyRooms(grace), "the grace counts from the last leave");
        millis.addAndGet(1);
        assertEquals(1, rooms.discardEmptyRooms(grace));
        assertEquals(0, rooms.status().keptRooms());
        JsonObject fresh = ada.join("lobby", "ada");
        assertEquals(List.of(), texts(fresh), "after the grace the room starts afresh");
    }

    @Test
    void aRoomWithAMemberLeftIsNeverFreedAndChurnLeavesNothingBehind() {
        Client ada = connect("a");
        Client bob = connect("b");
        ada.join("lobby", "ada");
        bob.join("lobby", "bob");
        bob.send("{\"type\":\"leave\"}");
        millis.addAndGet(1_000_000);
        assertEquals(0, rooms.discardEmptyRooms(0));
        assertEquals(1, rooms.status().keptRooms());

        for (int i = 0; i < 1_000; i++) {
            Client c = connect("c" + i);
            c.send("{\"type\":\"join\",\"room\":\"room" + i + "\",\"nick\":\"carol\"}");
            c.send("{\"type\":\"say\",\"text\":\"hi\"}");
            rooms.disconnect(c.member);
        }
        assertEquals(1_001, rooms.status().keptRooms());
        assertEquals(1_000, rooms.discardEmptyRooms(0));
        assertEquals(1, rooms.status().keptRooms(), "only the lobby, where ada still is");
        assertEquals(2, rooms.status().sessions(), "ada's and bob's sessions; the churned ones are gone");
    }

    @Test
    void lookAlikeNicknamesAreTaken() {
        Client ada = connect("a");
        ada.join("lobby", "ada");
        for (String lookAlike : List.of("\u0430da", "\uFF21\uFF24\uFF21", "ADA")) {
            Client other = connect(lookAlike);
            other.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"" + lookAlike + "\"}");
            assertEquals("nick-taken", other.next("error").getString("code"), lookAlike);
        }
        Client strasse = connect("s");
        JsonObject welcome = strasse.join("lobby", "straße");
        Client shouting = connect("S");
        shouting.send("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"STRASSE\"}");
        assertEquals("nick-taken", shouting.next("error").getString("code"));
        assertEquals(List.of("ada", "straße"), strings(welcome, "members"), "names are shown as typed");
    }

    @Test
    void binaryMessagesCloseWith1003() {
        Client ada = connect("a");
        rooms.binary(ada.member);
        assertEquals(1003, ada.peer.closeCode);
    }

    @Test
    void whatArrivesWhileJoiningFollowsTheWelcomeWithoutDuplicates() {
        FakePeer peer = new FakePeer("j");
        ChatMember member = new ChatMember(peer, ChatLimits.defaults(), nanos::get, Runnable::run);
        member.beginJoin("lobby", new Holder("local", "j", "h", "joe"));
        member.deliver(5, "m5");
        member.deliver(7, "m7");
        member.deliverPresence("p");
        member.completeJoin("welcome", 6);
        member.deliver(7, "m7 again");
        member.deliver(8, "m8");
        assertEquals(List.of("welcome", "m7", "p", "m8"), peer.sent());
    }

    @Test
    void aMemberThatKeepsUpGetsEveryPresenceNoticeOneThatFellBehindOnlyTheNewest() {
        FakePeer peer = new FakePeer("p");
        ChatMember member = new ChatMember(peer, ChatLimits.defaults(), nanos::get, Runnable::run);
        member.beginJoin("lobby", new Holder("local", "p", "h", "pat"));
        member.completeJoin("welcome", 0);
        peer.hold = true;
        member.deliver(1, "m1");
        member.deliverPresence("carol left");
        member.deliverPresence("ada joined");
        peer.release();
        assertEquals(List.of("welcome", "m1", "carol left", "ada joined"), peer.sent(),
                "a short backlog: every event arrives");

        peer.hold = true;
        member.deliver(2, "in flight");
        for (int i = 0; i < ChatMember.COALESCE_BACKLOG; i++) {
            member.deliver(3 + i, "m" + (3 + i));
        }
        member.deliverPresence("members v1");
        member.deliverPresence("members v2");
        member.deliverPresence("members v3");
        peer.release();
        List<String> behind = peer.sent().subList(4, peer.sent().size());
        assertEquals(List.of("members v3"), behind.stream().filter(m -> m.startsWith("members")).toList(),
                "behind a join storm only the newest member list is sent");
        assertEquals(2 + ChatMember.COALESCE_BACKLOG, behind.size());
    }
}
