package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GridSettingsTest {

    @Test
    void absentOrBlankMembersStartNoMember() {
        assertFalse(GridSettings.parse(Optional.empty(), 5710, 10, "duplex", "127.0.0.1").enabled());
        assertFalse(GridSettings.parse(Optional.of(" , "), 5710, 10, "duplex", "127.0.0.1").enabled());
    }

    @Test
    void membersAreSplitOnCommasAndSpaces() {
        GridSettings settings = GridSettings.parse(Optional.of("127.0.0.1, 10.0.0.2:5711  db-2.example,[::1]:5712 10.0.0.3-7"),
                5710, 10, " duplex ", " 127.0.0.1 ");
        assertTrue(settings.enabled());
        assertEquals(List.of("127.0.0.1", "10.0.0.2:5711", "db-2.example", "[::1]:5712", "10.0.0.3-7"), settings.members());
        assertEquals("duplex", settings.name());
        assertEquals("127.0.0.1", settings.bind());
    }

    @Test
    void malformedMembersAreRefusedWithTheKeyAndTheEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GridSettings.parse(Optional.of("127.0.0.1, http://x"), 5710, 10, "duplex", "127.0.0.1"));
        assertTrue(e.getMessage().contains("duplex.cluster.members") && e.getMessage().contains("http://x"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GridSettings.parse(Optional.of("127.0.0.1:70000"), 5710, 10, "duplex", "127.0.0.1"));
        assertTrue(e.getMessage().contains("70000"), e.getMessage());
    }

    @Test
    void portsNameAndBindAddressAreChecked() {
        Optional<String> one = Optional.of("127.0.0.1");
        assertThrows(IllegalArgumentException.class, () -> GridSettings.parse(one, 0, 10, "duplex", "127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> GridSettings.parse(one, 65530, 10, "duplex", "127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> GridSettings.parse(one, 5710, 0, "duplex", "127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> GridSettings.parse(one, 5710, 10, "", "127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> GridSettings.parse(one, 5710, 10, "du plex", "127.0.0.1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GridSettings.parse(one, 5710, 10, "duplex", "eth0"));
        assertTrue(e.getMessage().contains("duplex.cluster.bind"), e.getMessage());
        assertEquals("10.0.0.*", GridSettings.parse(one, 5710, 10, "duplex", "10.0.0.*").bind());
    }
}
