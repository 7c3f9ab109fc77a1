package dev.duplex.platform.deflate;

import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the server answers to one permessage-deflate offer (RFC 7692 section 7.1), and what that
 * agreement means for both directions. Plain Java.
 *
 * <ul>
 * <li>{@code server_no_context_takeover}: accepted and answered; the server's compressor starts
 * afresh for each message.</li>
 * <li>{@code client_no_context_takeover}: accepted and answered; the server's decompressor then
 * starts afresh for each message (a client that still refers back fails with 1007).</li>
 * <li>{@code server_max_window_bits=N} (8..15): accepted and answered with the same N. The JDK's
 * {@link java.util.zip.Deflater} always uses a 32 KiB window, so for N &lt; 15 the server sends its
 * messages uncompressed (RSV1 clear), which RFC 7692 section 6 allows.</li>
 * <li>{@code client_max_window_bits} (no value or 8..15): accepted, not answered (the server's
 * {@link java.util.zip.Inflater} reads any window up to 32 KiB).</li>
 * <li>Anything else (unknown, repeated or malformed parameters) declines this offer; the client may
 * have sent another one.</li>
 * </ul>
 */
public record Negotiation(boolean serverNoContextTakeover, boolean clientNoContextTakeover, int serverMaxWindowBits,
        List<Extension.Parameter> response) {

    static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";
    private static final Pattern WINDOW_BITS = Pattern.compile("8|9|1[0-5]");

    public Negotiation {
        response = List.copyOf(response);
    }

    /** Whether the server compresses what it sends (it can only with the full 32 KiB window). */
    public boolean compressOutgoing() {
        return serverMaxWindowBits == 15;
    }

    /** The agreement for one offer's parameters, or empty when this offer must be declined. */
    public static Optional<Negotiation> of(List<Extension.Parameter> offered) {
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = 15;
        List<Extension.Parameter> answer = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Extension.Parameter parameter : offered == null ? List.<Extension.Parameter>of() : offered) {
            String name = parameter.getName() == null ? "" : parameter.getName().trim().toLowerCase(Locale.ROOT);
            String value = unquote(parameter.getValue());
            if (!seen.add(name)) {
                return Optional.empty();
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (value != null) {
                        return Optional.empty();
                    }
                    serverNoContext = true;
                    answer.add(new Parameter(SERVER_NO_CONTEXT_TAKEOVER, null));
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (value != null) {
                        return Optional.empty();
                    }
                    clientNoContext = true;
                    answer.add(new Parameter(CLIENT_NO_CONTEXT_TAKEOVER, null));
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    if (value == null || !WINDOW_BITS.matcher(value).matches()) {
                        return Optional.empty();
                    }
                    serverBits = Integer.parseInt(value);
                    answer.add(new Parameter(SERVER_MAX_WINDOW_BITS, value));
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    if (value != null && !WINDOW_BITS.matcher(value).matches()) {
                        return Optional.empty();
                    }
                }
                default -> {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(new Negotiation(serverNoContext, clientNoContext, serverBits, answer));
    }

    /** The first acceptable permessage-deflate offer among the client's, as RFC 7692 section 5 says. */
    public static Optional<Negotiation> first(List<Extension> requested) {
        if (requested == null) {
            return Optional.empty();
        }
        for (Extension offer : requested) {
            if (BoundedDeflate.NAME.equals(offer.getName())) {
                Optional<Negotiation> agreed = of(offer.getParameters());
                if (agreed.isPresent()) {
                    return agreed;
                }
            }
        }
        return Optional.empty();
    }

    /** The {@code Sec-WebSocket-Extensions} element the server answers, e.g. {@code permessage-deflate}. */
    public String header() {
        StringBuilder header = new StringBuilder(BoundedDeflate.NAME);
        for (Extension.Parameter parameter : response) {
            header.append("; ").append(parameter.getName());
            if (parameter.getValue() != null) {
                header.append('=').append(parameter.getValue());
            }
        }
        return header.toString();
    }

    private static String unquote(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        if (trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? null : trimmed;
    }

    /** One extension parameter of the answer; a null value is a flag ({@code name} alone). */
    record Parameter(String name, String value) implements Extension.Parameter {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getValue() {
            return value;
        }
    }
}
