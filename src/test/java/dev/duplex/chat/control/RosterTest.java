package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RosterTest {

    private final LocalBus bus = new LocalBus(10, n -> { }, () -> 0L);

    @Test
    void nicknamesAreUniquePerRoomWithoutRegardToCase() {
        Holder ada = new Holder("i1", "s1", Holder.hash("token-one"), "Ada");
        assertEquals(Claim.GRANTED, bus.claim("lobby", ada));
        assertEquals(Claim.TAKEN, bus.claim("lobby", new Holder("i2", "s2", Holder.hash("token-two"), "ada")));
        assertEquals(Claim.TAKEN, bus.claim("lobby", new Holder("i2", "s2", Holder.hash("token-two"), "ADA")));
        assertEquals(Claim.GRANTED, bus.claim("kitchen", new Holder("i2", "s2", Holder.hash("token-two"), "ada")));
        assertEquals(Claim.GRANTED, bus.claim("lobby", new Holder("i2", "s3", Holder.hash("token-three"), "bob")));
        assertEquals(List.of("Ada", "bob"), bus.members("lobby"));
    }

    @Test
    void theSameTokenTakesTheNicknameOverAndOnlyItsHolderCanReleaseIt() {
        Holder first = new Holder("i1", "s1", Holder.hash("secret-token-1"), "ada");
        Holder again = new Holder("i2", "s9", Holder.hash("secret-token-1"), "ada");
        bus.claim("lobby", first);
        Claim claim = bus.claim("lobby", again);
        assertTrue(claim.granted());
        assertEquals(first, claim.replaced());
        assertFalse(bus.release("lobby", first), "the replaced session cannot release its successor's nickname");
        assertEquals(List.of("ada"), bus.members("lobby"));
        assertTrue(bus.release("lobby", again));
        assertEquals(List.of(), bus.members("lobby"));
    }

    @Test
    void holdersSurviveTheirStringForm() {
        Holder holder = new Holder("5f0c-uuid", "session-1", Holder.hash("x"), "Zoë.1");
        assertEquals(holder, Holder.decode(holder.encode()));
    }
}
