package dev.duplex.chat.entity;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ChatCodecTest {

    private final ChatCommandDecoder decoder = new ChatCommandDecoder();
    private final ChatEventEncoder encoder = new ChatEventEncoder();

    @Test
    void decodesTheMinimumWireContractAndTheRejoinFields() throws Exception {
        assertEquals(new ChatCommand.Join("lobby", "ada", OptionalLong.empty(), null),
                decoder.decode("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\"}"));
        assertEquals(new ChatCommand.Join("lobby", "ada", OptionalLong.of(42), "tok"),
                decoder.decode("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\",\"since\":42,\"token\":\"tok\",\"extra\":[1]}"));
        assertEquals(new ChatCommand.Join("r", "n", OptionalLong.empty(), null),
                decoder.decode("{\"type\":\"join\",\"room\":\"r\",\"nick\":\"n\",\"since\":null,\"token\":null}"));
        assertEquals(new ChatCommand.Say("hi <b>\u00e9\ud83d\ude00"), decoder.decode("{\"type\":\"say\",\"text\":\"hi <b>\\u00e9😀\"}"));
        assertEquals(new ChatCommand.Leave(), decoder.decode("{\"type\":\"leave\"}"));
    }

    @Test
    void refusesWhatIsNotACommandWithTheRightCode() {
        assertCode(ErrorCode.BAD_JSON, "not json");
        assertCode(ErrorCode.BAD_JSON, "{\"type\":\"say\"");
        assertCode(ErrorCode.BAD_JSON, "[1,2]");
        assertCode(ErrorCode.BAD_JSON, "\"say\"");
        assertCode(ErrorCode.BAD_JSON, "");
        assertCode(ErrorCode.BAD_REQUEST, "{}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":7}");
        assertCode(ErrorCode.UNKNOWN_TYPE, "{\"type\":\"shout\",\"text\":\"hi\"}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"say\"}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"say\",\"text\":5}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"join\",\"room\":\"lobby\"}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"a\",\"since\":-1}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"a\",\"since\":1.5}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"a\",\"since\":\"7\"}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"a\",\"since\":1e30}");
        assertCode(ErrorCode.BAD_REQUEST, "{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"a\",\"token\":1}");
    }

    @Test
    void encodesEveryEventInItsDocumentedShape() {
        ChatMessage hi = new ChatMessage(17, "lobby", "ada", "hi \"there\" <img src=x>", 1732262400123L);
        assertEquals("{\"type\":\"message\",\"id\":17,\"room\":\"lobby\",\"from\":\"ada\",\"text\":\"hi \\\"there\\\" <img src=x>\",\"ts\":1732262400123}",
                encoder.encode(new ChatEvent.Message(hi)));
        assertEquals("{\"type\":\"welcome\",\"room\":\"lobby\",\"nick\":\"bob\",\"members\":[\"ada\",\"bob\"],\"history\":["
                + encoder.encode(new ChatEvent.Message(hi)) + "],\"token\":\"t0k\",\"truncated\":false}",
                encoder.encode(new ChatEvent.Welcome("lobby", "bob", List.of("ada", "bob"), List.of(hi), "t0k", false)));
        assertEquals("{\"type\":\"presence\",\"room\":\"lobby\",\"event\":\"left\",\"nick\":\"bob\",\"members\":[\"ada\"]}",
                encoder.encode(new ChatEvent.Presence("lobby", ChatEvent.PresenceEvent.LEFT, "bob", List.of("ada"))));
        assertEquals("{\"type\":\"presence\",\"room\":\"lobby\",\"event\":\"joined\",\"nick\":\"bob\",\"members\":[\"ada\",\"bob\"]}",
                encoder.encode(new ChatEvent.Presence("lobby", ChatEvent.PresenceEvent.JOINED, "bob", List.of("ada", "bob"))));
        assertEquals("{\"type\":\"error\",\"code\":\"nick-taken\",\"message\":\"no\"}",
                encoder.encode(new ChatEvent.Error(ErrorCode.NICK_TAKEN, "no")));
    }

    @Test
    void deepNestingIsBadJsonBeforeAnyParserRecursesIntoIt() {
        String deep = "{\"type\":\"say\",\"text\":\"hi\",\"x\":" + "[".repeat(1100) + "]".repeat(1100) + "}";
        BadCommandException e = assertThrows(BadCommandException.class, () -> decoder.decode(deep));
        assertEquals(ErrorCode.BAD_JSON, e.code());
        assertEquals("JSON nested deeper than 32 levels", e.getMessage());
        String unclosed = "[".repeat(100_000);
        assertEquals(ErrorCode.BAD_JSON, assertThrows(BadCommandException.class, () -> decoder.decode(unclosed)).code());
        String within = "{\"type\":\"say\",\"text\":\"hi\",\"x\":" + "[".repeat(30) + "]".repeat(30) + "}";
        assertDoesNotThrow(() -> decoder.decode(within), "31 levels are fine");
    }

    private void assertCode(ErrorCode expected, String json) {
        BadCommandException e = assertThrows(BadCommandException.class, () -> decoder.decode(json), json);
        assertEquals(expected, e.code(), json + ": " + e.getMessage());
    }
}
