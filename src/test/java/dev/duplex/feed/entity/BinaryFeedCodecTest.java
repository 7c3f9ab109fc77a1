package dev.duplex.feed.entity;

import static dev.duplex.feed.entity.JsonFeedCodecTest.fields;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BinaryFeedCodecTest {

    private static final long T = 1796112000124001L;

    private final BinaryFeedEncoder encoder = new BinaryFeedEncoder();
    private final BinaryFeedDecoder decoder = new BinaryFeedDecoder(id -> "topic-" + id);

    @Test
    void readsTheWorkedExampleOfTheProtocolDocumentByteByByte() throws Exception {
        byte[] example = bytes("01", varint(T), "01 00 04 6c 61 73 74", "02 00 01 04 41 43 4d 45",
                "04 00 12 06 00 01", "00 02 9a 9e 01");
        assertEquals(List.of(new FeedMessage.Updates(List.of(new Update(1, "ACME", 18, T + 3, 0, fields("last", 101.25))))),
                new BinaryFeedDecoder().decode(ByteBuffer.wrap(example)));

        // The encoder takes the message's smallest time as its base, so alone the update is +0 (zigzag 0):
        // the same bytes but for that one.
        ByteBuffer encoded = encoder.encode(List.of(new FeedMessage.Updates(List.of(
                new Update(1, "ACME", 18, T + 3, 0, fields("last", 101.25))))));
        assertArrayEquals(bytes("01", varint(T + 3), "01 00 04 6c 61 73 74", "02 00 01 04 41 43 4d 45",
                "04 00 12 00 00 01", "00 02 9a 9e 01"), array(encoded));
    }

    @Test
    void everyMessageKindRoundTripsAndBindingsAreSentOncePerConnection() throws Exception {
        FeedMessage.Snapshot snapshot = new FeedMessage.Snapshot(1, "topic-1", List.of(
                new ItemState("ACME", 17, T, fields("last", 101.23, "bid", 101.2, "ask", 101.26, "name", "Acme \u00e9\ud83d\ude00")),
                new ItemState("BOLT", 1, T - 5_000_000, fields("last", 7, "volume", 1_200_000))));
        FeedMessage.Snapshot empty = new FeedMessage.Snapshot(2, "topic-2", List.of());
        FeedMessage.Updates updates = new FeedMessage.Updates(List.of(
                new Update(1, "ACME", 18, T + 545, 0, fields("last", 101.25)),
                new Update(1, "BOLT", 9, T + 546, 7, fields("volume", 1_200_100, "note", "")),
                new Update(2147483647, "berlin", Long.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE,
                        fields("temp", -3.5, "sky", "snow\n\u2028", "x", 1e300, "z", -0.0))));
        List<FeedMessage> first = List.of(snapshot, empty, updates);
        assertEquals(first, decoder.decode(encoder.encode(first)));

        // Known fields and handles are not bound again: the second message holds VALUE records only.
        FeedMessage.Updates again = new FeedMessage.Updates(List.of(new Update(1, "ACME", 19, T, 0, fields("last", 101.3, "bid", 101.25))));
        ByteBuffer second = encoder.encode(List.of(again));
        assertEquals(BinaryFeedEncoder.VALUE, second.get(1 + varint(T).length() / 3));
        assertEquals(List.of(again), decoder.decode(second));
        assertEquals(0, second.position());

        // Without a topic function, a snapshot's topic is null; an empty list is a message with no records.
        assertEquals(List.of(new FeedMessage.Snapshot(5, null, List.of())),
                new BinaryFeedDecoder().decode(new BinaryFeedEncoder().encode(List.of(new FeedMessage.Snapshot(5, "t", List.of())))));
        assertArrayEquals(new byte[] {1, 0}, array(new BinaryFeedEncoder().encode(List.of())));
    }

    @Test
    void aForgottenSubscriptionsItemsGetNewHandlesNeverReusedOnes() throws Exception {
        Update acme = new Update(1, "ACME", 1, T, 0, fields("last", 1));
        decoder.decode(encoder.encode(List.of(new FeedMessage.Updates(List.of(acme)))));
        encoder.forget(1);
        ByteBuffer afterForget = encoder.encode(List.of(new FeedMessage.Updates(List.of(acme))));
        // ITEM handle 1 for the same subscription id and item: handle 0 is not reused
        assertArrayEquals(bytes("01", varint(T), "02 01 01 04 41 43 4d 45", "04 01 01 00 00 01 00 00 02"), array(afterForget));
        assertEquals(List.of(new FeedMessage.Updates(List.of(acme))), decoder.decode(afterForget));
    }

    @Test
    void numbersAreExactDecimalsWhenShortAndFloat64Otherwise() throws Exception {
        assertNumber(101.25, 2, 10125);
        assertNumber(0.1, 1, 1);
        assertNumber(17, 0, 17);
        assertNumber(-3.5, 1, -35);
        assertNumber(0.0, 0, 0);
        assertNumber(123456789.123456, 6, 123456789123456L);
        assertNumber(1e-15, 15, 1);
        assertNumber(1200000, 0, 1200000);
        assertNumber(9007199254740991.0, 0, 9007199254740991L); // 2^53 - 1
        // -0 is stored and sent as 0 (docs/FEED.md, "Numbers"): it reads back as +0
        FeedMessage.Updates negativeZero = new FeedMessage.Updates(List.of(new Update(1, "A", 1, T, 0, fields("v", -0.0))));
        double zero = ((FieldValue.Num) ((FeedMessage.Updates) new BinaryFeedDecoder()
                .decode(new BinaryFeedEncoder().encode(List.of(negativeZero))).get(0)).updates().get(0).fields().get("v")).value();
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(zero), "-0 reads back as +0");
        assertNumber(1e300, -1, 0);
        assertNumber(1e-16, -1, 0);
        assertNumber(0.1 + 0.2, -1, 0); // 0.30000000000000004: scale 17
        assertNumber(9007199254740992.0, -1, 0); // 2^53: fits a long, but not exactly into every decoder's double
        assertNumber(1e19, -1, 0); // beyond a long
        assertNumber(Long.MAX_VALUE, -1, 0);
        assertNumber(Double.MIN_VALUE, -1, 0);
        assertNumber(-336280.8834190419, 10, -3362808834190419L); // d x 10^10 rounds to the neighbour of the unscaled value

        // Against the rule "BigDecimal.valueOf(d).stripTrailingZeros() with scale 0..15", bounded by 2^53:
        // whenever it finds a decimal the encoder does too (never a longer one), and every choice reads back.
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 20_000; i++) {
            double d = switch (i % 4) {
                case 0 -> Math.round(random.nextDouble(-1e7, 1e7)) / 100.0;
                case 1 -> Math.round(random.nextDouble(-1e9, 1e9)) / Math.pow(10, random.nextInt(16));
                case 2 -> random.nextDouble(-1e6, 1e6);
                default -> Double.longBitsToDouble(random.nextLong());
            };
            if (!Double.isFinite(d)) {
                continue;
            }
            int scale = encoder.scaleOf(d);
            BigDecimal rule = BigDecimal.valueOf(d).stripTrailingZeros();
            BigDecimal ruleInteger = rule.scale() < 0 ? rule.setScale(0) : rule;
            boolean ruleSaysDecimal = d != 0 && rule.scale() <= 15 && ruleInteger.unscaledValue().abs().bitLength() <= 53
                    && ruleInteger.unscaledValue().abs().longValue() < (1L << 53);
            if (ruleSaysDecimal) {
                assertTrue(scale >= 0 && scale <= ruleInteger.scale(), d + " got scale " + scale);
            }
            if (scale >= 0) {
                assertEquals(d, BinaryFeedDecoder.decimal(encoder.unscaled(), scale), "" + d);
            }
            FeedMessage.Updates one = new FeedMessage.Updates(List.of(new Update(1, "A", i, T, 0, fields("v", d))));
            assertEquals(List.of(one), decoder.decode(encoder.encode(List.of(one))), "" + d);
        }
    }

    @Test
    void refusesEveryBrokenMessageWithItsOwnReason() throws Exception {
        String field = "01 00 01 61"; // FIELD 0 "a"
        String item = "02 00 01 01 41"; // ITEM handle 0, subscription 1, "A"
        String value = "04 00 01 00 00 01"; // VALUE handle 0, seq 1, +0, conflated 0, 1 field
        assertRefused("Empty feed.bin message");
        assertRefused("Unsupported feed.bin version 0x02", "02 00");
        assertRefused("Truncated varint (base time)", "01");
        assertRefused("Truncated varint (base time)", "01 80 80");
        assertRefused("Varint (base time) longer than 10 bytes", "01 ff ff ff ff ff ff ff ff ff ff 01");
        assertRefused("Varint (base time) over 64 bits", "01 ff ff ff ff ff ff ff ff ff 7f");
        assertRefused("Truncated varint (field index)", "01 00 01");
        assertRefused("Truncated string (field name)", "01 00 01 00 05 61 62");
        assertRefused("Truncated float64", "01 00", field, item, value, "00 10 40 59 00");
        assertRefused("Truncated field: no type byte", "01 00", field, item, "04 00 01 00 00 02 00 11 00 00");
        assertRefused("Unknown record tag 0x05 at byte 2", "01 00 05");
        assertRefused("Unknown record tag 0x00", "01 00 00");
        assertRefused("Unknown type byte 0x12", "01 00", field, item, value, "00 12 00");
        assertRefused("Unknown field index 7", "01 00", field, item, value, "07 00 00");
        assertRefused("unknown handle 3", "01 00", field, item, "04 03 01 00 00 00");
        assertRefused("rebinds field index 0", "01 00", field, "01 00 01 62");
        assertRefused("rebinds handle 0", "01 00", item, "02 00 02 01 42");
        assertRefused("text value longer than 256 bytes", "01 00", field, item, value, "00 11 81 02", "61".repeat(257));
        assertRefused("field name longer than 64 characters", "01 00 01 00 41", "61".repeat(65));
        assertRefused("item name longer than 64 characters", "01 00 02 00 01 c1 01", "61".repeat(193));
        assertRefused("Empty item name", "01 00 02 00 01 00");
        assertRefused("Bad UTF-8 in field name", "01 00 01 00 02 c3 28");
        assertRefused("Bad UTF-8 in text value", "01 00", field, item, value, "00 11 03 ed a0 80"); // a UTF-8 surrogate
        assertRefused("counts 1 more VALUE record(s) than follow it", "01 00", field, item, "03 01 02", value, "00 00 02", "01 01 01 62");
        assertRefused("counts 3 more VALUE record(s) than follow it", "01 00 03 01 03");
        assertRefused("counts 1 more VALUE record(s)", "01 00", field, item, "03 01 01 03 01 00");
        assertRefused("Subscription id 0 out of range", "01 00 02 00 00 01 41");
        assertRefused("Subscription id 2147483648 out of range", "01 00 02 00 80 80 80 80 08 01 41");
        assertRefused("is about subscription 2", "01 00 02 00 02 01 41 03 01 01 04 00 01 00 00 00");
        assertRefused("is not a finite number", "01 00", field, item, value, "00 10 7f f0 00 00 00 00 00 00");
        assertRefused("Field index 0 repeated", "01 00", field, item, "04 00 01 00 00 02 00 00 02 00 00 04");
        assertRefused("seq beyond 2^63-1", "01 00", item, "04 00 ff ff ff ff ff ff ff ff ff 01 00 00 00");
        assertRefused("Truncated VALUE: 100 fields announced", "01 00", field, item, "04 00 01 00 00 64 00 00");

        // The limits themselves are accepted: 256-byte text, 64-character names in any script.
        String name64 = "\u00e9".repeat(64);
        FeedMessage.Updates atLimits = new FeedMessage.Updates(List.of(new Update(1, name64, 1, T, 0,
                Map.of(name64, FieldValue.of("\u20ac".repeat(85) + "a")))));
        assertDoesNotThrowDecode(atLimits);
    }

    @Test
    void anyBytesDecodeOrAreRefusedNeverAnotherException() {
        BinaryFeedEncoder source = new BinaryFeedEncoder();
        byte[] valid = array(source.encode(List.of(
                new FeedMessage.Snapshot(1, "t", List.of(new ItemState("ACME", 17, T, fields("last", 101.23, "name", "Acme")))),
                new FeedMessage.Updates(List.of(new Update(1, "ACME", 18, T + 3, 2, fields("last", 0.1 + 0.2, "name", "\u00e9")))))));
        SplittableRandom random = new SplittableRandom(5);
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] message = java.util.Arrays.copyOf(valid, valid.length - (i % 7 == 0 ? random.nextInt(valid.length) : 0));
            for (int edits = random.nextInt(4); edits > 0 && message.length > 0; edits--) {
                message[random.nextInt(message.length)] = (byte) random.nextInt(256);
            }
            try {
                new BinaryFeedDecoder().decode(ByteBuffer.wrap(message));
                decoded++;
            } catch (FeedCodecException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
        }
        assertTrue(decoded > 0, "some mutations still decode");
    }

    @Test
    void theEncoderRefusesWhatTheFormatCannotCarryAndKeepsItsBindings() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(new FeedMessage.Unsubscribed(1))));
        FeedMessage.Updates good = new FeedMessage.Updates(List.of(new Update(1, "A", 1, T, 0, fields("last", 1))));
        FeedMessage.Updates longName = new FeedMessage.Updates(List.of(new Update(1, "x".repeat(65), 1, T, 0, fields("other", 1))));
        FeedMessage.Updates longText = new FeedMessage.Updates(List.of(new Update(1, "B", 1, T, 0, fields("t", "\u00e9".repeat(129)))));
        FeedMessage.Updates badId = new FeedMessage.Updates(List.of(new Update(0, "B", 1, T, 0, fields("t", 1))));
        for (FeedMessage.Updates bad : List.of(longName, longText, badId)) {
            assertThrows(IllegalArgumentException.class, () -> encoder.encode(List.of(good, bad)));
        }
        // nothing of the refused messages was bound: the decoder, which never saw them, reads on
        assertEquals(List.of(good), decoder.decode(encoder.encode(List.of(good))));
        FeedMessage.Updates other = new FeedMessage.Updates(List.of(new Update(1, "B", 1, T, 0, fields("other", 2, "t", "x"))));
        assertEquals(List.of(other), decoder.decode(encoder.encode(List.of(other))));
    }

    @Test
    void aBatchOfMarketUpdatesTakesAtMostFortyPercentOfItsJson() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long ts = 1796112000123456L;
        int batches = 20;
        long binaryBytes = 0;
        long jsonBytes = 0;
        long firstBinary = 0;
        long firstJson = 0;
        for (int batch = 0; batch < batches; batch++) {
            List<Update> updates = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                double last = Math.round(random.nextDouble(10, 500) * 100) / 100.0;
                double change = Math.round(random.nextDouble(-5, 5) * 100) / 100.0;
                updates.add(new Update(1, String.format("SYM%03d", i), 1000 + batch, ts, 0, fields(
                        "last", last, "bid", last - 0.01, "ask", last + 0.01, "change", change,
                        "volume", (double) random.nextLong(100_000, 50_000_000),
                        "high", last + Math.round(random.nextDouble(0, 3) * 100) / 100.0,
                        "low", last - Math.round(random.nextDouble(0, 3) * 100) / 100.0)));
                ts += random.nextLong(1, 2000);
            }
            FeedMessage.Updates message = new FeedMessage.Updates(updates);
            ByteBuffer binary = encoder.encode(List.of(message));
            int json = JsonFeedCodec.encode(message).getBytes(StandardCharsets.UTF_8).length;
            assertEquals(List.of(message), decoder.decode(binary));
            if (batch == 0) {
                firstBinary = binary.remaining();
                firstJson = json;
            } else {
                binaryBytes += binary.remaining();
                jsonBytes += json;
            }
        }
        double ratio = (double) binaryBytes / jsonBytes;
        double firstRatio = (double) firstBinary / firstJson;
        System.out.printf("feed.bin/feed.json, 50 updates x 7 fields: %.1f %% (%d/%d bytes per message); "
                + "first message with its bindings %.1f %% (%d/%d)%n", 100 * ratio, binaryBytes / (batches - 1),
                jsonBytes / (batches - 1), 100 * firstRatio, firstBinary, firstJson);
        assertTrue(ratio <= 0.40, "ratio " + ratio);
        assertTrue(firstRatio <= 0.40, "first ratio " + firstRatio);
    }

    private void assertNumber(double d, int scale, long unscaled) throws Exception {
        assertEquals(scale, encoder.scaleOf(d), "scale of " + d);
        if (scale >= 0) {
            assertEquals(unscaled, encoder.unscaled(), "unscaled of " + d);
        }
        FeedMessage.Updates one = new FeedMessage.Updates(List.of(new Update(1, "A", 1, T, 0, fields("v", d))));
        List<FeedMessage> back = new BinaryFeedDecoder().decode(new BinaryFeedEncoder().encode(List.of(one)));
        double read = ((FieldValue.Num) ((FeedMessage.Updates) back.get(0)).updates().get(0).fields().get("v")).value();
        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(read), "" + d);
    }

    private void assertDoesNotThrowDecode(FeedMessage.Updates message) throws Exception {
        assertEquals(List.of(message), new BinaryFeedDecoder().decode(new BinaryFeedEncoder().encode(List.of(message))));
    }

    private static void assertRefused(String reason, String... hex) {
        byte[] message = bytes(hex);
        FeedCodecException e = assertThrows(FeedCodecException.class,
                () -> new BinaryFeedDecoder().decode(ByteBuffer.wrap(message)), String.join(" ", hex));
        assertTrue(e.getMessage().contains(reason), "expected \"" + reason + "\" in: " + e.getMessage());
    }

    static byte[] bytes(String... hex) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String part : hex) {
            out.writeBytes(HexFormat.of().parseHex(part.replace(" ", "")));
        }
        return out.toByteArray();
    }

    static String varint(long v) {
        StringBuilder sb = new StringBuilder();
        while ((v & ~0x7FL) != 0) {
            sb.append(String.format("%02x ", (v & 0x7F) | 0x80));
            v >>>= 7;
        }
        return sb.append(String.format("%02x ", v)).toString();
    }

    private static byte[] array(ByteBuffer buffer) {
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
