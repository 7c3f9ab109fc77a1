package dev.duplex.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command-line options of one subcommand: {@code --name value}, {@code --name=value}, bare flags
 * ({@code --binary}) and positional words. Values are read with typed getters that check their
 * range; {@link #rejectUnknown()} then refuses every option no getter asked for, so a typo never
 * silently runs a different benchmark.
 *
 * <p>Durations: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or a bare number of seconds.
 * Sizes: {@code 32}, {@code 32B}, {@code 4KiB}/{@code 4k}, {@code 1MiB}/{@code 1m}, {@code 1GiB}
 * (binary multiples), {@code 1KB}/{@code 1MB} (decimal).
 */
public final class Options {

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)(b|k|kib|kb|m|mib|mb|g|gib|gb)?");

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> asked = new TreeSet<>();

    private Options() {
    }

    /**
     * Parses arguments; names in {@code flags} take no value.
     *
     * @throws UsageException when an option that needs a value has none
     */
    public static Options parse(List<String> args, Set<String> flags) {
        Options options = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                options.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (flags.contains(name)) {
                value = "true";
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            options.values.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return options;
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }

    public boolean has(String name) {
        asked.add(name);
        return values.containsKey(name);
    }

    public boolean flag(String name) {
        String value = last(name);
        if (value == null) {
            return false;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new UsageException("--" + name + " is a flag (true/false), not '" + value + "'");
        };
    }

    public String string(String name, String fallback) {
        String value = last(name);
        return value == null ? fallback : value;
    }

    public String required(String name) {
        String value = last(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + name + " is required");
        }
        return value;
    }

    /** Every value given for a repeatable option, comma-separated values split. */
    public List<String> list(String name) {
        asked.add(name);
        List<String> all = new ArrayList<>();
        for (String value : values.getOrDefault(name, List.of())) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    all.add(part.trim());
                }
            }
        }
        return all;
    }

    /** The value of an option that may only be one of {@code choices}. */
    public String choice(String name, String fallback, String... choices) {
        String value = string(name, fallback);
        for (String choice : choices) {
            if (choice.equals(value)) {
                return value;
            }
        }
        throw new UsageException("--" + name + " must be one of " + String.join(", ", choices) + ", not '" + value + "'");
    }

    public long integer(String name, long fallback, long min, long max) {
        String value = last(name);
        long parsed;
        if (value == null) {
            parsed = fallback;
        } else {
            try {
                parsed = Long.parseLong(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a whole number, not '" + value + "'");
            }
        }
        return inRange(name, parsed, min, max, String.valueOf(parsed));
    }

    public double decimal(String name, double fallback, double min, double max) {
        String value = last(name);
        double parsed;
        if (value == null) {
            parsed = fallback;
        } else {
            try {
                parsed = Double.parseDouble(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new UsageException("--" + name + " must be a number, not '" + value + "'");
            }
        }
        if (!(parsed >= min && parsed <= max)) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + parsed);
        }
        return parsed;
    }

    public Duration duration(String name, Duration fallback, Duration min, Duration max) {
        String value = last(name);
        Duration parsed = value == null ? fallback : parseDuration(name, value);
        if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
            throw new UsageException("--" + name + " must be between " + Units.duration(min) + " and "
                    + Units.duration(max) + ", not " + Units.duration(parsed));
        }
        return parsed;
    }

    public long bytes(String name, long fallback, long min, long max) {
        String value = last(name);
        long parsed = value == null ? fallback : parseSize(name, value);
        return inRange(name, parsed, min, max, Units.bytes(parsed));
    }

    /** {@code --label key=value} pairs, repeatable, for scripts that tag the JSON result. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : list("label")) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--label needs key=value, not '" + label + "'");
            }
            labels.put(label.substring(0, eq), label.substring(eq + 1));
        }
        return labels;
    }

    /** Fails on every option that no getter asked for. */
    public void rejectUnknown() {
        List<String> unknown = values.keySet().stream().filter(n -> !asked.contains(n)).map(n -> "--" + n).toList();
        if (!unknown.isEmpty()) {
            throw new UsageException("unknown option" + (unknown.size() > 1 ? "s " : " ") + String.join(", ", unknown));
        }
    }

    static Duration parseDuration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--" + name + " must be a duration like 500ms, 10s, 2m, not '" + value + "'");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    static long parseSize(String name, String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException("--" + name + " must be a size like 32, 4KiB, 1MiB, not '" + value + "'");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long multiple = switch (unit) {
            case "b" -> 1L;
            case "k", "kib" -> 1L << 10;
            case "kb" -> 1_000L;
            case "m", "mib" -> 1L << 20;
            case "mb" -> 1_000_000L;
            case "g", "gib" -> 1L << 30;
            default -> 1_000_000_000L;
        };
        return Math.round(amount * multiple);
    }

    private String last(String name) {
        asked.add(name);
        List<String> all = values.get(name);
        return all == null ? null : all.get(all.size() - 1);
    }

    private static long inRange(String name, long value, long min, long max, String shown) {
        if (value < min || value > max) {
            throw new UsageException("--" + name + " must be between " + min + " and " + max + ", not " + shown);
        }
        return value;
    }
}
