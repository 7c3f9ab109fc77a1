package dev.duplex.testing;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.Deflater;

/** Compressed messages that inflate to far more than they weigh, for the permessage-deflate attack tests. */
public final class DeflateBombs {

    private static final int MIB = 1024 * 1024;

    private DeflateBombs() {
    }

    /** Raw DEFLATE of {@code length} zero bytes as one flushed message (trailing 00 00 ff ff removed). */
    public static byte[] zeros(long length) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] block = new byte[MIB];
        byte[] step = new byte[64 * 1024];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long fed = 0; fed < length; fed += block.length) {
            deflater.setInput(block, 0, (int) Math.min(block.length, length - fed));
            while (!deflater.needsInput()) {
                out.write(step, 0, deflater.deflate(step, 0, step.length, Deflater.NO_FLUSH));
            }
        }
        int n;
        do {
            n = deflater.deflate(step, 0, step.length, Deflater.SYNC_FLUSH);
            out.write(step, 0, n);
        } while (n == step.length);
        deflater.end();
        byte[] bytes = out.toByteArray();
        return Arrays.copyOf(bytes, bytes.length - 4);
    }
}
