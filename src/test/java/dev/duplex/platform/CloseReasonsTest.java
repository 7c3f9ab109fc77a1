package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CloseReasonsTest {

    @Test
    void theEnginesTextBecomesTheFixedTextOfItsCode() {
        assertEquals("Protocol error", CloseReasons.forClient(1002, "Unknown wrappedFrame type: B", null));
        assertEquals("Protocol error", CloseReasons.forClient(1002,
                "Closing wrappedFrame payload, if present, must be a minimum of 2 bytes in length", null));
        assertEquals("Invalid UTF-8", CloseReasons.forClient(1007, "Illegal UTF-8 Sequence.", null));
        assertEquals("Internal error", CloseReasons.forClient(1011, "Buffer overflow.", null));
        assertEquals("Message too big", CloseReasons.forClient(1009, "Message too long; allowed message size is 8", null));
        assertEquals("Protocol error", CloseReasons.forClient(1002, "RSV bit(s) incorrectly set.", "Slow consumer"),
                "a reason Duplex chose earlier does not let another one through");
    }

    @Test
    void aClientsOwnCloseIsAnsweredWithoutItsReason() {
        assertEquals("", CloseReasons.forClient(1000, "bye", null));
        assertEquals("", CloseReasons.forClient(4999, "<script>", null));
        assertEquals("", CloseReasons.forClient(1000, null, null));
    }

    @Test
    void duplexsOwnReasonsStay() {
        assertEquals("Message rate over 500/s", CloseReasons.forClient(1008, "Message rate over 500/s", "Message rate over 500/s"));
        assertEquals("Idle for 6 s", CloseReasons.forClient(1001, "Idle for 6 s", "Idle for 6 s"));
        assertEquals("Invalid compressed data", CloseReasons.forClient(1007, "Invalid compressed data", null));
        assertEquals("RSV1 set on a continuation frame", CloseReasons.forClient(1002, "RSV1 set on a continuation frame", null));
        assertEquals("Compression ratio too high", CloseReasons.forClient(1009, "Compression ratio too high", null));
        assertEquals("Inflation rate too high", CloseReasons.forClient(1008, "Inflation rate too high", null));
        assertEquals("Expected a continuation frame", CloseReasons.forClient(1002, "Expected a continuation frame", null));
    }
}
