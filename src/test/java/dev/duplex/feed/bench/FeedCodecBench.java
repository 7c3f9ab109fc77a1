package dev.duplex.feed.bench;

import dev.duplex.feed.entity.BinaryFeedDecoder;
import dev.duplex.feed.entity.BinaryFeedEncoder;
import dev.duplex.feed.entity.FeedCommand;
import dev.duplex.feed.entity.FeedMessage;
import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.JsonFeedCodec;
import dev.duplex.feed.entity.Update;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The feed codecs on one typical message: 50 market updates of 7 fields (2-decimal prices, an
 * integer volume), as the server encodes it for each delivery (JSON whole or from per-update
 * fragments, binary on a connection whose bindings are made) and as a client decodes it.
 * {@code mvn -Pbench -Dbench.args=FeedCodecBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FeedCodecBench {

    private FeedMessage.Updates updates;
    private List<FeedMessage> messages;
    private BinaryFeedEncoder encoder;
    private String json;
    private ByteBuffer binary;
    private BinaryFeedDecoder decoder;
    private String subscribe;

    /** 50 updates of 7 fields of items SYM000…SYM049 of subscription 1. */
    public static FeedMessage.Updates marketUpdates(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long ts = 1796112000123456L;
        List<Update> list = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            double last = Math.round(random.nextDouble(10, 500) * 100) / 100.0;
            Map<String, FieldValue> fields = new LinkedHashMap<>();
            fields.put("last", FieldValue.of(last));
            fields.put("bid", FieldValue.of(Math.round((last - 0.01) * 100) / 100.0));
            fields.put("ask", FieldValue.of(Math.round((last + 0.01) * 100) / 100.0));
            fields.put("change", FieldValue.of(Math.round(random.nextDouble(-5, 5) * 100) / 100.0));
            fields.put("volume", FieldValue.of((double) random.nextLong(100_000, 50_000_000)));
            fields.put("high", FieldValue.of(Math.round((last + random.nextDouble(0, 3)) * 100) / 100.0));
            fields.put("low", FieldValue.of(Math.round((last - random.nextDouble(0, 3)) * 100) / 100.0));
            list.add(new Update(1, String.format("SYM%03d", i), 1000 + i, ts, 0, fields));
            ts += random.nextLong(1, 2000);
        }
        return new FeedMessage.Updates(list);
    }

    @Setup
    public void prepare() throws Exception {
        updates = marketUpdates(42);
        messages = List.of(updates);
        encoder = new BinaryFeedEncoder();
        decoder = new BinaryFeedDecoder();
        decoder.decode(encoder.encode(messages)); // bindings made, as on a connection in its steady state
        binary = encoder.encode(messages);
        json = JsonFeedCodec.encode(updates);
        subscribe = JsonFeedCodec.encode(new FeedCommand.Subscribe(1, "stocks", List.of("ACME", "BOLT"), 4));
    }

    @Benchmark
    public String jsonEncode() {
        return JsonFeedCodec.encode(updates);
    }

    @Benchmark
    public String jsonFromFragments() {
        List<String> fragments = new ArrayList<>(updates.updates().size());
        for (Update update : updates.updates()) {
            fragments.add(JsonFeedCodec.update(update));
        }
        return JsonFeedCodec.updates(fragments);
    }

    @Benchmark
    public ByteBuffer binaryEncode() {
        return encoder.encode(messages);
    }

    @Benchmark
    public FeedMessage jsonDecode() throws Exception {
        return JsonFeedCodec.decodeMessage(json);
    }

    @Benchmark
    public List<FeedMessage> binaryDecode() throws Exception {
        return decoder.decode(binary);
    }

    @Benchmark
    public FeedCommand commandDecode() throws Exception {
        return JsonFeedCodec.decodeCommand(subscribe);
    }
}
