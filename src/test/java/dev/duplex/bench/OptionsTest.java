package dev.duplex.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private static Options parse(String... args) {
        return Options.parse(List.of(args), Set.of("binary", "allow-remote"));
    }

    @Test
    void readsValuesFlagsAndPositionalWords() {
        Options o = parse("serve", "--port", "8483", "--binary", "--size=1MiB", "--label", "case=S1", "--label", "round=2");
        assertEquals(List.of("serve"), o.positional());
        assertEquals(8483, o.integer("port", 0, 0, 65535));
        assertTrue(o.flag("binary"));
        assertFalse(o.flag("allow-remote"));
        assertEquals(1 << 20, o.bytes("size", 32, 1, 1L << 30));
        assertEquals(Map.of("case", "S1", "round", "2"), o.labels());
        o.rejectUnknown();
    }

    @Test
    void parsesDurationsAndSizesWithTheirUnits() {
        assertEquals(Duration.ofMillis(500), Options.parseDuration("d", "500ms"));
        assertEquals(Duration.ofSeconds(10), Options.parseDuration("d", "10s"));
        assertEquals(Duration.ofSeconds(10), Options.parseDuration("d", "10"));
        assertEquals(Duration.ofMillis(1500), Options.parseDuration("d", "1.5s"));
        assertEquals(Duration.ofMinutes(2), Options.parseDuration("d", "2m"));
        assertEquals(32, Options.parseSize("s", "32"));
        assertEquals(4096, Options.parseSize("s", "4KiB"));
        assertEquals(4096, Options.parseSize("s", "4k"));
        assertEquals(1_000_000, Options.parseSize("s", "1MB"));
        assertEquals(1 << 20, Options.parseSize("s", "1m"));
    }

    @Test
    void refusesUnknownOptionsMissingValuesAndOutOfRangeNumbers() {
        Options typo = parse("--conections", "64");
        typo.integer("connections", 64, 1, 100);
        UsageException unknown = assertThrows(UsageException.class, typo::rejectUnknown);
        assertTrue(unknown.getMessage().contains("--conections"), unknown.getMessage());

        assertThrows(UsageException.class, () -> parse("--port"));
        assertThrows(UsageException.class, () -> parse("--connections", "0").integer("connections", 1, 1, 10));
        assertThrows(UsageException.class, () -> parse("--connections", "many").integer("connections", 1, 1, 10));
        assertThrows(UsageException.class, () -> parse("--duration", "forever")
                .duration("duration", Duration.ofSeconds(1), Duration.ZERO, Duration.ofHours(1)));
        assertThrows(UsageException.class, () -> parse("--duration", "2h")
                .duration("duration", Duration.ofSeconds(1), Duration.ZERO, Duration.ofHours(1)));
        assertThrows(UsageException.class, () -> parse("--mode", "soak").choice("mode", "storm", "storm", "hold"));
        assertThrows(UsageException.class, () -> parse("--label", "novalue").labels());
    }

    @Test
    void splitsRepeatedAndCommaSeparatedLists() {
        Options o = parse("--url", "ws://127.0.0.1:1/chat,ws://127.0.0.1:2/chat", "--url", "ws://127.0.0.1:3/chat");
        assertEquals(3, o.list("url").size());
    }
}
