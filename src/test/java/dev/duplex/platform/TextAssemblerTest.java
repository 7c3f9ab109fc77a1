package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void fragmentsAreReservedInUtf8BytesAndGivenBack() throws Exception {
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        MemoryBudget.Account account = budget.account("chat", "10.0.0.1");
        TextAssembler assembler = new TextAssembler(1 << 20, account);
        assertNull(assembler.add("héllo", false));
        assertEquals(6, account.held());
        assertEquals("héllo world", assembler.add(" world", true));
        assertEquals(0, budget.used());
        assertEquals("single", assembler.add("single", true));
        assertEquals(0, budget.used());
    }

    @Test
    void aFragmentTheBudgetRefusesDropsTheMessageWith1013() throws Exception {
        MemoryBudget budget = new MemoryBudget(10, 0, 0);
        TextAssembler assembler = new TextAssembler(1 << 20, budget.account("chat", "10.0.0.1"));
        assembler.add("12345678", false);
        MessageTooBigException refused = assertThrows(MessageTooBigException.class,
                () -> assembler.add("12345678", false));
        assertEquals(1013, refused.closeReason().getCloseCode().getCode());
        assertEquals(0, budget.used());
        assertFalse(assembler.inProgress());
    }
}
