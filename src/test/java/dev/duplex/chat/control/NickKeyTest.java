package dev.duplex.chat.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void genericCombiningMarksDoNotMakeANewName() {
        assertEquals(NickKey.of("ada"), NickKey.of("ada\u0307"), "combining dot above");
        assertEquals(NickKey.of("ada"), NickKey.of("a\u0301da"), "combining acute");
        assertEquals(NickKey.of("Jose"), NickKey.of("José"));
        assertNotEquals(NickKey.of("\u0915\u093F"), NickKey.of("\u0915"), "a script's own vowel sign still counts");
    }

    @Test
    void invisibleAndBlankCharactersAreRefused() {
        for (String nick : new String[] {"\u3164", "ada\u3164", "\u115F", "\uFFA0", "a\u200Bb", "a\u00ADb", "a\u2800",
                "a\u00A0b", "a\u3000b", "a\u2028", "a\uFE0Fb", "\u0301ada", "a\u0301\u0302\u0303\u0304", "", "a\uE000"}) {
            assertFalse(NickKey.visible(nick), () -> "refused: " + nick.codePoints().mapToObj(Integer::toHexString).toList());
        }
    }

    @Test
    void ordinaryNamesInAnyScriptAreVisible() {
        for (String nick : new String[] {"ada", "José", "straße", "李小龍", "\u0928\u093F\u0915\u093F\u0924\u093E", "Nguy\u1EC5n", "o\u0323\u0302",
                "\uD55C\uAE00", "b0b_2.x-y"}) {
            assertTrue(NickKey.visible(nick), nick);
        }
    }
}
