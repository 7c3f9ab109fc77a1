package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RequestTargetTest {

    @Test
    void ordinaryTargetsPass() {
        assertNull(RequestTarget.problem("/echo", null));
        assertNull(RequestTarget.problem("/image", "op=blur&radius=3"));
        assertNull(RequestTarget.problem("/chat", "room=caf%C3%A9&nick=a+b"));
        assertNull(RequestTarget.problem("/echo", ""));
        assertNull(RequestTarget.problem("/a%20b/c", "x=%2F%3F&flag"));
    }

    @Test
    void badEscapesAreMalformed() {
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "%zz"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=%"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=%4"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=%4g"));
        assertEquals("Malformed URI", RequestTarget.problem("/ec%zzho", null));
    }

    @Test
    void escapesThatAreNotUtf8AreMalformed() {
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=%C3%28"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=%FF"));
    }

    @Test
    void illegalCharactersAreMalformed() {
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=<script>"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=b c"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a={}"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo", "a=é"));
        assertEquals("Malformed URI", RequestTarget.problem("/echo|x", null));
        assertEquals("Malformed URI", RequestTarget.problem("echo", null));
    }

    @Test
    void overLongTargetsAreRefused() {
        assertNull(RequestTarget.problem("/echo", "a=" + "x".repeat(RequestTarget.MAX_LENGTH - 8)));
        assertEquals("URI too long", RequestTarget.problem("/echo", "a=" + "x".repeat(RequestTarget.MAX_LENGTH)));
    }

    @Test
    void pathsPayaraCannotParseAreUnparsable() {
        assertEquals("Malformed URI", RequestTarget.unparsable("/%zz"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/a%"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/a%2"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/%FF"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/%C3%28"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/a%00b"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/%2e%2e/WEB-INF/web.xml"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/a/../../b"));
        assertEquals("Malformed URI", RequestTarget.unparsable("/a%5C..%5C..%5Cb"));
    }

    @Test
    void pathsPayaraServesAreParsable() {
        assertNull(RequestTarget.unparsable("/"));
        assertNull(RequestTarget.unparsable("/index.html"));
        assertNull(RequestTarget.unparsable("/a/../index.html"));
        assertNull(RequestTarget.unparsable("/caf%C3%A9"));
        assertNull(RequestTarget.unparsable("/a|b^c"), "characters browsers send unescaped are left to the handshake check");
        assertNull(RequestTarget.unparsable(null));
    }
}
