package dev.duplex.game.boundary;

import dev.duplex.game.control.GameRooms;
import dev.duplex.game.control.GameService;
import dev.duplex.platform.GameReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/** The game's section of {@code /api/status}: rooms, players, bots, spectators, inputs, snapshots, tick lateness. */
@ApplicationScoped
public class GameStatusReport implements GameReport {

    @Inject
    GameService game;

    @Override
    public Totals totals() {
        GameRooms.Figures f = game.rooms().figures();
        return new Totals(f.rooms(), f.players(), f.spectators(), f.relayedOut(), f.inputs(),
                f.fullSnapshots() + f.deltaSnapshots(), f.resumed(), f.caughtUpTicks(), f.skippedTicks(),
                game.rooms().bus().relayBatches(), game.rooms().bus().relayMessages());
    }

    @Override
    public JsonObjectBuilder status(JsonBuilderFactory json) {
        GameRooms.Figures f = game.rooms().figures();
        return json.createObjectBuilder()
                .add("rooms", f.rooms())
                .add("players", f.players())
                .add("bots", f.bots())
                .add("spectators", f.spectators())
                .add("inputs", f.inputs())
                .add("staleInputs", f.staleInputs())
                .add("droppedInputs", f.droppedInputs())
                .add("fullSnapshots", f.fullSnapshots())
                .add("deltaSnapshots", f.deltaSnapshots())
                .add("snapshotBytes", f.snapshotBytes())
                .add("tickHz", game.rooms().settings().tickHz())
                .add("caughtUpTicks", f.caughtUpTicks())
                .add("skippedTicks", f.skippedTicks())
                .add("cluster", json.createObjectBuilder()
                        .add("mode", game.rooms().bus().mode())
                        .add("instances", game.rooms().bus().instances())
                        .add("relayedOut", f.relayedOut())
                        .add("relayedIn", f.relayedIn())
                        .add("resumed", f.resumed())
                        .add("vacancy", game.rooms().vacancy())
                        .add("relayBatches", game.rooms().bus().relayBatches())
                        .add("relayMessages", game.rooms().bus().relayMessages()))
                .add("tickLateness", json.createObjectBuilder()
                        .add("p50Micros", f.lateness().p50Micros())
                        .add("p99Micros", f.lateness().p99Micros())
                        .add("maxMicros", f.lateness().maxMicros()));
    }
}
