package dev.duplex.game.entity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GameCheckpointTest {

    private static GameCheckpoint sample() {
        byte[] token = new byte[GameCodec.TOKEN_BYTES];
        Arrays.fill(token, (byte) 0xA5);
        return new GameCheckpoint(-7L, 123_456L,
                List.of(new GameCheckpoint.Ship(3, false, 10_000, -5, 120, -300, 65_535),
                        new GameCheckpoint.Ship(32_767, true, 0, 1_999_999, 0, 0, 0)),
                List.of(new int[] {1, 2}, new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE}),
                List.of(new GameCheckpoint.Seat(3, "Ådå ✈", token)));
    }

    @Test
    void aCheckpointReadsBackAsItWasWritten() {
        GameCheckpoint written = sample();
        GameCheckpoint read = GameCheckpoint.decode(written.encode());
        assertEquals(written.seed(), read.seed());
        assertEquals(written.tick(), read.tick());
        assertEquals(written.ships(), read.ships());
        assertEquals(written.players(), read.players());
        assertEquals(2, read.orbs().size());
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(written.orbs().get(i), read.orbs().get(i));
        }
    }

    @Test
    void aTruncatedLongerOrOtherVersionCheckpointIsRefusedWithTheReason() {
        byte[] bytes = sample().encode();
        assertEquals("truncated checkpoint",
                assertThrows(IllegalArgumentException.class, () -> GameCheckpoint.decode(Arrays.copyOf(bytes, bytes.length - 1))).getMessage());
        assertEquals("checkpoint with 1 bytes too many",
                assertThrows(IllegalArgumentException.class, () -> GameCheckpoint.decode(Arrays.copyOf(bytes, bytes.length + 1))).getMessage());
        byte[] other = bytes.clone();
        other[0] = 2;
        assertEquals("checkpoint version 2, not 1", assertThrows(IllegalArgumentException.class, () -> GameCheckpoint.decode(other)).getMessage());
    }
}
