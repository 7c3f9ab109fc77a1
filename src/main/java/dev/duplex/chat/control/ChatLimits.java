package dev.duplex.chat.control;

import java.util.regex.Pattern;

/**
 * The chat's limits, from MicroProfile Config {@code duplex.chat.*} (defaults in
 * {@code microprofile-config.properties}).
 *
 * @param maxTextBytes    longest text of one say, in UTF-8 bytes; longer gets {@code text-too-long}
 * @param maxMessageBytes largest WebSocket message the endpoint reads; larger closes with 1009
 * @param historySize     messages per room sent on join and kept for catch-up (1..1000)
 * @param ratePerSecond   messages a session may send per second, sustained (token bucket)
 * @param rateBurst       messages a session may send at once (bucket size)
 * @param maxViolations   refused messages tolerated per minute; one more closes the session with 1008
 * @param maxBacklog      messages waiting to be sent to one session; one more closes it with 1008
 * @param nickPattern     what a nickname must match, whole
 * @param roomPattern     what a room name must match, whole
 */
public record ChatLimits(int maxTextBytes, int maxMessageBytes, int historySize, double ratePerSecond, int rateBurst,
        int maxViolations, int maxBacklog, Pattern nickPattern, Pattern roomPattern) {

    /** Hazelcast reads at most 1000 ring buffer items at once, so history is served in one read. */
    public static final int MAX_HISTORY_SIZE = 1000;

    public ChatLimits {
        positive("duplex.chat.max-text-bytes", maxTextBytes);
        positive("duplex.chat.max-message-bytes", maxMessageBytes);
        positive("duplex.chat.history-size", historySize);
        positive("duplex.chat.rate-burst", rateBurst);
        positive("duplex.chat.max-violations", maxViolations);
        positive("duplex.chat.max-backlog", maxBacklog);
        if (historySize > MAX_HISTORY_SIZE) {
            throw new IllegalArgumentException("duplex.chat.history-size must be at most " + MAX_HISTORY_SIZE + ": " + historySize);
        }
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("duplex.chat.rate-per-second must be positive: " + ratePerSecond);
        }
    }

    /** The defaults of {@code microprofile-config.properties}, for tests and tools. */
    public static ChatLimits defaults() {
        return new ChatLimits(4096, 65536, 100, 5, 10, 10, 256, Pattern.compile("[\\p{L}\\p{N}_.-]{1,24}"),
                Pattern.compile("[A-Za-z0-9_.-]{1,40}"));
    }

    public boolean validNick(String nick) {
        return nickPattern.matcher(nick).matches();
    }

    /**
     * Room names become part of cluster data structure names; whatever the configured pattern, a
     * name holding characters outside letters, digits, {@code _ . -} is refused.
     */
    public boolean validRoom(String room) {
        return roomPattern.matcher(room).matches() && room.chars().allMatch(c -> c < 128
                && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-'));
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive: " + value);
        }
    }
}
