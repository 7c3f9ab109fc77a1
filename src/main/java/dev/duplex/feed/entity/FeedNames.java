package dev.duplex.feed.entity;

import java.util.regex.Pattern;

/**
 * The rules for the names a publisher gives: topics, items and fields. Names are ASCII, start with
 * a letter or digit, and are short, so that they are safe in a URL path, a log line, a metric and
 * the binary encoding's strings without escaping.
 *
 * <ul>
 * <li>topic: {@value #TOPIC_RULE} (lower case, as it appears in {@code /api/feed/{topic}})</li>
 * <li>item: {@value #ITEM_RULE}</li>
 * <li>field: {@value #FIELD_RULE}</li>
 * </ul>
 */
public final class FeedNames {

    public static final String TOPIC_RULE = "[a-z0-9][a-z0-9._-]{0,63}";
    public static final String ITEM_RULE = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";
    public static final String FIELD_RULE = "[A-Za-z][A-Za-z0-9_]{0,31}";

    private static final Pattern TOPIC = Pattern.compile(TOPIC_RULE);
    private static final Pattern ITEM = Pattern.compile(ITEM_RULE);
    private static final Pattern FIELD = Pattern.compile(FIELD_RULE);

    private FeedNames() {
    }

    /** Whether {@code name} may name a topic. */
    public static boolean isTopic(String name) {
        return matches(TOPIC, name, 64);
    }

    /** Whether {@code name} may name an item. */
    public static boolean isItem(String name) {
        return matches(ITEM, name, 64);
    }

    /** Whether {@code name} may name a field. */
    public static boolean isField(String name) {
        return matches(FIELD, name, 32);
    }

    /** The length check first, so that a long name costs nothing to refuse. */
    private static boolean matches(Pattern pattern, String name, int maxLength) {
        return name != null && !name.isEmpty() && name.length() <= maxLength && pattern.matcher(name).matches();
    }
}
