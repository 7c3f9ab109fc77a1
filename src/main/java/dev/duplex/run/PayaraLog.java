package dev.duplex.run;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Payara Micro's console log (the ODL format: {@code [time] [] [LEVEL] [] [logger] [tid: …]
 * [timeMillis: …] [levelValue: …] message}, continuation lines without the brackets) and picks out
 * what a person starting the server needs to see: that it is ready, and what went wrong.
 */
final class PayaraLog {

    /** The first line of one log record. */
    record Entry(String level, String logger, String message) {

        /** Payara Micro's own "… ready in 12,345 (ms)", the line after which the server serves. */
        boolean ready() {
            return "PayaraMicro".equals(logger) && message.contains(" ready in ");
        }

        /**
         * Whether the console shows it: every SEVERE record, the application's own warnings (its
         * configuration and limits), and a pre-boot command Payara refused (a hardening setting
         * that is not in force, e.g. "No configuration found" for an attribute this Payara
         * lacks). Payara's other warnings (among them some 400 lines about expired CA
         * certificates in the JDK's trust store) stay in the log file.
         */
        boolean shown() {
            return "SEVERE".equals(level) || "WARNING".equals(level)
                    && (logger.startsWith("dev.duplex.") || bootCommandFailed());
        }

        /** Payara's "Boot Command set failed …" for a pre-boot command it did not apply. */
        boolean bootCommandFailed() {
            return logger.endsWith(".BootCommand") && message.startsWith("Boot Command") && message.contains(" failed");
        }
    }

    private static final Pattern START = Pattern.compile(
            "^\\[[0-9]{4}-[^\\]]*\\] \\[[^\\]]*\\] \\[([A-Z]+)\\] \\[[^\\]]*\\] \\[([^\\]]*)\\](?: \\[[^\\]]*\\])*? \\[levelValue: [0-9]+\\] ?(.*)$");

    /** Payara colours the level and the logger name when its output is not a pipe (a file, a terminal). */
    private static final Pattern COLOUR = Pattern.compile("\u001B\\[[0-9;]*m");

    private PayaraLog() {
    }

    /** The record that {@code line} starts, or empty for a continuation line (or anything else). */
    static Optional<Entry> parse(String line) {
        Matcher m = START.matcher(COLOUR.matcher(line).replaceAll(""));
        return m.matches() ? Optional.of(new Entry(m.group(1), m.group(2), m.group(3).strip())) : Optional.empty();
    }
}
