package dev.duplex.bench.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Synthetic test pictures: smooth colour gradients with rings and a little texture, so that PNG
 * and JPEG compress them about as well as a drawing or a photo, and any colour operation changes
 * every pixel.
 */
public final class TestImages {

    private TestImages() {
    }

    /** A width × height picture encoded as {@code format} ("png" or "jpeg"). */
    public static byte[] encoded(int width, int height, String format) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        double cx = width / 2.0;
        double cy = height / 2.0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double d = Math.hypot(x - cx, y - cy);
                int r = x * 255 / Math.max(1, width - 1);
                int g = y * 255 / Math.max(1, height - 1);
                int b = (int) (127 + 120 * Math.sin(d / 24.0)) ^ ((x * 7 + y * 13) & 7);
                pixels[y * width + x] = (r << 16) | (g << 8) | (b & 0xff);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(width * height);
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no image writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
