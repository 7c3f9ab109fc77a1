package dev.duplex.bench.echo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PayloadsTest {

    @Test
    void payloadsArePrintableAsciiAndDifferPerConnectionAndSequence() {
        byte[] a = Payloads.bytes(0, 0, 32);
        assertTrue(new String(a, StandardCharsets.US_ASCII).matches("[A-Za-z0-9_-]{32}"));
        assertFalse(Arrays.equals(a, Payloads.bytes(0, 1, 32)));
        assertFalse(Arrays.equals(a, Payloads.bytes(1, 0, 32)));
        assertArrayEquals(a, Payloads.bytes(0, 0, 32));
    }

    @Test
    void writeAndMatchAgreeAndOneChangedByteIsCaught() {
        ByteBuf buf = Unpooled.buffer();
        Payloads.write(buf, 7, 42, 1000);
        assertTrue(Payloads.matches(buf, 7, 42, 1000));
        assertFalse(Payloads.matches(buf, 7, 43, 1000));
        assertFalse(Payloads.matches(buf, 7, 42, 999));
        buf.setByte(999, buf.getByte(999) == 'A' ? 'B' : 'A');
        assertFalse(Payloads.matches(buf, 7, 42, 1000));
        assertNotEquals(0, buf.readableBytes());
        assertEquals(0, buf.readerIndex());
    }
}
