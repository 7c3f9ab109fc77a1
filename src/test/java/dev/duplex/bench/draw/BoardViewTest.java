package dev.duplex.bench.draw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.draw.entity.DrawCodec;
import dev.duplex.draw.entity.DrawError;
import io.netty.buffer.Unpooled;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a bench member makes of the server's messages, written by the server's own DrawCodec (and the
 * shared vectors): whose samples they are, which sample of that member's sequence, in order or not.
 */
class BoardViewTest {

    private static JsonObject vectors;

    /** Everything the view reported, as text, in order. */
    private final List<String> seen = new ArrayList<>();
    private final StrokePlan plan = new StrokePlan(4);
    private final BoardView view = new BoardView(plan, name -> name.startsWith("m") ? Integer.parseInt(name.substring(1)) : -1,
            new BoardView.Sink() {
                @Override
                public void welcomed(int member) {
                    seen.add("welcomed " + member);
                }

                @Override
                public void sample(int sender, long k) {
                    seen.add("sample " + sender + " " + k);
                }

                @Override
                public void ownSample() {
                    seen.add("own");
                }

                @Override
                public void gap(int sender, long expected, long k) {
                    seen.add("gap " + sender + " " + expected + ".." + k);
                }

                @Override
                public void outOfOrder(int sender, long k) {
                    seen.add("out of order " + sender + " " + k);
                }

                @Override
                public void mismatch(String what) {
                    seen.add("mismatch " + what);
                }

                @Override
                public void snapshotRequested(long request, long upTo) {
                    seen.add("snapshot " + request + " up to " + upTo);
                }

                @Override
                public void serverError(int code, String message) {
                    seen.add("error " + code + " " + message);
                }
            });

    @BeforeAll
    static void readVectors() throws Exception {
        try (InputStream in = BoardViewTest.class.getResourceAsStream("/draw/vectors.json"); JsonReader reader = Json.createReader(in)) {
            vectors = reader.readObject();
        }
    }

    private void read(ByteBuffer message) {
        view.read(Unpooled.wrappedBuffer(message));
    }

    private void readVector(String name) {
        for (JsonValue v : vectors.getJsonArray("server")) {
            if (v.asJsonObject().getString("name").equals(name)) {
                view.read(Unpooled.wrappedBuffer(HexFormat.of().parseHex(v.asJsonObject().getString("hex"))));
                return;
            }
        }
        throw new AssertionError("no server vector " + name);
    }

    /** What bench member {@code member} draws as samples {@code from..to-1} of its stroke {@code stroke}. */
    private static int[] drawn(int member, long stroke, int from, int to) {
        int[] samples = new int[3 * to];
        for (int i = from; i < to; i++) {
            samples[3 * i] = StrokePlan.x(i);
            samples[3 * i + 1] = StrokePlan.y(member, stroke, i);
        }
        return samples;
    }

    private void points(long strokeId, int member, long stroke, int from, int to) {
        read(DrawCodec.points(strokeId, drawn(member, stroke, from, to), from, to));
    }

    @Test
    void readsTheSharedVectorsOfTheMessagesItActsOn() {
        readVector("welcome");
        readVector("snapshotRequest");
        readVector("error");
        readVector("cursor");
        readVector("compacted");
        assertEquals(List.of("welcomed 3", "snapshot 1 up to 9", "error 8 Over 240"), seen);
        assertEquals(3, view.self());
    }

    @Test
    void samplesOfOtherMembersAreNumberedAcrossTheirStrokesAndOwnOnesSetApart() {
        read(DrawCodec.welcome(2));
        read(DrawCodec.member(1, "m5"));
        read(DrawCodec.member(2, "m7"));
        read(DrawCodec.begin(10, 1, StrokePlan.rgb(0), StrokePlan.WIDTH_PX));
        read(DrawCodec.begin(11, 2, StrokePlan.rgb(0), StrokePlan.WIDTH_PX));
        points(10, 5, 0, 0, 1);
        points(11, 7, 0, 0, 2);
        points(10, 5, 0, 1, 4);
        read(DrawCodec.end(10));
        read(DrawCodec.begin(12, 1, StrokePlan.rgb(1), StrokePlan.WIDTH_PX));
        points(12, 5, 1, 0, 2);
        assertEquals(List.of("welcomed 2", "sample 5 0", "own", "own", "sample 5 1", "sample 5 2", "sample 5 3",
                "sample 5 4", "sample 5 5"), seen);
    }

    @Test
    void skippedRepeatedAndAlteredSamplesAreToldApart() {
        read(DrawCodec.welcome(1));
        read(DrawCodec.member(3, "m0"));
        read(DrawCodec.begin(20, 3, StrokePlan.rgb(0), 4));
        points(20, 0, 0, 0, 1);
        points(20, 0, 0, 2, 3);
        points(20, 0, 0, 1, 2);
        // a sample of member 0's stroke 0 at y of another member: not what member 0 drew
        read(DrawCodec.points(20, new int[] {StrokePlan.x(3), StrokePlan.y(1, 0, 3), 0}, 0, 1));
        assertEquals(List.of("welcomed 1", "sample 0 0", "gap 0 1..2", "sample 0 2", "out of order 0 1",
                "mismatch a sample that member 0 did not draw"), seen);
    }

    @Test
    void messagesItCannotPlaceAreMismatchesNotFailures() {
        read(DrawCodec.welcome(1));
        read(DrawCodec.member(4, "somebody"));
        read(DrawCodec.begin(30, 9, 0, 4));
        read(DrawCodec.points(31, drawn(0, 0, 0, 1), 0, 1));
        ByteBuffer cut = DrawCodec.points(30, drawn(0, 0, 0, 2), 0, 2);
        read(cut.limit(cut.limit() - 1));
        read(ByteBuffer.wrap(new byte[] {(byte) 0x90}));
        read(ByteBuffer.allocate(0));
        read(DrawCodec.clear(4));
        read(DrawCodec.error(DrawError.SAMPLE_RATE, "Over 240 samples/s"));
        assertEquals(List.of("welcomed 1", "mismatch a member the bench did not make: somebody",
                "mismatch BEGIN of an unknown member 9", "mismatch POINTS of an unknown stroke",
                "mismatch malformed message 0x85 (15 bytes)", "mismatch unknown message type 0x90", "mismatch empty message",
                "mismatch 0x89: nobody in the bench undoes or clears", "error 8 Over 240 samples/s"), seen);
    }
}
