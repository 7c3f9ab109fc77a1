package dev.duplex.platform.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.platform.MemoryBudget;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlFramesTest {

    private static final byte[] MASK = {(byte) 0x37, (byte) 0xFA, (byte) 0x21, (byte) 0x3D};

    /** A masked client frame with {@code payload}. */
    private static byte[] frame(int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        out.write(0x80 | payload.length);
        out.writeBytes(MASK);
        for (int i = 0; i < payload.length; i++) {
            out.write(payload[i] ^ MASK[i % 4]);
        }
        return out.toByteArray();
    }

    private static byte[] close(int code, String reason) {
        byte[] text = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return frame(0x8, payload);
    }

    /** The close code of the close frame at the start of {@code bytes}, as the read guard passes it on (unmasked). */
    private static int closeCode(byte[] bytes) {
        return (bytes[2] & 0xFF) << 8 | bytes[3] & 0xFF;
    }

    /** What a read guard with {@code hook} passes on when {@code input} arrives in reads of {@code chunk} bytes. */
    private static byte[] filter(ControlFrames hook, byte[] input, int chunk) {
        MemoryBudget budget = new MemoryBudget(1 << 20, 0, 0);
        ReadGuardFilter filter = new ReadGuardFilter(1 << 16, budget.account("echo", "127.0.0.1"), (refusal, announced) -> {
        });
        filter.controlFrames(hook);
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        for (int start = 0; start < input.length; start += chunk) {
            int length = Math.min(chunk, input.length - start);
            byte[] out = new byte[filter.held() + length];
            int n = filter.filter(input, start, length, out, 0);
            passed.write(out, 0, n);
        }
        return passed.toByteArray();
    }

    @Test
    void registeredCloseCodesBecomeANormalClosureWhateverTheReadsAre() {
        for (int code : new int[] {1012, 1013, 1014}) {
            for (int chunk : new int[] {1, 2, 3, 7, 100}) {
                byte[] passed = filter(new ControlFrames(opcode -> true), close(code, "bye"), chunk);
                assertEquals(1000, closeCode(passed), code + " in reads of " + chunk);
                byte[] expected = ReadGuardFilterTest.unmasked(close(1000, "bye"));
                assertEquals(java.util.Arrays.toString(expected), java.util.Arrays.toString(passed), "only the code changed");
            }
        }
    }

    @Test
    void otherCloseCodesPassUnchanged() {
        for (int code : new int[] {1000, 1001, 1011, 1015, 1016, 2999, 3000, 4012}) {
            byte[] input = close(code, "x");
            assertEquals(java.util.Arrays.toString(ReadGuardFilterTest.unmasked(input)), java.util.Arrays.toString(filter(new ControlFrames(opcode -> true), input, 3)),
                    String.valueOf(code));
        }
    }

    @Test
    void pingsAndPongsAreCountedAndDroppedOnceOverTheRate() {
        List<Integer> asked = new ArrayList<>();
        int[] allowance = {3};
        ControlFrames hook = new ControlFrames(opcode -> {
            asked.add(opcode);
            return allowance[0]-- > 0;
        });
        byte[] ping = frame(0x9, new byte[] {'p'});
        byte[] pong = frame(0xA, new byte[0]);
        byte[] text = frame(0x1, new byte[] {'t'});
        byte[] input = ReadGuardFilterTest.concat(ping, pong, ping, ping, pong, ping, text, close(1000, ""));
        byte[] passed = filter(hook, input, 5);
        assertEquals(List.of(0x9, 0xA, 0x9, 0x9), asked, "asked for each ping and pong until the first refusal, then no more");
        assertEquals(java.util.Arrays.toString(ReadGuardFilterTest.unmasked(ReadGuardFilterTest.concat(ping, pong, ping, text, close(1000, "")))),
                java.util.Arrays.toString(passed), "three within the rate pass, later pings and pongs are dropped; data and close pass");
    }

    @Test
    void theHookSeesEachControlFrameHeader() {
        ControlFrames hook = new ControlFrames(opcode -> true);
        byte[] header = frame(0x9, new byte[0]);
        assertTrue(hook.header(header, header.length));
        ControlFrames refusing = new ControlFrames(opcode -> false);
        assertFalse(refusing.header(header, header.length));
        assertFalse(refusing.header(header, header.length));
    }
}
