package dev.duplex.draw.boundary;

import dev.duplex.draw.control.DrawBoards;
import dev.duplex.platform.DrawReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/**
 * The boards of this instance on the status page: the boards it owns, their members and bytes, the
 * copies it keeps of other instances' boards, its connected members, the traffic to and from other
 * instances, and the cluster it shares the boards with.
 */
@ApplicationScoped
public class DrawStatusReport implements DrawReport {

    @Inject
    DrawBoards boards;

    @Override
    public Totals totals() {
        return new Totals(boards.boardCount(), boards.copyCount(), boards.memberCount(), boards.bytes(), boards.strokesBegun(),
                boards.forwarded(), boards.relayed());
    }

    @Override
    public JsonObjectBuilder status(JsonBuilderFactory json) {
        return json.createObjectBuilder()
                .add("boards", boards.boardCount())
                .add("members", boards.memberCount())
                .add("bytes", boards.bytes())
                .add("copies", boards.copyCount())
                .add("connected", boards.connectionCount())
                .add("strokes", boards.strokesBegun())
                .add("forwarded", boards.forwarded())
                .add("relayed", boards.relayed())
                .add("cluster", boards.busMode())
                .add("instances", boards.busInstances());
    }
}
