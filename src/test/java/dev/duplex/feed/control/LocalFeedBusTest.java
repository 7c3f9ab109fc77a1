package dev.duplex.feed.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.feed.entity.FieldValue;
import dev.duplex.feed.entity.ItemChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalFeedBusTest {

    @Test
    void publicationsReachTheStateInOrderAndRolesRunHereUntilClose() {
        ManualTime time = new ManualTime();
        FeedHub hub = new FeedHub(FeedLimits.defaults(), time, time, time);
        LocalFeedBus bus = new LocalFeedBus("solo");
        assertThrows(IllegalStateException.class, () -> bus.publish("t", List.of(new ItemChange("x", Map.of("v", FieldValue.of(1)), 1))));
        bus.start(hub);
        for (int i = 1; i <= 3; i++) {
            bus.publish("t", List.of(new ItemChange("x", Map.of("v", FieldValue.of(i)), i)));
        }
        assertEquals(3, hub.items("t").get(0).seq());
        assertEquals(FieldValue.of(3), hub.items("t").get(0).fields().get("v"));

        List<String> events = new ArrayList<>();
        bus.lead("market", () -> events.add("start"), () -> events.add("stop"));
        assertEquals(List.of("start"), events);
        assertEquals(Optional.of("solo"), bus.leader("market"));
        assertEquals(Optional.empty(), bus.leader("weather"));
        bus.close();
        assertEquals(List.of("start", "stop"), events);
        assertEquals(Optional.empty(), bus.leader("market"));
        assertEquals("local", bus.mode());
        assertEquals(1, bus.instances());
    }
}
