package dev.duplex.platform.engine;

import java.nio.ByteBuffer;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * The one class that touches Tyrus' writer SPI; {@link RawFrameWriter} loads it only once it has
 * found a Tyrus session, so the WAR still links on other engines.
 */
final class TyrusWrites {

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
        });
    }

    /** Whether {@code type} is Tyrus' writer SPI (the same class this one links against). */
    static boolean isWriter(Class<?> type) {
        return Writer.class.isAssignableFrom(type);
    }
}
