package dev.duplex.image.control;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.stream.ImageOutputStreamImpl;

/**
 * A seekable ImageIO output stream over one growing byte array that refuses to grow past a limit.
 * Unlike {@code MemoryCacheImageOutputStream} over a {@code ByteArrayOutputStream} it holds the
 * data once, not twice, and stops the encoder as soon as the limit is passed. Writers seek back to
 * patch lengths (PNG), hence the random access. Every buffer is charged to the image's
 * {@link ImageMemory} before it is allocated (while the buffer grows, the old and the new one
 * exist together) and released when it is let go. One encoder at a time; not thread-safe.
 */
final class MemoryImageOutput extends ImageOutputStreamImpl {

    /** The encoder wrote more than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long limit) {
            super("the output passed " + limit + " bytes");
        }
    }

    /** The memory budget refused a buffer; the encoder answers with the refusal it carries. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        private final transient ImageException refusal;

        Refused(ImageException refusal) {
            super(refusal.getMessage(), refusal);
            this.refusal = refusal;
        }

        ImageException refusal() {
            return refusal;
        }
    }

    private final long limit;
    private final ImageMemory memory;
    private byte[] buffer;
    private int size;

    MemoryImageOutput(long limit, int initialCapacity) {
        this(limit, ImageMemory.unlimited(), initialCapacity(limit, initialCapacity));
    }

    private MemoryImageOutput(long limit, ImageMemory memory, int capacity) {
        this.limit = limit;
        this.memory = memory;
        this.buffer = new byte[capacity];
    }

    /** An output whose first buffer (and every later one) is charged to {@code memory} first. */
    static MemoryImageOutput open(long limit, int initialCapacity, ImageMemory memory) throws ImageException {
        int capacity = initialCapacity(limit, initialCapacity);
        memory.charge(capacity, "the encoder's output buffer");
        return new MemoryImageOutput(limit, memory, capacity);
    }

    static int initialCapacity(long limit, long wanted) {
        return (int) Math.max(256, Math.min(Math.min(wanted, limit), Integer.MAX_VALUE - 8));
    }

    /** The bytes the buffer takes now (charged). */
    long capacity() {
        return buffer == null ? 0 : buffer.length;
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

    /**
     * The bytes written, exactly. A copy of the right size is charged before it is made, then the
     * buffer is released: afterwards the charge is the result's length. Call it once, at the end.
     */
    byte[] toByteArray() throws ImageException {
        byte[] result;
        if (buffer.length == size) {
            result = buffer;
        } else {
            memory.charge(size, "the encoded result");
            result = Arrays.copyOf(buffer, size);
            memory.release(buffer.length);
        }
        buffer = null;
        return result;
    }

    private void ensure(long needed) throws IOException {
        if (needed > limit || needed > Integer.MAX_VALUE - 8) {
            throw new TooLarge(limit);
        }
        if (needed > buffer.length) {
            long grown = Math.min(Math.min(limit, Integer.MAX_VALUE - 8), Math.max(needed, buffer.length * 2L));
            try {
                memory.charge(grown, "the encoder's output buffer");
            } catch (ImageException e) {
                throw new Refused(e);
            }
            int old = buffer.length;
            buffer = Arrays.copyOf(buffer, (int) grown);
            memory.release(old);
        }
    }
}
