package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class NickKeyTest {

    @Test
    void lookAlikesShareAKey() {
        String ada = NickKey.of("ada");
        assertEquals(ada, NickKey.of("ADA"), "letter case");
        assertEquals(ada, NickKey.of("\u0430da"), "Cyrillic а");
        assertEquals(ada, NickKey.of("\uFF21\uFF24\uFF21"), "fullwidth ＡＤＡ");
        assertEquals(NickKey.of("straße"), NickKey.of("STRASSE"), "full case folding");
        assertEquals(NickKey.of("rn"), NickKey.of("m"), "rn looks like m");
        assertEquals(NickKey.of("M"), NickKey.of("m"), "and letter case still does not count");
        assertEquals(NickKey.of("RN"), NickKey.of("m"));
        assertEquals(NickKey.of("pauI"), NickKey.of("paul"), "capital I looks like l");
        assertEquals(NickKey.of("b0b"), NickKey.of("bob"), "zero looks like o");
    }

    @Test
    void differentNamesKeepDifferentKeys() {
        assertNotEquals(NickKey.of("ada"), NickKey.of("bob"));
        assertNotEquals(NickKey.of("ada"), NickKey.of("adam"));
        assertNotEquals(NickKey.of("李"), NickKey.of("杏"));
    }
}
