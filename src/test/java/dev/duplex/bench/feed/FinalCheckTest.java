package dev.duplex.bench.feed;

import static dev.duplex.bench.feed.ItemTrackTest.fields;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FinalCheckTest {

    private static ItemTrack checker(long seq, Object... nameValue) {
        ItemTrack t = new ItemTrack("ACME");
        t.apply(seq, 0, 0, fields(nameValue), true);
        return t;
    }

    @Test
    void aReaderMatchesWhenItHeldTheCheckersValueAtTheCheckersSeq() {
        ItemTrack c = checker(20, "last", 10.0, "bid", 9.9);
        FinalCheck.Target target = new FinalCheck.Target(c.seq(), c.values());
        ItemTrack reader = new ItemTrack("ACME");
        reader.apply(18, 0, 0, fields("last", 9.0, "bid", 9.9), true);
        assertEquals(FinalCheck.Verdict.PENDING, FinalCheck.verdict(reader, target));
        reader.apply(19, 0, 0, fields("last", 9.5), false);
        reader.apply(20, 0, 0, fields("last", 10.0), false);
        reader.apply(21, 0, 0, fields("last", 10.5), false);
        assertEquals(FinalCheck.Verdict.MATCH, FinalCheck.verdict(reader, target), "updates after the target don't matter");
    }

    @Test
    void aDifferentValueIsAMismatchAndAConflatedJumpOverTheSeqIsPassed() {
        ItemTrack c = checker(20, "last", 10.0, "bid", 9.9);
        FinalCheck.Target target = new FinalCheck.Target(c.seq(), c.values());
        ItemTrack wrong = new ItemTrack("ACME");
        wrong.apply(19, 0, 0, fields("last", 9.0, "bid", 9.9), true);
        wrong.apply(20, 0, 0, fields("last", 10.01), false);
        assertEquals(FinalCheck.Verdict.MISMATCH, FinalCheck.verdict(wrong, target));
        ItemTrack missingField = new ItemTrack("ACME");
        missingField.apply(20, 0, 0, fields("last", 10.0), true);
        assertEquals(FinalCheck.Verdict.MISMATCH, FinalCheck.verdict(missingField, target));
        ItemTrack jumped = new ItemTrack("ACME");
        jumped.apply(18, 0, 0, fields("last", 9.0, "bid", 9.9), true);
        jumped.apply(22, 0, 3, fields("last", 11.0), false);
        assertEquals(FinalCheck.Verdict.PASSED, FinalCheck.verdict(jumped, target));
    }

    @Test
    void countsVerdictsAndWhatIsStillPending() {
        FinalCheck check = new FinalCheck(Map.of("ACME", new FinalCheck.Target(1, new Object[0])));
        for (int i = 0; i < 4; i++) {
            check.arm();
        }
        check.record(FinalCheck.Verdict.MATCH);
        check.record(FinalCheck.Verdict.MISMATCH);
        check.record(FinalCheck.Verdict.PASSED);
        assertEquals(4, check.armed());
        assertEquals(1, check.pending());
        assertEquals(1, check.matched());
        assertEquals(1, check.mismatched());
        assertEquals(1, check.passed());
        assertThrows(IllegalArgumentException.class, () -> check.record(FinalCheck.Verdict.PENDING));
    }

    @Test
    void absentFieldsEqualNullOnes() {
        assertEquals(true, FinalCheck.sameValues(new Object[] {1.0}, new Object[] {1.0, null}));
        assertEquals(false, FinalCheck.sameValues(new Object[] {1.0}, new Object[] {1.0, "x"}));
    }
}
