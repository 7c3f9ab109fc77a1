package dev.duplex.feed.entity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FeedNamesTest {

    @Test
    void topicsAreLowerCaseAsciiOfOneTo64Characters() {
        for (String ok : new String[] {"stocks", "weather", "a", "0", "fx.eur-usd_1", "a".repeat(64)}) {
            assertTrue(FeedNames.isTopic(ok), ok);
        }
        for (String bad : new String[] {null, "", "Stocks", ".hidden", "-x", "_x", "a/b", "a b", "a".repeat(65),
                "caf\u00e9", "a%2Fb", "..", "stocks\n"}) {
            assertFalse(FeedNames.isTopic(bad), String.valueOf(bad));
        }
    }

    @Test
    void itemsMayUseUpperCase() {
        for (String ok : new String[] {"ACME", "berlin", "BRK.B", "x-1_2", "9", "A".repeat(64)}) {
            assertTrue(FeedNames.isItem(ok), ok);
        }
        for (String bad : new String[] {null, "", ".A", "A B", "A/B", "A".repeat(65), "\u00c5land", "A\u0000"}) {
            assertFalse(FeedNames.isItem(bad), String.valueOf(bad));
        }
    }

    @Test
    void fieldsStartWithALetterAndHaveNoDotsOrDashes() {
        for (String ok : new String[] {"last", "bid", "changePct", "day_high", "x", "a".repeat(32)}) {
            assertTrue(FeedNames.isField(ok), ok);
        }
        for (String bad : new String[] {null, "", "1st", "_x", "a.b", "a-b", "a b", "a".repeat(33), "\u00e9t\u00e9"}) {
            assertFalse(FeedNames.isField(bad), String.valueOf(bad));
        }
    }
}
