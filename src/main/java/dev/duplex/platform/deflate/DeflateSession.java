package dev.duplex.platform.deflate;

import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * One connection's permessage-deflate state: what was agreed, the bounded decompressor and the
 * compressor. Engine-neutral; an engine's extension ({@link DeflateEngine}) drives it. The handshake stores it in the session's
 * user properties under {@link #USER_PROPERTY}, so that the session's owner can charge inflated
 * bytes to its memory budget:
 * <pre>{@code
 * DeflateSession deflate = (DeflateSession) session.getUserProperties().get(DeflateSession.USER_PROPERTY);
 * if (deflate != null) deflate.chargeTo(account::tryReserve, account::release);
 * }</pre>
 */
public final class DeflateSession implements AutoCloseable {

    /** The session user property that holds this object (absent when deflate was not negotiated). */
    public static final String USER_PROPERTY = "dev.duplex.deflate.session";

    private final Negotiation negotiation;
    private final Inflation inflation;
    private final Compression compression;

    DeflateSession(Negotiation negotiation, DeflateSettings settings) {
        this.negotiation = negotiation;
        this.inflation = new Inflation(settings.defaultMaxMessageBytes(), settings.maxRatio(), settings.ratioFloorBytes(),
                negotiation.clientNoContextTakeover(), settings.maxInflatedBytesPerSecond(), settings.inflatedBurstBytes(),
                System::nanoTime);
        this.compression = new Compression(negotiation.serverNoContextTakeover());
    }

    public Negotiation negotiation() {
        return negotiation;
    }

    /** Sets the largest inflated message this connection's endpoint accepts. */
    public void limitMessageBytes(long maxMessageBytes) {
        inflation.limitMessageBytes(maxMessageBytes);
    }

    public long maxMessageBytes() {
        return inflation.maxMessageBytes();
    }

    /**
     * Charges both codecs' output to a budget, e.g. a
     * {@code dev.duplex.platform.MemoryBudget.Account}: {@code chargeTo(account::tryReserve, account::release)}.
     * Inflated output is reserved while a message is inflated and assembled (at most the endpoint's
     * limit + 1 byte per message) and released when the whole message is handed on to the engine; a
     * refused reservation closes the connection with 1013 "Server busy: memory budget". Compressed
     * output is reserved while the engine holds it, until {@link #sent}.
     */
    public void chargeTo(LongPredicate reserve, LongConsumer release) {
        inflation.chargeTo(reserve, release);
        compression.chargeTo(reserve, release);
    }

    /** A send on this connection completed: the compressed output made for it is given back to the budget. */
    public void sent() {
        compression.sent();
    }

    /** Budget bytes both codecs hold now (for tests and status). */
    public long held() {
        return inflation.held() + compression.held();
    }

    /** The bounded decompressor, for the engine's extension to drive ({@link DeflateEngine}). */
    public Inflation inflation() {
        return inflation;
    }

    /** The compressor, for the engine's extension to drive ({@link DeflateEngine}). */
    public Compression compression() {
        return compression;
    }

    /** Frees both codecs' native memory and the budget they held. Idempotent. */
    @Override
    public void close() {
        inflation.close();
        compression.close();
    }
}
