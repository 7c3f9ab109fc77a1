package dev.duplex.platform.deflate;

import java.lang.System.Logger.Level;
import java.util.Locale;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The limits of permessage-deflate, from MicroProfile Config (defaults in
 * {@code META-INF/microprofile-config.properties}):
 * <ul>
 * <li>{@code duplex.deflate.max-ratio}: inflated bytes per compressed byte a message may reach once
 * it is past the floor (default 200; 0 switches the bound off);</li>
 * <li>{@code duplex.deflate.ratio-floor-bytes}: inflated size below which the ratio is not
 * checked (default 1 MiB);</li>
 * <li>{@code duplex.deflate.max-inflated-bytes-per-second} and {@code duplex.deflate.inflated-burst-bytes}:
 * how many inflated bytes one connection may produce per second, sustained, and at once (defaults
 * 16 MiB/s and 32 MiB; the burst is at least the rate; 0 switches the bound off). It bounds the CPU
 * a connection spends inflating (and, on {@code /echo}, compressing the echo), for messages of any
 * size and ratio: more closes with 1008 "Inflation rate too high";</li>
 * <li>{@code duplex.deflate.max-message-bytes}: the limit for endpoints without their own
 * {@code duplex.<endpoint>.max-message-bytes} key (default 1 MiB).</li>
 * </ul>
 * The limit of one endpoint is {@code duplex.<first path segment>.max-message-bytes}
 * ({@code /echo} → {@code duplex.echo.max-message-bytes}, {@code /chat} → {@code duplex.chat.max-message-bytes}).
 */
public record DeflateSettings(double maxRatio, long ratioFloorBytes, long defaultMaxMessageBytes,
        long maxInflatedBytesPerSecond, long inflatedBurstBytes) {

    public static final double DEFAULT_MAX_RATIO = 200;
    /** 16 MiB/s: one largest {@code /echo} message a second, sustained, per connection. */
    public static final long DEFAULT_MAX_INFLATED_BYTES_PER_SECOND = 16L * 1024 * 1024;
    /** 32 MiB: two largest {@code /echo} messages at once. */
    public static final long DEFAULT_INFLATED_BURST_BYTES = 32L * 1024 * 1024;
    public static final long DEFAULT_RATIO_FLOOR_BYTES = 1024 * 1024;
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(DeflateSettings.class.getName());

    public DeflateSettings {
        if (maxRatio < 0 || ratioFloorBytes < 0 || defaultMaxMessageBytes < 0 || maxInflatedBytesPerSecond < 0
                || inflatedBurstBytes < 0) {
            throw new IllegalArgumentException("deflate limits must not be negative");
        }
    }

    public static DeflateSettings defaults() {
        return new DeflateSettings(DEFAULT_MAX_RATIO, DEFAULT_RATIO_FLOOR_BYTES, DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_MAX_INFLATED_BYTES_PER_SECOND, DEFAULT_INFLATED_BURST_BYTES);
    }

    /** The configured settings; the defaults when no configuration can be read. */
    static DeflateSettings configured() {
        try {
            Config config = ConfigProvider.getConfig();
            return new DeflateSettings(
                    config.getOptionalValue("duplex.deflate.max-ratio", Double.class).orElse(DEFAULT_MAX_RATIO),
                    config.getOptionalValue("duplex.deflate.ratio-floor-bytes", Long.class).orElse(DEFAULT_RATIO_FLOOR_BYTES),
                    config.getOptionalValue("duplex.deflate.max-message-bytes", Long.class).orElse(DEFAULT_MAX_MESSAGE_BYTES),
                    config.getOptionalValue("duplex.deflate.max-inflated-bytes-per-second", Long.class)
                            .orElse(DEFAULT_MAX_INFLATED_BYTES_PER_SECOND),
                    config.getOptionalValue("duplex.deflate.inflated-burst-bytes", Long.class).orElse(DEFAULT_INFLATED_BURST_BYTES));
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "permessage-deflate limits not readable, using the defaults: {0}", e.toString());
            return defaults();
        }
    }

    /** The configured message limit of the endpoint at {@code path}, or the default one. */
    long maxMessageBytesFor(String path) {
        String key = keyFor(path);
        if (key != null) {
            try {
                return ConfigProvider.getConfig().getOptionalValue(key, Long.class).orElse(defaultMaxMessageBytes);
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "{0} not readable, using {1} bytes: {2}", key, defaultMaxMessageBytes, e.toString());
            }
        }
        return defaultMaxMessageBytes;
    }

    /** {@code duplex.<first path segment>.max-message-bytes}, or null for a path without a plain segment. */
    static String keyFor(String path) {
        if (path == null) {
            return null;
        }
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        int end = trimmed.indexOf('/');
        String segment = (end < 0 ? trimmed : trimmed.substring(0, end)).toLowerCase(Locale.ROOT);
        return segment.matches("[a-z0-9-]+") ? "duplex." + segment + ".max-message-bytes" : null;
    }
}
