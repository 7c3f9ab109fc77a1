package dev.duplex.bench.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.feed.entity.BinaryFeedEncoder;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemState;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.feed.entity.Update;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bench's own readers (it cannot load the WAR's classes) against the server's codec
 * ({@code JsonFeedCodec}, {@code BinaryFeedEncoder}): the same values come out that went in, for
 * prices, odd doubles, negative numbers and texts, over several messages of one connection.
 */
class CodecConformanceTest {

    private static Map<String, FieldValue> randomFields(Random random, boolean all) {
        Map<String, FieldValue> fields = new LinkedHashMap<>();
        String[] names = {"last", "bid", "ask", "change", "volume", "high", "low", "conditions"};
        for (String name : names) {
            if (!all && random.nextInt(3) != 0) {
                continue;
            }
            FieldValue value = switch (random.nextInt(5)) {
                case 0 -> FieldValue.of(Math.round(random.nextDouble() * 1_000_000) / 100.0);
                case 1 -> FieldValue.of(-Math.round(random.nextDouble() * 10_000) / 1000.0);
                case 2 -> FieldValue.of(random.nextDouble() * 1e6);
                case 3 -> FieldValue.of((double) random.nextInt(10_000_000));
                default -> FieldValue.of(random.nextBoolean() ? "light rain" : "snow \"heavy\" ü");
            };
            fields.put(name, value);
        }
        if (fields.isEmpty()) {
            fields.put("last", FieldValue.of(1.5));
        }
        return fields;
    }

    private static Map<String, Object> plain(Map<String, FieldValue> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, v instanceof FieldValue.Num n ? (Object) n.value() : ((FieldValue.Text) v).value()));
        return out;
    }

    @Test
    void bothReadersGiveBackWhatTheServersCodecEncoded() {
        Random random = new Random(7);
        long now = 1_796_112_000_000_000L;
        List<FeedMessage> messages = new ArrayList<>();
        List<RecordingSink.Value> expected = new ArrayList<>();
        List<ItemState> snapshot = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Map<String, FieldValue> fields = randomFields(random, true);
            ItemState state = new ItemState("S" + i, 1 + i, now - i * 1000L, fields);
            snapshot.add(state);
            expected.add(new RecordingSink.Value(3, state.item(), state.seq(), state.publishedMicros(), 0, plain(fields), true));
        }
        messages.add(new FeedMessage.Snapshot(3, "stocks", snapshot));
        for (int m = 0; m < 20; m++) {
            List<Update> updates = new ArrayList<>();
            for (int u = 0; u < 1 + random.nextInt(10); u++) {
                int i = random.nextInt(30);
                Update update = new Update(3, "S" + i, 100 + m * 20 + u, now + m * 777L + u, random.nextInt(3),
                        randomFields(random, false));
                updates.add(update);
                expected.add(new RecordingSink.Value(3, update.item(), update.seq(), update.publishedMicros(),
                        update.conflated(), plain(update.fields()), false));
            }
            messages.add(new FeedMessage.Updates(updates));
        }

        RecordingSink json = new RecordingSink();
        JsonFeedReader jsonReader = new JsonFeedReader();
        BinaryFeedEncoder encoder = new BinaryFeedEncoder();
        RecordingSink binary = new RecordingSink();
        BinaryFeedReader binaryReader = new BinaryFeedReader();
        for (FeedMessage message : messages) {
            jsonReader.read(Unpooled.copiedBuffer(JsonFeedCodec.encode(message), StandardCharsets.UTF_8), json);
            binaryReader.read(Unpooled.wrappedBuffer(encoder.encode(List.of(message))), binary);
        }
        assertEquals(expected, json.values);
        assertEquals(expected, binary.values);
        assertEquals(json.events, binary.events);
        assertEquals("snapshot-end 3", json.events.get(30));
    }
}
