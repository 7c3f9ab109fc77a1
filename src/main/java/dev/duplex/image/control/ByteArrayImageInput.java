package dev.duplex.image.control;

import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageIO input stream that reads the message's own byte array in place. ImageIO's
 * {@code MemoryCacheImageInputStream} copies every byte it reads into a cache of its own, so the
 * input existed twice while it was decoded, the copy outside the memory budget; this one holds
 * nothing but the array it was given. Not thread-safe (one decoder at a time).
 */
final class ByteArrayImageInput extends ImageInputStreamImpl {

    private final byte[] bytes;

    ByteArrayImageInput(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        bitOffset = 0;
        return streamPos < bytes.length ? bytes[(int) streamPos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (off < 0 || len < 0 || off + len > b.length || off + len < 0) {
            throw new IndexOutOfBoundsException("off " + off + ", len " + len + ", length " + b.length);
        }
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        if (streamPos >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(len, bytes.length - streamPos);
        System.arraycopy(bytes, (int) streamPos, b, off, n);
        streamPos += n;
        return n;
    }

    @Override
    public long length() {
        return bytes.length;
    }
}
