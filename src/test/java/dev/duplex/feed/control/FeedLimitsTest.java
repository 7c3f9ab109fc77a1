package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.feed.entity.FeedCommand;
import dev.duplex.feed.entity.JsonFeedCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limits that follow from others (issue 19, item 4). */
class FeedLimitsTest {

    @Test
    void aSubscribeListingTwiceTheItemLimitOfTheLongestNamesFitsTheCommandLimit() {
        int maxItems = 1000;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2 * maxItems; i++) {
            names.add("N".repeat(60) + String.format("%04d", i));
        }
        String subscribe = JsonFeedCodec.encode(new FeedCommand.Subscribe(2147483647, "t".repeat(64), names, 99.5));
        int limit = FeedLimits.commandBytes(0, maxItems);
        assertTrue(subscribe.getBytes(StandardCharsets.UTF_8).length <= limit, subscribe.length() + " > " + limit);
        assertEquals(135_024, FeedLimits.commandBytes(4096, 1000), "the shipped default is the derived value");
        assertEquals(200_000, FeedLimits.commandBytes(200_000, 1000), "a larger configured limit stays");
    }

    @Test
    void aPublicationOfMaxUpdatesOrdinaryUpdatesFitsTheBodyLimit() {
        int maxUpdates = 250;
        StringBuilder body = new StringBuilder("{\"updates\":[");
        for (int i = 0; i < maxUpdates; i++) {
            body.append(i == 0 ? "" : ",").append("{\"item\":\"SYM").append(i)
                    .append("\",\"fields\":{\"last\":101.25,\"bid\":101.2,\"ask\":101.3,\"change\":-0.42,\"volume\":1234567,")
                    .append("\"high\":102.75,\"low\":99.5,\"state\":\"open\"}}");
        }
        body.append("]}");
        int limit = FeedLimits.publishBytes(0, maxUpdates);
        assertTrue(body.toString().getBytes(StandardCharsets.UTF_8).length <= limit, body.length() + " > " + limit);
        assertEquals(65_536, FeedLimits.publishBytes(65_536, 250), "the shipped 64 KiB holds 250 such updates");
    }
}
