package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryAssemblerTest {

    @Test
    void singlePartMessagePassesThroughUncopied() throws Exception {
        ByteBuffer part = ByteBuffer.wrap(new byte[] {1, 2, 3});
        assertSame(part, new BinaryAssembler(3).add(part, true));
    }

    @Test
    void partsAreJoinedInOrder() throws Exception {
        byte[] message = new byte[100_000];
        new Random(7).nextBytes(message);
        BinaryAssembler assembler = new BinaryAssembler(message.length);
        int[] cuts = {0, 1, 10, 9_000, 50_000, 99_999, 100_000};
        ByteBuffer whole = null;
        for (int i = 0; i + 1 < cuts.length; i++) {
            boolean last = i + 2 == cuts.length;
            whole = assembler.add(ByteBuffer.wrap(message, cuts[i], cuts[i + 1] - cuts[i]).slice(), last);
            assertEquals(last, whole != null);
            assertEquals(!last, assembler.inProgress());
        }
        byte[] joined = new byte[whole.remaining()];
        whole.get(joined);
        assertArrayEquals(message, joined);
    }

    @Test
    void messageOverTheLimitIsRefusedAndForgotten() throws Exception {
        BinaryAssembler assembler = new BinaryAssembler(10);
        assertNull(assembler.add(ByteBuffer.allocate(6), false));
        MessageTooBigException tooBig = assertThrows(MessageTooBigException.class, () -> assembler.add(ByteBuffer.allocate(5), true));
        assertEquals(1009, tooBig.closeReason().getCloseCode().getCode());
        assertTrue(tooBig.closeReason().getReasonPhrase().contains("10 bytes"));
        assertFalse(assembler.inProgress());
        assertEquals(10, assembler.add(ByteBuffer.allocate(10), true).remaining());
    }

    @Test
    void singlePartOverTheLimitIsRefused() {
        assertThrows(MessageTooBigException.class, () -> new BinaryAssembler(4).add(ByteBuffer.allocate(5), true));
    }

    @Test
    void fragmentsAreReservedWhileHeldAndGivenBackWhenTheMessageIsWhole() throws Exception {
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "10.0.0.1");
        BinaryAssembler assembler = new BinaryAssembler(1 << 20, account);
        assertNull(assembler.add(ByteBuffer.wrap(new byte[10_000]), false));
        assertTrue(account.held() >= 10_000, "the buffer is reserved: " + account.held());
        assertNull(assembler.add(ByteBuffer.wrap(new byte[30_000]), false));
        assertTrue(account.held() >= 40_000);
        assertEquals(50_000, assembler.add(ByteBuffer.wrap(new byte[10_000]), true).remaining());
        assertEquals(0, budget.used());
        ByteBuffer single = ByteBuffer.wrap(new byte[5]);
        assertSame(single, assembler.add(single, true));
        assertEquals(0, budget.used(), "a single-part message is not reserved");
    }

    @Test
    void aFragmentTheBudgetRefusesDropsTheMessageWith1013() throws Exception {
        MemoryBudget budget = new MemoryBudget(50_000, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "10.0.0.1");
        BinaryAssembler assembler = new BinaryAssembler(1 << 20, account);
        assembler.add(ByteBuffer.wrap(new byte[20_000]), false);
        MessageTooBigException refused = assertThrows(MessageTooBigException.class,
                () -> assembler.add(ByteBuffer.wrap(new byte[30_000]), false));
        assertTrue(refused.isOverBudget());
        assertEquals(1013, refused.closeReason().getCloseCode().getCode());
        assertEquals("Server busy: memory budget", refused.closeReason().getReasonPhrase());
        assertFalse(assembler.inProgress());
        assertEquals(0, budget.used());
    }

    @Test
    void aMessageOverTheLimitGivesBackWhatWasHeld() throws Exception {
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        BinaryAssembler assembler = new BinaryAssembler(30_000, budget.account("echo", "10.0.0.1"));
        assembler.add(ByteBuffer.wrap(new byte[20_000]), false);
        MessageTooBigException tooBig = assertThrows(MessageTooBigException.class,
                () -> assembler.add(ByteBuffer.wrap(new byte[20_000]), true));
        assertEquals(1009, tooBig.closeReason().getCloseCode().getCode());
        assertEquals(0, budget.used());
    }
}
