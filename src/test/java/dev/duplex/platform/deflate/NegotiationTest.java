package dev.duplex.platform.deflate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 7692 section 7.1 offers and answers. */
class NegotiationTest {

    @Test
    void chromiumsOfferIsAnsweredWithThePlainExtension() {
        Negotiation agreed = offer("client_max_window_bits", null).orElseThrow();
        assertEquals("permessage-deflate", agreed.header());
        assertTrue(agreed.compressOutgoing());
        assertFalse(agreed.serverNoContextTakeover() || agreed.clientNoContextTakeover());
    }

    @Test
    void contextTakeoverAndWindowParametersAreAnsweredAsAgreed() {
        Negotiation agreed = offer("server_no_context_takeover", null, "client_no_context_takeover", null,
                "server_max_window_bits", "15", "client_max_window_bits", "12").orElseThrow();
        assertEquals("permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=15",
                agreed.header());
        assertTrue(agreed.serverNoContextTakeover() && agreed.clientNoContextTakeover() && agreed.compressOutgoing());

        Negotiation small = offer("server_max_window_bits", "\"10\"").orElseThrow();
        assertEquals("permessage-deflate; server_max_window_bits=10", small.header());
        assertFalse(small.compressOutgoing(), "the JDK's Deflater cannot keep to a 1 KiB window: send uncompressed");
    }

    @Test
    void malformedOffersAreDeclined() {
        assertTrue(offer("unknown_parameter", null).isEmpty());
        assertTrue(offer("server_no_context_takeover", null, "server_no_context_takeover", null).isEmpty(), "repeated");
        assertTrue(offer("server_no_context_takeover", "1").isEmpty(), "a flag with a value");
        assertTrue(offer("server_max_window_bits", null).isEmpty(), "server_max_window_bits needs a value");
        assertTrue(offer("server_max_window_bits", "7").isEmpty());
        assertTrue(offer("server_max_window_bits", "16").isEmpty());
        assertTrue(offer("client_max_window_bits", "08").isEmpty(), "no leading zero");
        assertTrue(offer("client_max_window_bits", "abc").isEmpty());
    }

    @Test
    void theFirstAcceptableOfferWins() {
        List<Extension> offers = List.of(extension("x-webkit-deflate-frame"),
                extension("permessage-deflate", "server_max_window_bits", "4"),
                extension("permessage-deflate", "server_no_context_takeover", null),
                extension("permessage-deflate"));
        assertEquals("permessage-deflate; server_no_context_takeover", Negotiation.first(offers).orElseThrow().header());
        assertTrue(Negotiation.first(List.of(extension("x-webkit-deflate-frame"))).isEmpty());
        assertTrue(Negotiation.first(null).isEmpty());
    }

    @Test
    void theEndpointLimitKeyComesFromThePath() {
        assertEquals("duplex.echo.max-message-bytes", DeflateSettings.keyFor("/echo"));
        assertEquals("duplex.chat.max-message-bytes", DeflateSettings.keyFor("/chat"));
        assertEquals("duplex.image.max-message-bytes", DeflateSettings.keyFor("/image/{id}"));
        assertEquals(null, DeflateSettings.keyFor("/{room}"));
    }

    private static Optional<Negotiation> offer(String... namesAndValues) {
        return Negotiation.of(parameters(namesAndValues));
    }

    private static List<Extension.Parameter> parameters(String... namesAndValues) {
        List<Extension.Parameter> parameters = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            parameters.add(new Negotiation.Parameter(namesAndValues[i], namesAndValues[i + 1]));
        }
        return parameters;
    }

    private static Extension extension(String name, String... namesAndValues) {
        List<Extension.Parameter> parameters = parameters(namesAndValues);
        return new Extension() {
            @Override
            public String getName() {
                return name;
            }

            @Override
            public List<Parameter> getParameters() {
                return parameters;
            }
        };
    }
}
