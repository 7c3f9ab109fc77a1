package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextAssemblerTest {

    @Test
    void utf8LengthCountsBytesOnTheWire() {
        for (String text : new String[] {"", "ascii", "é", "€uro", "😀 emoji", "mixed ß 中文 😀🎉"}) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, TextAssembler.utf8Length(text), text);
        }
    }

    @Test
    void partsAreJoinedAndSinglePartsPassThrough() throws Exception {
        TextAssembler assembler = new TextAssembler(100);
        String single = "whole";
        assertSame(single, assembler.add(single, true));
        assertNull(assembler.add("Hel", false));
        assertNull(assembler.add("lo, ", false));
        assertEquals("Hello, world", assembler.add("world", true));
    }

    @Test
    void limitCountsUtf8BytesNotChars() throws Exception {
        TextAssembler assembler = new TextAssembler(8);
        assertEquals("€€", assembler.add("€€", true)); // 6 bytes
        assertThrows(MessageTooBigException.class, () -> assembler.add("€€€", true)); // 9 bytes
        assertNull(assembler.add("€", false));
        assertThrows(MessageTooBigException.class, () -> assembler.add("€€", true));
        assertEquals("ok", assembler.add("ok", true));
    }
}
