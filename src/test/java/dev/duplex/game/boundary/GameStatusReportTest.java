package dev.duplex.game.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.game.control.GameBus;
import dev.duplex.game.control.GameRooms;
import dev.duplex.game.control.GameService;
import dev.duplex.game.control.GameSettings;
import dev.duplex.game.control.LocalGameBus;
import dev.duplex.platform.GameReport;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The game's status figures: the relay's batch counts come from the bus, in {@code /api/status} and in the metrics' totals. */
class GameStatusReportTest {

    /** A local bus that says it published 7 relay batches of 20 messages in all. */
    private static GameBus busThatRelayed() {
        GameBus local = new LocalGameBus("a");
        return (GameBus) Proxy.newProxyInstance(GameBus.class.getClassLoader(), new Class<?>[] {GameBus.class}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "relayBatches":
                    return 7L;
                case "relayMessages":
                    return 20L;
                default:
                    try {
                        return method.invoke(local, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        });
    }

    private static GameStatusReport report(GameBus bus) {
        GameRooms rooms = new GameRooms(new GameSettings(30, 8, 16, 100, 40, 15, 60, 300, true, 32, 2000), null, () -> 0L, 1, bus,
                Runnable::run, Runnable::run);
        GameStatusReport report = new GameStatusReport();
        report.game = new GameService() {
            @Override
            public GameRooms rooms() {
                return rooms;
            }
        };
        return report;
    }

    @Test
    void theRelaysBatchesAndMessagesAreInTheStatusAndTheTotals() {
        GameStatusReport report = report(busThatRelayed());
        JsonObject cluster = report.status(Json.createBuilderFactory(Map.of())).build().getJsonObject("cluster");
        assertEquals(7, cluster.getJsonNumber("relayBatches").longValue(), cluster.toString());
        assertEquals(20, cluster.getJsonNumber("relayMessages").longValue(), cluster.toString());
        GameReport.Totals totals = report.totals();
        assertEquals(7, totals.relayBatches());
        assertEquals(20, totals.relayMessages());
    }

    @Test
    void theLocalBusRelaysNothing() {
        JsonObject cluster = report(new LocalGameBus("a")).status(Json.createBuilderFactory(Map.of())).build().getJsonObject("cluster");
        assertEquals("local", cluster.getString("mode"));
        assertEquals(0, cluster.getInt("vacancy"), "the local bus publishes no vacancy");
        assertEquals(0, cluster.getJsonNumber("relayBatches").longValue());
        assertEquals(0, cluster.getJsonNumber("relayMessages").longValue());
    }
}
