package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignmentTest {

    private static List<String> symbols(int n) {
        List<String> s = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            s.add("S" + i);
        }
        return s;
    }

    @Test
    void everySubscriberGetsDistinctItemsAndEveryItemTheSameNumberOfSubscribers() {
        List<String> symbols = symbols(200);
        Map<String, Integer> perItem = new HashMap<>();
        for (int j = 0; j < 5000; j++) {
            List<String> mine = Assignment.itemsOf(j, 20, symbols);
            assertEquals(20, mine.size());
            assertEquals(20, new HashSet<>(mine).size(), "subscriber " + j + " got an item twice");
            mine.forEach(item -> perItem.merge(item, 1, Integer::sum));
        }
        assertEquals(200, perItem.size());
        assertEquals(new HashSet<>(List.of(500)), new HashSet<>(perItem.values()));
    }

    @Test
    void wrapsAroundAndRefusesMoreItemsThanTheTopicHas() {
        assertEquals(List.of("S4", "S0", "S1"), Assignment.itemsOf(3, 3, symbols(5)));
        assertEquals(List.of("S0", "S1", "S2", "S3", "S4"), Assignment.itemsOf(7, 5, symbols(5)));
        assertThrows(IllegalArgumentException.class, () -> Assignment.itemsOf(0, 6, symbols(5)));
    }

    @Test
    void stalledSubscribersAreExactlyTheShareAndEvenlySpaced() {
        int stalled = 0;
        int lastStalled = -1;
        for (int j = 0; j < 5000; j++) {
            if (Assignment.stalled(j, 0.1)) {
                stalled++;
                if (lastStalled >= 0) {
                    assertEquals(10, j - lastStalled);
                }
                lastStalled = j;
            }
        }
        assertEquals(500, stalled);
        int none = 0;
        for (int j = 0; j < 1000; j++) {
            none += Assignment.stalled(j, 0) ? 1 : 0;
        }
        assertEquals(0, none);
        int third = 0;
        for (int j = 0; j < 300; j++) {
            third += Assignment.stalled(j, 1.0 / 3) ? 1 : 0;
        }
        assertEquals(100, third);
    }

    @Test
    void parsesShares() {
        assertEquals(0.1, Assignment.share("10%"), 1e-12);
        assertEquals(0.25, Assignment.share("0.25"), 1e-12);
        assertEquals(0.0, Assignment.share("0"), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Assignment.share("100%"));
        assertThrows(IllegalArgumentException.class, () -> Assignment.share("-1%"));
        assertThrows(IllegalArgumentException.class, () -> Assignment.share("ten"));
    }
}
