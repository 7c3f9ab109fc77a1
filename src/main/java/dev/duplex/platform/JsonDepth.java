package dev.duplex.platform;

/**
 * How deeply a JSON text nests, found by one pass over its characters before any parser builds
 * objects from it. JSON-P readers build nested values recursively, so a client message of a few
 * kilobytes of {@code [[[[...} could otherwise take the reader a thousand stack frames deep (and,
 * past the provider's own limit, fail with a stack-deep exception in the log). Every decoder of
 * client JSON asks {@link #exceeds} first and refuses deeper texts with its ordinary bad-JSON
 * answer.
 *
 * <p>The pass counts {@code [} and <code>{</code> outside strings (escapes inside strings are
 * skipped); it does not validate: a text within the limit goes on to the real parser, which
 * rejects what is not JSON.
 */
public final class JsonDepth {

    /**
     * The deepest nesting any Duplex endpoint accepts in a client's JSON message: 32 levels (the
     * deepest real message, an {@code /image} configure with parameter objects, has 3).
     */
    public static final int MAX_DEPTH = 32;

    private JsonDepth() {
    }

    /** Whether {@code json} opens more than {@code limit} arrays or objects inside each other. */
    public static boolean exceeds(CharSequence json, int limit) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0, n = json.length(); i < n; i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '[' || c == '{') {
                if (++depth > limit) {
                    return true;
                }
            } else if ((c == ']' || c == '}') && depth > 0) {
                depth--;
            }
        }
        return false;
    }

    /** Whether {@code json} nests deeper than {@link #MAX_DEPTH}. */
    public static boolean tooDeep(CharSequence json) {
        return exceeds(json, MAX_DEPTH);
    }
}
