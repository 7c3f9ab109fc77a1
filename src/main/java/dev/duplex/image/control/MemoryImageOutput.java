package dev.duplex.image.control;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.stream.ImageOutputStreamImpl;

/**
 * A seekable ImageIO output stream over one growing byte array that refuses to grow past a limit.
 * Unlike {@code MemoryCacheImageOutputStream} over a {@code ByteArrayOutputStream} it holds the
 * data once, not twice, and stops the encoder as soon as the limit is passed. Writers seek back to
 * patch lengths (PNG), hence the random access. One encoder at a time; not thread-safe.
 */
final class MemoryImageOutput extends ImageOutputStreamImpl {

    /** The encoder wrote more than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("the output passed " + limit + " bytes");
        }
    }

    private final long limit;
    private byte[] buffer;
    private int size;

    MemoryImageOutput(long limit, int initialCapacity) {
        this.limit = limit;
        this.buffer = new byte[(int) Math.max(256, Math.min(initialCapacity, limit))];
    }

    @Override
    public void write(int b) throws IOException {
        flushBits();
        ensure(streamPos + 1);
        buffer[(int) streamPos++] = (byte) b;
        size = (int) Math.max(size, streamPos);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        flushBits();
        ensure(streamPos + len);
        System.arraycopy(b, off, buffer, (int) streamPos, len);
        streamPos += len;
        size = (int) Math.max(size, streamPos);
    }

    @Override
    public int read() {
        bitOffset = 0;
        return streamPos < size ? buffer[(int) streamPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        bitOffset = 0;
        if (streamPos >= size) {
            return len == 0 ? 0 : -1;
        }
        int n = (int) Math.min(len, size - streamPos);
        System.arraycopy(buffer, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return size;
    }

    /** The CRC-32 of the bytes written from {@code from} up to {@code to}, as PNG chunks need it. */
    long crc(long from, long to) {
        CRC32 crc = new CRC32();
        crc.update(buffer, (int) from, (int) (to - from));
        return crc.getValue();
    }

    /** The bytes written, exactly. */
    byte[] toByteArray() {
        return buffer.length == size ? buffer : Arrays.copyOf(buffer, size);
    }

    private void ensure(long needed) throws TooLarge {
        if (needed > limit || needed > Integer.MAX_VALUE - 8) {
            throw new TooLarge(limit);
        }
        if (needed > buffer.length) {
            long grown = Math.min(Math.min(limit, Integer.MAX_VALUE - 8), Math.max(needed, buffer.length * 2L));
            buffer = Arrays.copyOf(buffer, (int) grown);
        }
    }
}
