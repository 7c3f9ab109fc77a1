package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JsonDepthTest {

    @Test
    void countsNestingOutsideStringsOnly() {
        assertFalse(JsonDepth.exceeds("{\"a\":[1,{\"b\":[]}]}", 4));
        assertTrue(JsonDepth.exceeds("{\"a\":[1,{\"b\":[]}]}", 3));
        assertFalse(JsonDepth.exceeds("{\"a\":\"[[[[[[\\\"[[[[\"}", 1), "brackets and escaped quotes inside strings do not count");
        assertFalse(JsonDepth.exceeds("[[]][[]][[]]", 2), "siblings do not add up");
        assertFalse(JsonDepth.exceeds("]]]]}}}[", 1), "stray closers do not lend depth");
    }

    @Test
    void elevenHundredLevelsExceedTheLimitAndThirtyTwoDoNot() {
        assertTrue(JsonDepth.tooDeep("[".repeat(1100) + "]".repeat(1100)));
        assertTrue(JsonDepth.tooDeep("{\"a\":".repeat(33) + "1" + "}".repeat(33)));
        assertFalse(JsonDepth.tooDeep("{\"a\":".repeat(32) + "1" + "}".repeat(32)));
    }
}
