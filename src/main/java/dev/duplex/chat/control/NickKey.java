package dev.duplex.chat.control;

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
 * </ul>
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

    /** The key {@code nick} is unique by in its room. */
    public static String of(String nick) {
        String once = FOLD.normalize(SKELETON.getSkeleton(nick));
        return FOLD.normalize(SKELETON.getSkeleton(once));
    }
}
