package dev.duplex.chat.control;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;

/**
 * What makes two nicknames "the same" in a room: the key a nickname is unique by. Nicknames that
 * look alike on screen get the same key, so the second is {@code nick-taken}:
 * <ul>
 * <li>the confusables skeleton of Unicode Technical Standard #39 (ICU's
 * {@link SpoofChecker#getSkeleton}): characters that look like others map to one prototype, so
 * {@code ada} with a Cyrillic {@code а} is {@code ada}, {@code rn} is {@code m}, capital
 * {@code I} is {@code l} and {@code 0} is {@code O};</li>
 * <li>NFKC case folding (Unicode's {@code NFKC_Casefold}): letter case, compatibility forms and
 * full case folding do not count: {@code ADA}, fullwidth {@code ＡＤＡ} and {@code ada} are one,
 * and so are {@code straße} and {@code STRASSE}.</li>
 * <li>the generic combining diacritics (the Combining Diacritical Marks blocks, U+0300–U+036F,
 * U+1AB0–U+1AFF, U+1DC0–U+1DFF, U+20D0–U+20FF, U+FE20–U+FE2F) do not count: {@code ada} with a
 * combining dot (U+0307) over its last {@code a} is {@code ada}, and so {@code José} is
 * {@code Jose}. Marks of a script's own (Devanagari vowel signs, Arabic harakat) still count.</li>
 * </ul>
 * And some nicknames are refused outright ({@link #visible}): those with a character that shows
 * as nothing or as blank space.
 * The key is skeleton, fold, skeleton, fold: the skeleton first, so that capitals that look like
 * other small letters ({@code I}/{@code l}) are caught before folding makes them small; then again
 * after folding, so that folded capitals meet their small letters' prototypes ({@code M} is
 * {@code m} is {@code rn}); the last fold because some prototypes are capitals.
 * Nicknames are shown as typed; only this key is compared. Every instance of a cluster must
 * compute the same key, so all run the same ICU version (the one in the WAR).
 */
public final class NickKey {

    private static final Normalizer2 FOLD = Normalizer2.getNFKCCasefoldInstance();
    /** Immutable once built; ICU documents {@code getSkeleton} as thread-safe. */
    private static final SpoofChecker SKELETON = new SpoofChecker.Builder().build();

    private NickKey() {
    }

    private static final Normalizer2 NFD = Normalizer2.getNFDInstance();
    /** More combining marks than this on one character: refused (stacked marks draw over other text). */
    static final int MAX_MARKS = 3;

    /** The key {@code nick} is unique by in its room. */
    public static String of(String nick) {
        String once = FOLD.normalize(SKELETON.getSkeleton(nick));
        String twice = FOLD.normalize(SKELETON.getSkeleton(once));
        String decomposed = NFD.normalize(twice);
        StringBuilder kept = new StringBuilder(decomposed.length());
        decomposed.codePoints().filter(c -> !genericDiacritic(c)).forEach(kept::appendCodePoint);
        return kept.length() == decomposed.length() ? twice : FOLD.normalize(kept);
    }

    /**
     * Whether every character of {@code nick} shows as something: refused are default-ignorable
     * code points (they draw nothing: U+3164 HANGUL FILLER, U+115F, U+FFA0, zero-width joiners and
     * spaces, soft hyphens, variation selectors, tags), white space of any kind, format, control,
     * private-use and unassigned characters, U+2800 BRAILLE PATTERN BLANK, a combining mark with
     * nothing before it, and more than {@value #MAX_MARKS} combining marks on one character.
     */
    public static boolean visible(String nick) {
        if (nick == null || nick.isEmpty()) {
            return false;
        }
        String decomposed = NFD.normalize(nick);
        int marks = 0;
        boolean base = false;
        for (int i = 0; i < decomposed.length(); ) {
            int c = decomposed.codePointAt(i);
            i += Character.charCount(c);
            int type = UCharacter.getType(c);
            if (UCharacter.hasBinaryProperty(c, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
                    || UCharacter.hasBinaryProperty(c, UProperty.WHITE_SPACE)
                    || c == 0x2800
                    || type == UCharacter.SPACE_SEPARATOR || type == UCharacter.LINE_SEPARATOR
                    || type == UCharacter.PARAGRAPH_SEPARATOR || type == UCharacter.CONTROL
                    || type == UCharacter.FORMAT || type == UCharacter.PRIVATE_USE
                    || type == UCharacter.UNASSIGNED || type == UCharacter.SURROGATE) {
                return false;
            }
            if (type == UCharacter.NON_SPACING_MARK || type == UCharacter.ENCLOSING_MARK) {
                if (!base || ++marks > MAX_MARKS) {
                    return false;
                }
            } else if (type != UCharacter.COMBINING_SPACING_MARK) {
                base = true;
                marks = 0;
            }
        }
        return true;
    }

    private static boolean genericDiacritic(int c) {
        return c >= 0x0300 && c <= 0x036F || c >= 0x1AB0 && c <= 0x1AFF || c >= 0x1DC0 && c <= 0x1DFF
                || c >= 0x20D0 && c <= 0x20FF || c >= 0xFE20 && c <= 0xFE2F;
    }
}
