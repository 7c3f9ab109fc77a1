package dev.duplex.bench.fanout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatWireTest {

    private static ByteBuf json(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void writesTheContractsJoinAndSay() {
        assertEquals("{\"type\":\"join\",\"room\":\"lobby\",\"nick\":\"ada\"}", ChatWire.join("lobby", "ada"));
        assertEquals("{\"type\":\"say\",\"text\":\"hi \\\"you\\\"\"}", ChatWire.say("hi \"you\""));
    }

    @Test
    void readsMessagesWhateverTheKeyOrder() {
        ChatWire.Incoming in = ChatWire.read(json(
                "{\"id\":7,\"room\":\"lobby\",\"from\":\"p0\",\"text\":\"fanout 0 1 2\",\"ts\":99,\"type\":\"message\"}"));
        assertEquals("message", in.type());
        assertEquals("fanout 0 1 2", in.text());
    }

    @Test
    void skipsPresenceAndWelcomeWithTheirListsAndReadsErrors() {
        assertEquals("presence", ChatWire.read(json(
                "{\"type\":\"presence\",\"room\":\"r\",\"event\":\"joined\",\"nick\":\"m1\",\"members\":[\"m0\",\"m1\"]}")).type());
        assertEquals("welcome", ChatWire.read(json(
                "{\"members\":[\"a\"],\"history\":[{\"type\":\"message\",\"text\":\"old\"}],\"type\":\"welcome\"}")).type());
        ChatWire.Incoming error = ChatWire.read(json("{\"type\":\"error\",\"code\":\"rate\",\"message\":\"slow down\"}"));
        assertEquals("error", error.type());
        assertEquals("rate slow down", error.detail());
        assertEquals("invalid", ChatWire.read(json("[1,2]")).type());
        assertEquals("invalid", ChatWire.read(json("{\"type\":")).type());
    }

    @Test
    void probesCarryPublisherSequenceAndDueTime() {
        assertArrayEquals(new long[] {2, 17, 123456789}, ChatWire.parseProbe(ChatWire.probe(2, 17, 123456789)));
        assertNull(ChatWire.parseProbe("hello"));
        assertNull(ChatWire.parseProbe("fanout 1 x 3"));
        assertNull(ChatWire.parseProbe(null));
    }
}
