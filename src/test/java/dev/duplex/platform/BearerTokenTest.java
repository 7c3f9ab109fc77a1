package dev.duplex.platform;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

    @Test
    void anEmptyTokenLeavesTheStatusOpen() {
        assertFalse(new BearerToken("").required());
        assertFalse(new BearerToken(null).required());
        assertTrue(new BearerToken(" ").permits(null));
    }

    @Test
    void aSetTokenMustBeSentAsBearer() {
        BearerToken token = new BearerToken("s3cret-token");
        assertTrue(token.required());
        assertTrue(token.permits("Bearer s3cret-token"));
        assertTrue(token.permits("bearer  s3cret-token "));
        assertFalse(token.permits(null));
        assertFalse(token.permits(""));
        assertFalse(token.permits("Bearer"));
        assertFalse(token.permits("Bearer s3cret-toke"));
        assertFalse(token.permits("Bearer s3cret-token2"));
        assertFalse(token.permits("Basic czNjcmV0LXRva2Vu"));
        assertFalse(token.permits("s3cret-token"));
    }
}
