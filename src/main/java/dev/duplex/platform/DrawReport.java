package dev.duplex.platform;

import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/**
 * The shared boards' figures for {@code /api/status}: {@code "draw": {"boards", "members", "bytes"}}.
 * The draw feature ({@code dev.duplex.draw}) provides the one implementation as a CDI bean; the
 * platform looks it up through {@code Instance<DrawReport>}, as it does {@link FeedReport}.
 */
public interface DrawReport {

    /** The {@code "draw"} object of {@code /api/status}. */
    JsonObjectBuilder status(JsonBuilderFactory json);
}
