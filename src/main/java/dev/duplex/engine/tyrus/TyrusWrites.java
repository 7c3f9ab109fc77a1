package dev.duplex.engine.tyrus;

import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;

/**
 * The one class that touches Tyrus' writer SPI; {@link TyrusRawFrames} loads it only once it has
 * found a Tyrus session, so the WAR still links on other engines. It calls the SPI's
 * {@code write(ByteBuffer, CompletionHandler, WriterInfo)}, the overload Tyrus' own protocol
 * handler uses (the two-argument one is the SPI's older form, marked for removal).
 */
final class TyrusWrites {

    /** What the frames are, for the writer: text messages of a broadcast. */
    private static final WriterInfo BROADCAST_TEXT = new WriterInfo(WriterInfo.MessageType.TEXT,
            WriterInfo.RemoteEndpointType.BROADCAST);

    private TyrusWrites() {
    }

    /** Writes {@code frames} on Tyrus' connection writer; {@code done} gets null or the failure. */
    static void write(Object writer, ByteBuffer frames, Consumer<Throwable> done) {
        ((Writer) writer).write(frames, new CompletionHandler<>() {
            @Override
            public void completed(ByteBuffer result) {
                done.accept(null);
            }

            @Override
            public void failed(Throwable throwable) {
                done.accept(throwable);
            }

            @Override
            public void cancelled() {
                done.accept(new CancellationException("write cancelled"));
            }
        }, BROADCAST_TEXT);
    }

    /** Whether {@code type} is Tyrus' writer SPI (the same class this one links against). */
    static boolean isWriter(Class<?> type) {
        return Writer.class.isAssignableFrom(type);
    }
}
