package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {

    @Test
    void feedRatesAreTheDifferenceOfTheLastTwoSamplesPerSecond() {
        StatusHistory history = new StatusHistory();
        assertEquals(FeedReport.Rates.NONE, history.feedRates());
        history.sample(10_000, List.of(), new FeedReport.Totals(2, 250, 3, 4, 1_000, 5_000, 10));
        assertEquals(FeedReport.Rates.NONE, history.feedRates(), "one sample gives no rate");
        history.sample(11_000, List.of(), new FeedReport.Totals(2, 250, 3, 4, 3_000, 9_000, 10));
        history.sample(11_500, List.of(), new FeedReport.Totals(2, 250, 3, 4, 4_000, 10_000, 60));
        assertEquals(new FeedReport.Rates(2_000, 2_000, 100), history.feedRates());
        assertEquals(4_000, history.samples().get(2).feedUpdatesIn());
    }

    @Test
    void withoutAFeedTheRatesAreZeroAndACountThatWentBackReadsAsZero() {
        StatusHistory history = new StatusHistory();
        history.sample(1_000, List.of());
        history.sample(2_000, List.of());
        assertEquals(new FeedReport.Rates(0, 0, 0), history.feedRates());
        history.sample(3_000, List.of(), new FeedReport.Totals(1, 1, 0, 0, 5, 5, 5));
        history.sample(3_000, List.of(), new FeedReport.Totals(1, 1, 0, 0, 6, 6, 6));
        assertEquals(FeedReport.Rates.NONE, history.feedRates(), "no time between the samples");
        history.sample(4_000, List.of(), new FeedReport.Totals(1, 1, 0, 0, 1, 1, 1));
        assertEquals(new FeedReport.Rates(0, 0, 0), history.feedRates());
    }
}
