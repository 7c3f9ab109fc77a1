package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class HistoryTest {

    private static History.Window window(long oldest, long last, Long since, int limit) {
        return History.Window.of(oldest, last, since == null ? OptionalLong.empty() : OptionalLong.of(since), limit);
    }

    @Test
    void aFreshJoinGetsTheLastMessagesUpToTheLimit() {
        assertEquals(new History.Window(1, 0, false), window(1, 0, null, 100), "empty room");
        assertEquals(new History.Window(1, 30, false), window(1, 30, null, 100));
        assertEquals(new History.Window(401, 500, false), window(1, 500, null, 100));
        assertEquals(new History.Window(901, 1000, false), window(977 - 100, 1000, null, 100));
        assertEquals(new History.Window(990, 1000, false), window(990, 1000, null, 100), "only what is kept");
    }

    @Test
    void aRejoinGetsExactlyWhatItMissedOrSaysItIsTruncated() {
        assertEquals(new History.Window(43, 50, false), window(1, 50, 42L, 100));
        assertEquals(0, window(1, 50, 50L, 100).count(), "missed nothing");
        assertEquals(new History.Window(1, 50, false), window(1, 50, 0L, 100), "saw nothing before");
        assertEquals(new History.Window(401, 500, true), window(1, 500, 42L, 100), "missed more than the limit");
        assertEquals(new History.Window(101, 150, false), window(1, 150, 100L, 100), "missed exactly the limit");
        assertEquals(new History.Window(451, 500, true), window(451, 500, 42L, 100), "the log forgot some");
        assertEquals(new History.Window(1, 3, true), window(1, 3, 57L, 100), "the room's history was reset");
    }
}
