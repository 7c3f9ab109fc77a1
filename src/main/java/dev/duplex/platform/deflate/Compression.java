package dev.duplex.platform.deflate;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * The sending half of permessage-deflate for one connection (RFC 7692 section 7.2.1): each frame's
 * payload is compressed and flushed (SYNC_FLUSH), and the final frame of a message loses the
 * trailing {@code 00 00 ff ff}. With {@code server_no_context_takeover} the compressor starts afresh
 * for every message. The {@link Deflater} (about 256 KiB of native memory) is made on the first
 * message and ended by {@link #close}. Thread-safe; the engine must write the frames in the order
 * they were compressed (Tyrus does, under its send lock).
 */
public final class Compression implements AutoCloseable {

    private static final int STEP = 8 * 1024;

    private final boolean resetPerMessage;
    private Deflater deflater;
    private boolean closed;

    public Compression(boolean resetPerMessage) {
        this.resetPerMessage = resetPerMessage;
    }

    /** The compressed payload of one frame of a message; {@code fin} marks the message's last frame. */
    public synchronized byte[] compress(byte[] payload, boolean fin) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (deflater == null) {
            deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        }
        deflater.setInput(payload);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(16, payload.length / 2 + 16));
        byte[] step = new byte[STEP];
        int n;
        do {
            n = deflater.deflate(step, 0, step.length, Deflater.SYNC_FLUSH);
            out.write(step, 0, n);
        } while (n == step.length);
        byte[] compressed = out.toByteArray();
        if (fin) {
            if (resetPerMessage) {
                deflater.reset();
            }
            int length = compressed.length;
            if (length >= 4 && compressed[length - 4] == 0 && compressed[length - 3] == 0
                    && compressed[length - 2] == (byte) 0xff && compressed[length - 1] == (byte) 0xff) {
                return Arrays.copyOf(compressed, length - 4);
            }
        }
        return compressed;
    }

    /** Ends the {@link Deflater} (native memory). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
    }

    synchronized boolean ended() {
        return closed && deflater == null;
    }
}
