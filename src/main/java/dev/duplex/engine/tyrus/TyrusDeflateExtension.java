package dev.duplex.engine.tyrus;

import dev.duplex.platform.deflate.BoundedDeflate;
import dev.duplex.platform.deflate.DeflateEngine;
import dev.duplex.platform.deflate.DeflateFailure;
import dev.duplex.platform.deflate.DeflateSession;
import jakarta.websocket.Extension;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.Frame;

/**
 * permessage-deflate on Tyrus' {@link ExtendedExtension} SPI, one instance per connection (made by
 * {@link BoundedDeflate#negotiate} through {@link TyrusDeflate} for one handshake, holding what was agreed there).
 *
 * <p>How Tyrus drives it (tyrus-core 2.1.5, {@code TyrusWebSocketEngine.TyrusReadHandler}): each
 * incoming frame goes through {@link #processIncoming} before {@code ProtocolHandler.process}, which
 * refuses any frame still carrying an RSV bit (1002). Whatever this method throws is only logged and
 * the original frame passed on, so a failure would reach the client as a false "1002 RSV bit(s)
 * incorrectly set." Instead a refused message is turned into a <em>close frame</em> with the
 * failure's code and reason: Tyrus handles it like a close from the client, calls the endpoint's
 * {@code @OnClose} with that reason and answers the client with the same code and reason. Data frames
 * that follow on the refused connection become empty pongs (dropped); control frames pass.
 *
 * <p>A fragmented compressed message is inflated frame by frame into one buffer ({@link dev.duplex.platform.deflate.Inflation}):
 * Tyrus gets an empty pong (which it drops) for each frame but the last, and the whole message as
 * one final frame with the last, so neither Tyrus nor the endpoint's assembler copies its fragments
 * again. Uncompressed messages pass as they are.
 * {@link #destroy} ends both codecs when Tyrus closes the connection.
 */
final class TyrusDeflateExtension implements ExtendedExtension {

    private static final byte CONTINUATION = 0x0;
    private static final byte CLOSE = 0x8;
    private static final byte PONG = 0xA;
    private static final System.Logger LOG = System.getLogger(TyrusDeflateExtension.class.getName());

    private final DeflateSession session;
    private boolean receivingCompressed;
    private byte opcode;
    private boolean assembling;
    private boolean sendingCompressed;
    private volatile boolean refused;

    private TyrusDeflateExtension(DeflateSession session) {
        this.session = session;
    }

    static Extension of(DeflateSession session) {
        return new TyrusDeflateExtension(session);
    }

    /** One incoming final frame through {@code extension}'s {@link #processIncoming}, built with Tyrus' own frame builder. */
    static DeflateEngine.Frame incoming(Extension extension, int opcode, boolean rsv1, byte[] payload) {
        Frame in = Frame.builder().fin(true).rsv1(rsv1).opcode((byte) opcode).payloadData(payload).payloadLength(payload.length).build();
        Frame out = ((ExtendedExtension) extension).processIncoming(null, in);
        return new DeflateEngine.Frame(out.getOpcode(), out.getPayloadData());
    }

    @Override
    public String getName() {
        return BoundedDeflate.NAME;
    }

    @Override
    public List<Parameter> getParameters() {
        return session.negotiation().response();
    }

    @Override
    public Frame processIncoming(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame()) {
            return frame.isRsv1() ? refuse(DeflateFailure.PROTOCOL_ERROR, "RSV1 set on a control frame") : frame;
        }
        if (refused) {
            return emptyPong();
        }
        boolean first = frame.getOpcode() != CONTINUATION;
        if (first && assembling) {
            // Tyrus saw only pongs for the frames so far, so it cannot tell: a new message began
            // while a fragmented compressed one was still open (RFC 6455 section 5.4)
            return refuse(DeflateFailure.PROTOCOL_ERROR, "Expected a continuation frame");
        }
        if (first) {
            receivingCompressed = frame.isRsv1();
            opcode = frame.getOpcode();
        } else if (frame.isRsv1()) {
            return refuse(DeflateFailure.PROTOCOL_ERROR, "RSV1 set on a continuation frame");
        }
        if (!receivingCompressed) {
            return frame;
        }
        try {
            byte[] inflated = session.inflation().inflate(frame.getPayloadData(), first, frame.isFin());
            if (inflated == null) {
                // inflated into the message's buffer; Tyrus gets the whole message with the last frame
                assembling = true;
                return emptyPong();
            }
            assembling = false;
            receivingCompressed = false;
            return Frame.builder().fin(true).opcode(opcode).payloadData(inflated).payloadLength(inflated.length).build();
        } catch (DeflateFailure failure) {
            LOG.log(Level.DEBUG, "compressed message refused: {0} {1}", failure.code(), failure.reason());
            return refuse(failure.code(), failure.reason());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "permessage-deflate failed on an incoming frame", e);
            return refuse(1011, "Internal error");
        }
    }

    @Override
    public Frame processOutgoing(ExtensionContext context, Frame frame) {
        if (frame.isControlFrame() || !session.negotiation().compressOutgoing()) {
            return frame;
        }
        boolean first = frame.getOpcode() != CONTINUATION;
        if (first) {
            sendingCompressed = true;
        }
        if (!sendingCompressed) {
            return frame;
        }
        byte[] compressed = session.compression().compress(frame.getPayloadData(), first, frame.isFin());
        if (compressed == null) {
            // the budget refused the compressed copy: this message goes as it is
            sendingCompressed = false;
            return frame;
        }
        return Frame.builder(frame).rsv1(first).payloadData(compressed).payloadLength(compressed.length).build();
    }

    @Override
    public List<Parameter> onExtensionNegotiation(ExtensionContext context, List<Parameter> requestedParameters) {
        // Tyrus passes null here (it asks only for the answer); the offer was judged in BoundedDeflate.negotiate.
        return session.negotiation().response();
    }

    @Override
    public void onHandshakeResponse(ExtensionContext context, List<Parameter> responseParameters) {
        // client side only; Duplex is a server
    }

    @Override
    public void destroy(ExtensionContext context) {
        session.close();
    }

    /** A frame Tyrus drops (an unsolicited pong with no payload): for frames it must not see. */
    private static Frame emptyPong() {
        return Frame.builder().fin(true).opcode(PONG).payloadData(new byte[0]).payloadLength(0).build();
    }

    /** A close frame that Tyrus processes as if the client had sent it, answering with the same code. */
    private Frame refuse(int code, String reason) {
        refused = true;
        session.inflation().close();
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return Frame.builder().fin(true).opcode(CLOSE).payloadData(payload).payloadLength(payload.length).build();
    }
}
