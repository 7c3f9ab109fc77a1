package dev.duplex.platform;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/**
 * The shared boards' figures for {@code /api/status}: {@code "draw": {"boards", "members", "bytes",
 * "copies", "connected", "strokes", "forwarded", "relayed", "cluster", "instances"}} (docs/PLAY.md).
 * The draw feature ({@code dev.duplex.draw}) provides the one implementation as a CDI bean; the
 * platform looks it up through {@code Instance<DrawReport>}, as it does {@link FeedReport}.
 */
public interface DrawReport {

    /**
     * The boards' counts now; the last three are totals since start (they only grow).
     *
     * @param boards    boards this instance owns
     * @param copies    copies of boards other instances own, kept here for members connected here
     * @param members   members of the boards this instance owns, wherever they are connected
     * @param bytes     bytes the owned boards hold (strokes and snapshots)
     * @param strokes   strokes begun on the owned boards
     * @param forwarded members' messages sent to the instance that owns their board
     * @param relayed   broadcasts sent to or received from other instances (one per instance, not per member)
     */
    record Totals(long boards, long copies, long members, long bytes, long strokes, long forwarded, long relayed) {
    }

    /** The counts now. */
    Totals totals();

    /** The {@code "draw"} object of {@code /api/status}. */
    JsonObjectBuilder status(JsonBuilderFactory json);
}
