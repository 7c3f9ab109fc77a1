package dev.duplex.platform.deflate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** The bounded decompressor and the compressor, without a server. */
class InflationTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void textAndBinaryRoundTripWithContextTakeoverAcrossMessagesAndFragments() throws Exception {
        Compression sender = new Compression(false);
        Inflation receiver = new Inflation(16 * MIB, 200, MIB, false);
        byte[] text = prose(200_000).getBytes(StandardCharsets.UTF_8);
        byte[] binary = new byte[100_000];
        new Random(7).nextBytes(binary);
        for (int round = 0; round < 3; round++) {
            assertArrayEquals(text, receiver.inflate(sender.compress(text, true), true, true), "text, message " + round);
            assertArrayEquals(binary, receiver.inflate(sender.compress(binary, true), true, true), "binary, message " + round);
        }
        byte[] short1 = prose(20_000).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(short1, receiver.inflate(sender.compress(short1, true), true, true));
        byte[] second = sender.compress(short1, true);
        assertTrue(second.length < short1.length / 20, "context takeover: a repeated message refers back (" + second.length + " bytes)");
        assertArrayEquals(short1, receiver.inflate(second, true, true));

        // one message in three fragments, each compressed and flushed on its own, inflated into one message
        byte[][] parts = {Arrays.copyOfRange(text, 0, 1000), Arrays.copyOfRange(text, 1000, 50_000), Arrays.copyOfRange(text, 50_000, text.length)};
        byte[] whole = null;
        for (int i = 0; i < parts.length; i++) {
            whole = receiver.inflate(sender.compress(parts[i], i == 0, i == 2), i == 0, i == 2);
            if (i < 2) {
                assertEquals(null, whole, "nothing is handed on before the last frame");
            }
        }
        assertArrayEquals(text, whole);
        assertArrayEquals(new byte[0], receiver.inflate(sender.compress(new byte[0], true), true, true), "an empty message");
        sender.close();
        receiver.close();
        assertTrue(sender.ended() && receiver.ended());
    }

    @Test
    void noContextTakeoverResetsBothSidesPerMessage() throws Exception {
        Compression sender = new Compression(true);
        Inflation receiver = new Inflation(MIB, 200, MIB, true);
        byte[] text = prose(20_000).getBytes(StandardCharsets.UTF_8);
        byte[] first = sender.compress(text, true);
        byte[] second = sender.compress(text, true);
        assertArrayEquals(first, second, "without context takeover every message is compressed alike");
        assertArrayEquals(text, receiver.inflate(first, true, true));
        assertArrayEquals(text, receiver.inflate(second, true, true));

        // a client that refers back although it agreed not to: the reset decompressor cannot follow
        Deflater client = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        Inflation strict = new Inflation(MIB, 200, MIB, true);
        strict.inflate(rawDeflate(client, text), true, true);
        DeflateFailure failure = assertThrows(DeflateFailure.class, () -> strict.inflate(rawDeflate(client, text), true, true));
        assertEquals(1007, failure.code());
        assertTrue(strict.ended(), "the Inflater is ended on failure");
        client.end();
    }

    @Test
    void aBombIsRefusedWith1009AfterAtMostTheLimitPlusOneByte() throws Exception {
        byte[] bomb = zeros(64 * MIB); // about 64 KB compressed
        assertTrue(bomb.length < 100_000, "compressed: " + bomb.length);
        AtomicLong reserved = new AtomicLong();
        AtomicLong released = new AtomicLong();
        AtomicLong peak = new AtomicLong();
        Inflation receiver = new Inflation(MIB, 0, 0, false);
        receiver.chargeTo(bytes -> {
            peak.accumulateAndGet(reserved.addAndGet(bytes) - released.get(), Math::max);
            return true;
        }, released::addAndGet);
        DeflateFailure failure = assertThrows(DeflateFailure.class, () -> receiver.inflate(bomb, true, true));
        assertEquals(1009, failure.code());
        assertEquals("Message too big", failure.reason());
        assertTrue(peak.get() <= MIB + 1, "output held at most limit + 1 bytes: " + peak.get());
        assertEquals(reserved.get(), released.get(), "everything reserved is released");
        assertTrue(receiver.ended(), "the Inflater is ended on failure");
        assertThrows(DeflateFailure.class, () -> receiver.inflate(new byte[] {0}, true, true), "a refused connection stays refused");
    }

    @Test
    void theLimitIsSummedOverFramesAndExactlyTheLimitPasses() throws Exception {
        Compression sender = new Compression(false);
        Inflation receiver = new Inflation(100_000, 0, 0, false);
        byte[] exactly = prose(100_000).getBytes(StandardCharsets.US_ASCII);
        assertEquals(100_000, receiver.inflate(sender.compress(exactly, true), true, true).length);
        byte[] half = Arrays.copyOf(exactly, 60_000);
        receiver.inflate(sender.compress(half, false), true, false);
        DeflateFailure failure = assertThrows(DeflateFailure.class, () -> receiver.inflate(sender.compress(half, true), false, true));
        assertEquals(1009, failure.code());
    }

    @Test
    void theRatioBoundRefusesDegenerateDataPastTheFloorButNotText() throws Exception {
        Inflation receiver = new Inflation(16 * MIB, 200, MIB, false);
        AtomicLong reserved = new AtomicLong();
        receiver.chargeTo(bytes -> reserved.addAndGet(bytes) > 0, bytes -> { });
        DeflateFailure failure = assertThrows(DeflateFailure.class, () -> receiver.inflate(zeros(8 * MIB), true, true));
        assertEquals(1009, failure.code());
        assertEquals("Compression ratio too high", failure.reason());
        assertTrue(reserved.get() <= 2L * MIB + Inflation.CHUNK, "stopped near the floor: " + reserved.get());

        Inflation text = new Inflation(16 * MIB, 200, MIB, false);
        byte[] prose = prose(4 * MIB).getBytes(StandardCharsets.US_ASCII);
        Compression sender = new Compression(false);
        assertArrayEquals(prose, text.inflate(sender.compress(prose, true), true, true), "text stays far below 200:1");

        Inflation small = new Inflation(16 * MIB, 200, MIB, false);
        assertEquals(MIB, small.inflate(zeros(MIB), true, true).length, "below the floor the ratio is not checked");
    }

    @Test
    void invalidDeflateDataIsRefusedWith1007() {
        Inflation receiver = new Inflation(MIB, 200, MIB, false);
        // BTYPE 11 (reserved) in the first block header
        DeflateFailure failure = assertThrows(DeflateFailure.class, () -> receiver.inflate(new byte[] {(byte) 0xff, (byte) 0xff, 0x00}, true, true));
        assertEquals(1007, failure.code());
        assertEquals("Invalid compressed data", failure.reason());
        assertTrue(receiver.ended());
    }

    @Test
    void outputIsChargedWhileInflatingAndARefusedBudgetClosesWith1013() throws Exception {
        MemoryBudget budget = new MemoryBudget(200_000, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        AtomicLong peak = new AtomicLong();
        Inflation receiver = new Inflation(16 * MIB, 0, 0, false);
        receiver.chargeTo(bytes -> {
            boolean granted = account.tryReserve(bytes);
            peak.accumulateAndGet(budget.used(), Math::max);
            return granted;
        }, account::release);
        byte[] text = prose(50_000).getBytes(StandardCharsets.US_ASCII);
        Compression sender = new Compression(false);
        assertArrayEquals(text, receiver.inflate(sender.compress(text, true), true, true));
        assertTrue(peak.get() >= 50_000, "the output was charged while it was filled: " + peak.get());
        assertEquals(0, budget.used(), "and released when the message was handed on");
        DeflateFailure failure = assertThrows(DeflateFailure.class,
                () -> receiver.inflate(sender.compress(prose(400_000).getBytes(StandardCharsets.US_ASCII), true), true, true));
        assertEquals(1013, failure.code());
        assertEquals("Server busy: memory budget", failure.reason());
        assertEquals(0, budget.used(), "nothing stays charged after the refusal");
        assertTrue(receiver.ended());
        account.close();
    }

    @Test
    void aFragmentedMessageIsChargedAsItIsAssembledExactlyItsCapacityAndReleasedWhenHandedOn() throws Exception {
        MemoryBudget budget = new MemoryBudget(64L * MIB, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        Inflation receiver = new Inflation(16 * MIB, 200, MIB, false);
        receiver.chargeTo(account::tryReserve, account::release);
        Compression sender = new Compression(false);
        byte[] text = prose(3 * MIB).getBytes(StandardCharsets.US_ASCII);
        int third = text.length / 3;
        assertEquals(null, receiver.inflate(sender.compress(Arrays.copyOfRange(text, 0, third), true, false), true, false));
        long afterFirst = budget.used();
        assertTrue(afterFirst >= third, "the first fragment's bytes are held and charged: " + afterFirst);
        assertEquals(receiver.held(), afterFirst, "the charge is what the assembly holds");
        assertEquals(null, receiver.inflate(sender.compress(Arrays.copyOfRange(text, third, 2 * third), false, false), false, false));
        assertTrue(budget.used() >= 2L * third, "two fragments held: " + budget.used());
        assertTrue(budget.used() <= 2L * third * 2 + 4L * Inflation.CHUNK, "no more than the buffer's capacity: " + budget.used());
        byte[] message = receiver.inflate(sender.compress(Arrays.copyOfRange(text, 2 * third, text.length), false, true), false, true);
        assertArrayEquals(text, message);
        assertEquals(text.length, message.length, "exactly the message, no slack");
        assertEquals(0, budget.used(), "released when handed on");
        assertEquals(0, receiver.held());

        // a session that goes away mid-message gives its assembly back
        receiver.inflate(sender.compress(Arrays.copyOfRange(text, 0, third), true, false), true, false);
        assertTrue(budget.used() > 0);
        receiver.close();
        assertEquals(0, budget.used(), "close releases the half-assembled message");
        account.close();
    }

    @Test
    void compressionChargesItsOutputUntilSentAndKeepsNoReferenceToTheInput() throws Exception {
        MemoryBudget budget = new MemoryBudget(64L * MIB, 0, 0);
        MemoryBudget.Account account = budget.account("echo", "127.0.0.1");
        Compression sender = new Compression(false);
        sender.chargeTo(account::tryReserve, account::release);
        byte[] text = prose(2 * MIB).getBytes(StandardCharsets.US_ASCII);
        byte[] compressed = sender.compress(text, true, true);
        assertEquals(compressed.length, budget.used(), "exactly the compressed output is charged while the engine holds it");
        assertTrue(compressed.length < text.length / 2, "never sized from the input: " + compressed.length);
        sender.sent();
        assertEquals(0, budget.used(), "given back when the send completed");
        Inflation check = new Inflation(16 * MIB, 0, 0, false);
        assertArrayEquals(text, check.inflate(compressed, true, true));

        // a send that never reports through sent() leaves nothing behind once the next frame is compressed
        sender.compress(text, true, true);
        byte[] next = sender.compress(text, true, true);
        assertEquals(next.length, budget.used(), "only the latest frame's output is charged");
        sender.sent();

        // the compressor does not keep the last input (it kept up to 16 MiB per connection)
        byte[] large = prose(MIB).getBytes(StandardCharsets.US_ASCII);
        java.lang.ref.WeakReference<byte[]> input = new java.lang.ref.WeakReference<>(large);
        byte[] out = sender.compress(large, true, true);
        large = null;
        for (int i = 0; i < 20 && input.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(null, input.get(), "the input is not reachable from the compressor after the frame");
        assertTrue(out.length > 0);
        sender.sent();

        // a refused budget sends a whole message uncompressed, and nothing stays charged
        MemoryBudget tiny = new MemoryBudget(1000, 0, 0);
        MemoryBudget.Account small = tiny.account("echo", "127.0.0.1");
        Compression refused = new Compression(true);
        refused.chargeTo(small::tryReserve, small::release);
        assertEquals(null, refused.compress(text, true, true));
        assertEquals(0, tiny.used());
        sender.close();
        refused.close();
        small.close();
        account.close();
    }

    @Test
    void theInflationRateBoundsSmallMessagesBelowTheRatioFloorAndRefillsOverTime() throws Exception {
        AtomicLong now = new AtomicLong();
        // 1 MiB/s, 2 MiB burst; messages of 512 KiB, each far below the 1 MiB ratio floor
        Inflation receiver = new Inflation(16 * MIB, 200, MIB, true, MIB, 2 * MIB, now::get);
        byte[] bomb = zeros(512 * 1024);
        assertTrue(bomb.length < 1024, "about x1000: " + bomb.length);
        for (int i = 0; i < 4; i++) {
            assertEquals(512 * 1024, receiver.inflate(bomb, true, true).length, "within the burst: message " + i);
        }
        now.addAndGet(1_000_000_000L); // one second: 1 MiB more
        assertEquals(512 * 1024, receiver.inflate(bomb, true, true).length);
        assertEquals(512 * 1024, receiver.inflate(bomb, true, true).length);
        DeflateFailure failure = assertThrows(DeflateFailure.class, () -> receiver.inflate(bomb, true, true));
        assertEquals(1008, failure.code());
        assertEquals("Inflation rate too high", failure.reason());
        assertTrue(receiver.ended());

        Inflation unbounded = new Inflation(16 * MIB, 200, MIB, true, 0, 0, now::get);
        for (int i = 0; i < 10; i++) {
            assertEquals(512 * 1024, unbounded.inflate(bomb, true, true).length, "0 switches the rate off");
        }
    }

    @Test
    void closeEndsTheInflaterAndLaterFramesAreRefused() throws Exception {
        Inflation receiver = new Inflation(MIB, 200, MIB, false);
        byte[] text = prose(10_000).getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(text, receiver.inflate(new Compression(false).compress(text, true), true, true));
        receiver.close();
        receiver.close();
        assertTrue(receiver.ended());
        assertThrows(IllegalStateException.class, () -> receiver.inflate(new byte[] {0}, true, true));
    }

    /** Raw DEFLATE of {@code length} zero bytes, flushed and without the trailing 00 00 ff ff. */
    static byte[] zeros(int length) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] compressed = rawDeflate(deflater, new byte[length]);
        deflater.end();
        return compressed;
    }

    static byte[] rawDeflate(Deflater deflater, byte[] data) {
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] step = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(step, 0, step.length, Deflater.SYNC_FLUSH);
            out.write(step, 0, n);
        } while (n == step.length);
        byte[] bytes = out.toByteArray();
        return Arrays.copyOf(bytes, bytes.length - 4);
    }

    /** Text of about {@code length} characters, words drawn at random (compresses about 3:1). */
    static String prose(int length) {
        String[] words = {"the", "socket", "message", "frame", "window", "server", "client", "compressed", "limit", "chat",
            "echo", "room", "quickly", "under", "never", "bounded", "inflate", "ratio", "heap", "canary"};
        Random random = new Random(length);
        StringBuilder text = new StringBuilder(length + 16);
        while (text.length() < length) {
            text.append(words[random.nextInt(words.length)]).append(random.nextInt(7) == 0 ? ". " : " ");
            if (random.nextInt(5) == 0) {
                text.append(random.nextInt(100_000));
            }
        }
        text.setLength(length);
        return text.toString();
    }
}
