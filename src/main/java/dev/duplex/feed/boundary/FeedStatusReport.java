package dev.duplex.feed.boundary;

import dev.duplex.feed.control.FeedFigures;
import dev.duplex.feed.control.FeedService;
import dev.duplex.platform.FeedReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;

/**
 * The feed's figures for the platform's status page, history and metrics ({@link FeedReport}),
 * read from {@link FeedService#figures()}.
 */
@ApplicationScoped
public class FeedStatusReport implements FeedReport {

    @Inject
    FeedService feed;

    @Override
    public Totals totals() {
        return totals(feed.figures());
    }

    static Totals totals(FeedFigures figures) {
        long items = 0;
        for (FeedFigures.TopicFigures topic : figures.topics()) {
            items += topic.items();
        }
        return new Totals(figures.topics().size(), items, figures.sessions(), figures.subscriptions(),
                figures.updatesIn(), figures.updatesOut(), figures.conflated());
    }

    @Override
    public JsonObjectBuilder status(JsonBuilderFactory json, Rates rates) {
        return status(json, feed.figures(), rates);
    }

    /**
     * {@code {"mode","instance","instances","sessions","subscriptions","topics":[{"name","items","subscriptions"}],
     * "updatesIn","updatesOut","conflated","updatesInPerSecond","updatesOutPerSecond","conflatedPerSecond",
     * "simulators":[{"name","enabled","runningHere","leader"}]}}
     */
    static JsonObjectBuilder status(JsonBuilderFactory json, FeedFigures figures, Rates rates) {
        JsonArrayBuilder topics = json.createArrayBuilder();
        figures.topics().forEach(t -> topics.add(json.createObjectBuilder()
                .add("name", t.name()).add("items", t.items()).add("subscriptions", t.subscriptions())));
        JsonArrayBuilder simulators = json.createArrayBuilder();
        figures.simulators().forEach(s -> simulators.add(json.createObjectBuilder()
                .add("name", s.name()).add("enabled", s.enabled()).add("runningHere", s.runningHere())
                .add("leader", s.leader() == null ? "" : s.leader())));
        return json.createObjectBuilder()
                .add("mode", figures.mode())
                .add("instance", figures.instance())
                .add("instances", figures.instances())
                .add("sessions", figures.sessions())
                .add("subscriptions", figures.subscriptions())
                .add("topics", topics)
                .add("updatesIn", figures.updatesIn())
                .add("updatesOut", figures.updatesOut())
                .add("conflated", figures.conflated())
                .add("updatesInPerSecond", rounded(rates.updatesIn()))
                .add("updatesOutPerSecond", rounded(rates.updatesOut()))
                .add("conflatedPerSecond", rounded(rates.conflated()))
                .add("simulators", simulators);
    }

    /** One decimal is all a rate shows. */
    private static double rounded(double rate) {
        return Math.round(rate * 10) / 10.0;
    }
}
