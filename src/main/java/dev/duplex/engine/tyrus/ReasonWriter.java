package dev.duplex.engine.tyrus;

import dev.duplex.platform.engine.CloseFrameReasons;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * Tyrus' connection writer with close reasons rewritten ({@link CloseFrameReasons#rewrite}); loaded
 * only once a Tyrus session was found, so the WAR still links on other engines.
 */
final class ReasonWriter extends Writer {

    private final Writer writer;
    private final CloseFrameReasons.Rewrite rewrite;
    /**
     * The upgrade handler of Tyrus' servlet writer, under the field name it has there, so that the
     * adapter's walks from a session's writer to its connection ({@code ReadGuard},
     * {@code ConnectionAbort}) find it through this writer too.
     */
    @SuppressWarnings("unused")
    private final Object tyrusHttpUpgradeHandler;

    private ReasonWriter(Writer writer, CloseFrameReasons.Rewrite rewrite, Object upgradeHandler) {
        this.writer = writer;
        this.rewrite = rewrite;
        this.tyrusHttpUpgradeHandler = upgradeHandler;
    }

    static Object of(Object writer, CloseFrameReasons.Rewrite rewrite) throws ReflectiveOperationException {
        Object upgradeHandler;
        try {
            upgradeHandler = EngineFields.value(writer, "tyrusHttpUpgradeHandler");
        } catch (NoSuchFieldException e) {
            upgradeHandler = null;
        }
        return new ReasonWriter((Writer) writer, rewrite, upgradeHandler);
    }

    static boolean wraps(Object writer) {
        return writer instanceof ReasonWriter;
    }

    @Override
    @SuppressWarnings("deprecation")
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        writer.write(CloseFrameReasons.rewrite(buffer, rewrite), completionHandler);
    }

    @Override
    public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler, WriterInfo writerInfo) {
        ByteBuffer out = writerInfo == null || writerInfo.getMessageType() == WriterInfo.MessageType.CLOSE
                ? CloseFrameReasons.rewrite(buffer, rewrite) : buffer;
        writer.write(out, completionHandler, writerInfo);
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
