package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReadGuardFilterTest {

    private static final int TEXT = 0x1, BINARY = 0x2, CONTINUATION = 0x0, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** One client frame (masked) with the given payload length; the payload bytes count up. */
    static byte[] frame(boolean fin, boolean rsv1, int opcode, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
        if (length < 126) {
            out.write(0x80 | length);
        } else if (length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write(length >>> 8);
            out.write(length);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) length >>> shift));
            }
        }
        out.writeBytes(new byte[] {1, 2, 3, 4});
        for (int i = 0; i < length; i++) {
            out.write(i * 31 + 7);
        }
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * What the engine gets for a client's frames: each one unmasked, with its mask bit cleared and
     * its key left out. The last frame may be cut short: what there is of it is unmasked.
     */
    static byte[] unmasked(byte[] client) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < client.length) {
            int length = client[at + 1] & 0x7F;
            int extended = length == 126 ? 2 : length == 127 ? 8 : 0;
            int keyAt = at + 2 + extended;
            long payload = length;
            if (extended > 0) {
                payload = 0;
                for (int k = 0; k < extended; k++) {
                    payload = (payload << 8) | (client[at + 2 + k] & 0xFF);
                }
            }
            out.write(client[at]);
            out.write(client[at + 1] & 0x7F);
            out.write(client, at + 2, extended);
            int end = (int) Math.min(client.length, keyAt + 4 + payload);
            for (int k = keyAt + 4; k < end; k++) {
                out.write(client[k] ^ client[keyAt + ((k - keyAt - 4) & 3)]);
            }
            at = end;
        }
        return out.toByteArray();
    }

    /** A frame whose 64-bit length field says {@code length}, with no payload behind it. */
    static byte[] header64(int opcode, long length) {
        byte[] header = new byte[14];
        header[0] = (byte) (0x80 | opcode);
        header[1] = (byte) (0x80 | 127);
        for (int k = 0; k < 8; k++) {
            header[2 + k] = (byte) (length >>> (56 - 8 * k));
        }
        return header;
    }

    /** Everything a filter passes when the input arrives in the given chunk sizes, with reservations checked between chunks. */
    static final class Run {
        final MemoryBudget budget;
        final MemoryBudget.Account account;
        final List<ReadGuardFilter.Refusal> refusals = new ArrayList<>();
        final ReadGuardFilter filter;
        final ByteArrayOutputStream passed = new ByteArrayOutputStream();
        long mostReserved;

        Run(long maxPayload, long budgetBytes) {
            budget = new MemoryBudget(budgetBytes, 0, 0);
            account = budget.account("echo", "127.0.0.1");
            filter = new ReadGuardFilter(maxPayload, account, (refusal, announced) -> refusals.add(refusal));
        }

        Run feed(byte[] input, int... cuts) {
            int start = 0;
            for (int cut : cuts) {
                chunk(input, start, cut - start);
                start = cut;
            }
            chunk(input, start, input.length - start);
            return this;
        }

        /** Filters one read; in place (as the stream does) whenever nothing is held back, else into a fresh array. */
        void chunk(byte[] input, int offset, int length) {
            byte[] out;
            int n;
            if (filter.held() == 0) {
                out = Arrays.copyOfRange(input, offset, offset + length);
                n = filter.filter(out, 0, length, out, 0);
            } else {
                out = new byte[filter.held() + length];
                n = filter.filter(input, offset, length, out, 0);
            }
            assertTrue(n <= out.length);
            passed.write(out, 0, n);
            mostReserved = Math.max(mostReserved, account.held());
            filter.settle();
        }
    }

    private static final byte[] MESSAGES = concat(
            frame(true, false, TEXT, 0),
            frame(true, false, TEXT, 5),
            frame(true, false, BINARY, 125),
            frame(true, false, BINARY, 126),
            frame(false, false, TEXT, 300),
            frame(true, false, PING, 4),
            frame(false, false, CONTINUATION, 0),
            frame(true, false, CONTINUATION, 65535),
            frame(true, true, BINARY, 65536),
            frame(true, false, PONG, 125),
            frame(true, false, CLOSE, 2));

    /** Every place within 20 bytes of a frame boundary (all of each header, and then some), and the ends. */
    private static List<Integer> cutsNearBoundaries() {
        List<Integer> cuts = new ArrayList<>();
        int at = 0;
        while (at < MESSAGES.length) {
            for (int cut = Math.max(0, at - 20); cut <= Math.min(MESSAGES.length, at + 20); cut++) {
                cuts.add(cut);
            }
            int length = frameLength(MESSAGES, at);
            at += length;
        }
        cuts.add(MESSAGES.length);
        return cuts;
    }

    private static int frameLength(byte[] input, int at) {
        int length = input[at + 1] & 0x7F;
        int header = 2 + 4;
        long payload = length;
        if (length == 126) {
            header += 2;
            payload = ((input[at + 2] & 0xFF) << 8) | (input[at + 3] & 0xFF);
        } else if (length == 127) {
            header += 8;
            payload = 0;
            for (int k = 0; k < 8; k++) {
                payload = (payload << 8) | (input[at + 2 + k] & 0xFF);
            }
        }
        return (int) (header + payload);
    }

    @Test
    void validTrafficPassesUnchangedWhereverItIsSplit() {
        for (int cut : cutsNearBoundaries()) {
            Run run = new Run(1 << 20, 1 << 20).feed(MESSAGES, cut);
            assertArrayEquals(unmasked(MESSAGES), run.passed.toByteArray(), "split at " + cut);
            assertEquals(List.of(), run.refusals);
            assertEquals(0, run.budget.used(), "everything handed on is given back, split at " + cut);
        }
    }

    @Test
    void validTrafficPassesUnchangedByteByByteAndInRandomChunks() {
        Run bytes = new Run(1 << 20, 1 << 20);
        for (int i = 0; i < MESSAGES.length; i++) {
            bytes.chunk(MESSAGES, i, 1);
        }
        assertArrayEquals(unmasked(MESSAGES), bytes.passed.toByteArray());
        assertEquals(0, bytes.budget.used());
        assertEquals(65536, bytes.mostReserved, "a frame is charged while it is being passed on, up to all of it");

        Random random = new Random(42);
        for (int round = 0; round < 100; round++) {
            Run run = new Run(1 << 20, 1 << 20);
            int at = 0;
            while (at < MESSAGES.length) {
                int length = Math.min(MESSAGES.length - at, 1 + random.nextInt(round % 2 == 0 ? 20 : 40_000));
                run.chunk(MESSAGES, at, length);
                at += length;
            }
            assertArrayEquals(unmasked(MESSAGES), run.passed.toByteArray(), "round " + round);
            assertEquals(0, run.budget.used());
        }
    }

    @Test
    void everyHeaderSplitAtEveryPairOfPlacesIsHeldBackWhole() {
        byte[] input = concat(frame(true, false, BINARY, 66_000), frame(true, false, TEXT, 200), frame(true, false, PING, 0));
        for (int a = 0; a < 16; a++) {
            for (int b = a; b < 16; b++) {
                Run run = new Run(1 << 20, 1 << 20).feed(input, a, b);
                assertArrayEquals(unmasked(input), run.passed.toByteArray(), "cuts " + a + ", " + b);
            }
        }
    }

    @Test
    void aFrameOverTheLimitIsRefusedFromItsHeaderAndDroppedButControlFramesPass() {
        byte[] big = frame(true, false, BINARY, 2000);
        byte[] close = frame(true, false, CLOSE, 2);
        byte[] input = concat(frame(true, false, TEXT, 10), big, frame(true, false, TEXT, 10), close);
        for (int cut = 0; cut <= input.length; cut++) {
            Run run = new Run(1000, 1 << 20).feed(input, cut);
            assertEquals(List.of(ReadGuardFilter.Refusal.TOO_BIG), run.refusals, "split at " + cut);
            assertArrayEquals(unmasked(concat(frame(true, false, TEXT, 10), close)), run.passed.toByteArray(), "split at " + cut);
            assertEquals(0, run.budget.used());
            assertTrue(run.mostReserved <= 10, "the big frame was never reserved");
        }
    }

    @Test
    void aFrameTheBudgetCannotHoldIsCutWhenItsBytesDoNotFitAndItsChargeGivenBack() {
        byte[] big = frame(false, false, BINARY, 20_000);
        byte[] close = frame(true, false, CLOSE, 2);
        byte[] input = concat(big, frame(true, false, CONTINUATION, 600), close);
        int header = 2 + 2 + 4;
        Run run = new Run(1 << 20, 10_000);
        for (int at = 0; at < input.length; at += 3000) {
            run.chunk(input, at, Math.min(3000, input.length - at));
        }
        assertEquals(List.of(ReadGuardFilter.Refusal.OVER_BUDGET), run.refusals);
        // 8 header bytes + 2 992 + 3 000 + 3 000 payload bytes fit the 10 000; the next 3 000 do not
        byte[] passed = run.passed.toByteArray();
        int passedHeader = header - 4;
        assertEquals(passedHeader + 8992 + close.length - 4, passed.length);
        assertArrayEquals(unmasked(Arrays.copyOf(big, header + 8992)), Arrays.copyOf(passed, passedHeader + 8992),
                "the frame's first part, unmasked");
        assertArrayEquals(unmasked(close), Arrays.copyOfRange(passed, passedHeader + 8992, passed.length), "then only the close frame");
        assertTrue(run.filter.takeCut(), "the engine is told to let go of the first part");
        assertFalse(run.filter.takeCut(), "once");
        assertEquals(0, run.budget.used(), "the cut frame's charge is given back");
        assertEquals(8992, run.mostReserved, "charged what arrived, never the 20 000 announced");
        assertEquals(1, run.budget.refusals());
    }

    @Test
    void theChargeFollowsTheArrivedBytesExactlyAndIsGivenBackWhenTheFrameIsComplete() {
        int size = 500_000;
        byte[] input = frame(true, false, BINARY, size);
        int header = 2 + 8 + 4;
        Run run = new Run(1 << 20, 1 << 20);
        Random random = new Random(7);
        int at = 0;
        int checked = 0;
        while (at < input.length) {
            int length = Math.min(input.length - at, 1 + random.nextInt(40_000));
            run.chunk(input, at, length);
            at += length;
            long arrived = Math.max(0, at - header);
            if (arrived < size) {
                assertEquals(arrived, run.account.held(), "after " + at + " bytes");
                assertEquals(arrived, run.filter.arrived());
                assertEquals(size - arrived, run.filter.payloadToCome());
                checked++;
            }
        }
        assertTrue(checked > 10, "the frame came in many reads: " + checked);
        assertEquals(0, run.account.held(), "given back once the engine took the whole frame");
        assertArrayEquals(unmasked(input), run.passed.toByteArray());
    }

    @Test
    void aHeaderAnnouncing16MiBFollowedByATrickleHoldsOnlyTheTrickle() {
        byte[] header = header64(BINARY, 16L << 20); // masked, with a zero key
        Run run = new Run(32 << 20, 1 << 20);
        run.chunk(header, 0, header.length);
        assertEquals(0, run.account.held(), "nothing charged for what is only announced");
        assertEquals(16L << 20, run.filter.payloadToCome());
        byte[] one = {42};
        for (int i = 1; i <= 3000; i++) {
            run.chunk(one, 0, 1);
            assertEquals(i, run.account.held());
        }
        assertEquals(List.of(), run.refusals, "a 1 MiB budget is far from full with 3 000 bytes in");
        assertEquals(3000 + header.length - 4, run.passed.size(), "the key is not passed on");
        run.filter.release();
        assertEquals(0, run.budget.used(), "the session ended part-way: all is given back");
    }

    @Test
    void coverChargesTheEngineBufferGrownAheadAndArrivalsWithinItCostNothingMore() {
        byte[] input = frame(true, false, BINARY, 100_000);
        Run run = new Run(1 << 20, 1 << 20);
        run.chunk(input, 0, 10_000);
        long arrived = run.filter.arrived();
        assertEquals(10_000 - 14, arrived);
        assertEquals(arrived, run.account.held());
        assertTrue(run.filter.cover(2 * arrived), "the budget has room for a buffer twice as large");
        assertEquals(2 * arrived, run.account.held());
        run.chunk(input, 10_000, 5_000);
        assertEquals(2 * arrived, run.account.held(), "bytes that arrive within the covered buffer add nothing");
        run.chunk(input, 15_000, 10_000);
        assertEquals(run.filter.arrived(), run.account.held(), "past it, the charge follows the arrivals again");
        run.chunk(input, 25_000, input.length - 25_000);
        assertEquals(0, run.account.held());

        Run small = new Run(1 << 20, 15_000);
        small.chunk(input, 0, 10_000);
        assertFalse(small.filter.cover(20_000), "a cover the budget refuses charges nothing");
        assertEquals(small.filter.arrived(), small.account.held());
        assertEquals(List.of(), small.refusals, "and is no refusal of the frame");
    }

    @Test
    void smallFramesAreNeverChargedOrRefusedEvenWhenSplitAcrossReads() {
        Run run = new Run(1 << 20, 500);
        run.account.tryReserve(500);
        byte[] input = concat(frame(true, false, TEXT, 20), frame(true, false, BINARY, ReadGuardFilter.SMALL_FRAME));
        for (int i = 0; i < input.length; i++) {
            run.chunk(input, i, 1);
        }
        assertEquals(List.of(), run.refusals, "a full budget does not refuse a small frame");
        assertArrayEquals(unmasked(input), run.passed.toByteArray());
        assertEquals(500, run.account.held());
    }

    @Test
    void aFrameThatArrivesWholeInOneReadNeedsNoReservation() {
        Run run = new Run(1 << 20, 500);
        run.account.tryReserve(500);
        byte[] input = concat(frame(true, false, TEXT, 20), frame(true, false, BINARY, 600));
        run.feed(input);
        assertEquals(List.of(), run.refusals, "a full budget does not refuse what is already in hand");
        assertArrayEquals(unmasked(input), run.passed.toByteArray());
    }

    @Test
    void aDeflatedFrameMayBeALittleLargerThanTheLimit() {
        Run slightly = new Run(100_000, 1 << 20).feed(frame(true, true, BINARY, 100_100));
        assertEquals(List.of(), slightly.refusals);
        Run far = new Run(100_000, 1 << 20).feed(frame(true, true, BINARY, 120_000));
        assertEquals(List.of(ReadGuardFilter.Refusal.TOO_BIG), far.refusals);
    }

    @Test
    void hugeAndNegativeLengthsAreRefusedAsTooBig() {
        for (long length : new long[] {Long.MAX_VALUE, -1L, 1L << 40}) {
            Run run = new Run(1 << 20, 1 << 20).feed(concat(header64(BINARY, length), new byte[1000]));
            assertEquals(List.of(ReadGuardFilter.Refusal.TOO_BIG), run.refusals, "length " + length);
            assertEquals(0, run.passed.size());
            assertEquals(0, run.budget.used());
        }
    }

    @Test
    void aControlFrameLongerThan125BytesIsAProtocolError() {
        Run run = new Run(1 << 20, 1 << 20).feed(concat(frame(true, false, PING, 126), frame(true, false, TEXT, 3)));
        assertEquals(List.of(ReadGuardFilter.Refusal.PROTOCOL), run.refusals);
        assertEquals(0, run.passed.size());
        assertTrue(run.filter.refused());
    }

    @Test
    void releaseGivesBackAFrameCutOffMidway() {
        byte[] input = frame(true, false, BINARY, 5000);
        Run run = new Run(1 << 20, 1 << 20);
        run.chunk(input, 0, 3000);
        assertEquals(3000 - 8, run.budget.used(), "what arrived of it");
        run.filter.release();
        assertEquals(0, run.budget.used());
        assertFalse(run.filter.refused());
        assertEquals(Arrays.toString(unmasked(Arrays.copyOf(input, 3000))), Arrays.toString(run.passed.toByteArray()));
    }

    @Test
    void aMaskedPayloadIsUnmaskedWhateverItsLengthKeyAndSplit() {
        Random random = new Random(11);
        for (int length : new int[] {0, 1, 3, 7, 8, 9, 15, 16, 17, 125, 126, 1000, 70_001}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            byte[] key = new byte[4];
            random.nextBytes(key);
            byte[] client = masked(BINARY, payload, key);
            byte[] expected = concat(Arrays.copyOf(client, client.length - length - 4), payload);
            expected[1] &= 0x7F;
            for (int round = 0; round < 20; round++) {
                Run run = new Run(1 << 20, 1 << 20);
                int at = 0;
                while (at < client.length) {
                    int chunk = Math.min(client.length - at, 1 + random.nextInt(round % 2 == 0 ? 13 : 9000));
                    run.chunk(client, at, chunk);
                    at += chunk;
                }
                assertArrayEquals(expected, run.passed.toByteArray(), "length " + length + ", round " + round);
            }
        }
    }

    @Test
    void anUnmaskedFrameIsRefusedAsAProtocolErrorAndDropped() {
        for (int opcode : new int[] {TEXT, BINARY, PING, CLOSE}) {
            byte[] naked = frame(true, false, opcode, 5);
            naked[1] &= 0x7F; // the same frame without the mask bit: its "key" is read as payload
            Run run = new Run(1 << 20, 1 << 20).feed(concat(frame(true, false, TEXT, 3), Arrays.copyOf(naked, 2 + 5),
                    frame(true, false, TEXT, 3)));
            assertEquals(List.of(ReadGuardFilter.Refusal.UNMASKED), run.refusals, "opcode " + opcode);
            assertArrayEquals(unmasked(frame(true, false, TEXT, 3)), run.passed.toByteArray(),
                    "the frame before it passes; the unmasked frame and data frames after it do not (opcode " + opcode + ")");
            assertTrue(run.filter.refused());
        }
    }

    /** A client frame with the given payload, masked with {@code key}. */
    private static byte[] masked(int opcode, byte[] payload, byte[] key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            out.write(0x80 | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length);
        } else {
            out.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift));
            }
        }
        out.writeBytes(key);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ key[i & 3]);
        }
        return out.toByteArray();
    }
}
