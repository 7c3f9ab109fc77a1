package dev.duplex.bench.feed;

import java.util.List;

/** The client commands the bench sends (docs/FEED.md "Commands"), as JSON text. */
final class FeedCommands {

    private FeedCommands() {
    }

    /** {@code subscribe}; an empty item list subscribes to every item of the topic. */
    static String subscribe(int id, String topic, List<String> items) {
        StringBuilder out = new StringBuilder(64 + items.size() * 8);
        out.append("{\"type\":\"subscribe\",\"id\":").append(id).append(",\"topic\":");
        quote(out, topic);
        if (!items.isEmpty()) {
            out.append(",\"items\":[");
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                quote(out, items.get(i));
            }
            out.append(']');
        }
        return out.append('}').toString();
    }

    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
