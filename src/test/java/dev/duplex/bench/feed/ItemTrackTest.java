package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ItemTrackTest {

    static Fields fields(Object... nameValue) {
        Fields f = new Fields();
        for (int i = 0; i < nameValue.length; i += 2) {
            f.add((String) nameValue[i], nameValue[i + 1]);
        }
        return f;
    }

    static Object value(ItemTrack t, String field) {
        int index = ItemTrack.FieldIndex.of(field);
        return index < t.values().length ? t.values()[index] : null;
    }

    @Test
    void appliesChangedFieldsOnTheSnapshot() {
        ItemTrack t = new ItemTrack("ACME");
        assertEquals(ItemTrack.Outcome.EARLY, t.apply(1, 1, 0, fields("last", 1.0), false));
        assertEquals(ItemTrack.Outcome.SNAPSHOT, t.apply(17, 100, 0, fields("last", 101.23, "bid", 101.2), true));
        assertEquals(ItemTrack.Outcome.APPLIED, t.apply(18, 200, 0, fields("last", 101.25), false));
        assertEquals(18, t.seq());
        assertEquals(200, t.ts());
        assertEquals(101.25, value(t, "last"));
        assertEquals(101.2, value(t, "bid"));
        assertEquals(0, t.lost());
    }

    @Test
    void aSeqJumpMustBeExplainedByTheConflatedCount() {
        ItemTrack t = new ItemTrack("A");
        t.apply(5, 0, 0, fields("x", 1.0), true);
        assertEquals(ItemTrack.Outcome.APPLIED, t.apply(9, 0, 3, fields("x", 2.0), false));
        assertEquals(3, t.conflated());
        assertEquals(0, t.lost());
        assertEquals(ItemTrack.Outcome.GAP, t.apply(12, 0, 0, fields("x", 3.0), false));
        assertEquals(2, t.lost());
        assertEquals(ItemTrack.Outcome.MISCOUNTED, t.apply(13, 0, 5, fields("x", 3.0), false));
        assertEquals(1, t.miscounted());
        assertEquals(12, t.seqBefore());
        assertEquals(ItemTrack.Outcome.STALE, t.apply(13, 0, 0, fields("x", 4.0), false));
        assertEquals(ItemTrack.Outcome.STALE, t.apply(11, 0, 0, fields("x", 4.0), false));
        assertEquals(3.0, value(t, "x"));
        assertEquals(3, t.updates(), "stale updates are not applied");
    }

    @Test
    void remembersTheLastValuesBySeqWithoutLaterChangesLeakingIn() {
        ItemTrack t = new ItemTrack("A");
        t.apply(1, 0, 0, fields("x", 1.0, "y", "a"), true);
        for (int s = 2; s <= ItemTrack.HISTORY + 1; s++) {
            t.apply(s, 0, 0, fields("x", (double) s), false);
        }
        assertNull(t.valuesAt(1), "older than the history");
        assertEquals(3.0, t.valuesAt(3)[ItemTrack.FieldIndex.of("x")]);
        assertEquals("a", t.valuesAt(3)[ItemTrack.FieldIndex.of("y")]);
        assertEquals(2.0, t.valuesAt(2)[ItemTrack.FieldIndex.of("x")], "a later update changed an older value");
    }
}
