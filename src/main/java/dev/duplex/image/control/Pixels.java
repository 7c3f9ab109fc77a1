package dev.duplex.image.control;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;

/**
 * An image as one {@code int} per pixel, {@code 0xAARRGGBB} (not premultiplied), row by row with
 * no padding: the layout of a {@link BufferedImage#TYPE_INT_ARGB} raster, which
 * {@link #toImage()} wraps without copying. Operations read and write {@link #argb()} directly.
 */
public final class Pixels {

    private static final int[] ARGB_MASKS = {0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000};
    private static final int[] RGB_MASKS = {0x00ff0000, 0x0000ff00, 0x000000ff};

    private final int width;
    private final int height;
    private final int[] argb;

    public Pixels(int width, int height, int[] argb) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("an image needs a positive size, not " + width + "×" + height);
        }
        if (argb.length != (long) width * height) {
            throw new IllegalArgumentException(width + "×" + height + " needs " + (long) width * height
                    + " pixels, not " + argb.length);
        }
        this.width = width;
        this.height = height;
        this.argb = argb;
    }

    /** A new transparent black image. */
    public static Pixels blank(int width, int height) {
        return new Pixels(width, height, new int[Math.multiplyExact(width, height)]);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The pixels themselves, not a copy. */
    public int[] argb() {
        return argb;
    }

    public int get(int x, int y) {
        return argb[y * width + x];
    }

    public Pixels copy() {
        return new Pixels(width, height, argb.clone());
    }

    /** Whether every pixel is fully opaque. */
    public boolean isOpaque() {
        for (int p : argb) {
            if (p >>> 24 != 0xff) {
                return false;
            }
        }
        return true;
    }

    /** Whether every pixel is opaque and gray (red, green and blue equal). */
    public boolean isOpaqueGray() {
        for (int p : argb) {
            int r = (p >> 16) & 0xff;
            if (p >>> 24 != 0xff || r != ((p >> 8) & 0xff) || r != (p & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** A {@link BufferedImage#TYPE_INT_ARGB} image over the same array. */
    public BufferedImage toImage() {
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(argb, argb.length), width, height, width,
                ARGB_MASKS, null);
        return new BufferedImage(ColorModel.getRGBdefault(), raster, false, null);
    }

    /** A {@link BufferedImage#TYPE_INT_RGB} image over the same array: the alpha bits are ignored. */
    public BufferedImage toOpaqueImage() {
        WritableRaster raster = Raster.createPackedRaster(new DataBufferInt(argb, argb.length), width, height, width,
                RGB_MASKS, null);
        return new BufferedImage(new DirectColorModel(24, RGB_MASKS[0], RGB_MASKS[1], RGB_MASKS[2]), raster, false, null);
    }

    /**
     * The pixels of any image in this layout. An {@code INT_ARGB} image with a plain raster is taken
     * over without a copy; gray images are read sample by sample, a row at a time; anything else is
     * converted by Java 2D's blit loops (no per-pixel calls).
     *
     * <p>Gray is special: Java 2D treats the samples of a gray image (what ImageIO makes of gray PNG
     * and JPEG files) as linear light and brightens them on conversion, where every browser and
     * image tool reads them like sRGB values. A gray sample {@code v} becomes {@code (v, v, v)}.
     */
    public static Pixels of(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_ARGB && plainLayout(image)) {
            int[] data = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            return new Pixels(image.getWidth(), image.getHeight(), data);
        }
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(image.getColorModel() instanceof IndexColorModel)) {
            return ofGray(image);
        }
        BufferedImage converted = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = converted.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return of(converted);
    }

    /**
     * The bytes {@link #of} allocates for this image: nothing when it takes the raster over, else
     * the new {@code int[]} (and, for gray images, one row of samples).
     */
    static long conversionBytes(BufferedImage image) {
        long argb = Rasters.argb(image.getWidth(), image.getHeight());
        if (image.getType() == BufferedImage.TYPE_INT_ARGB && plainLayout(image)) {
            return 0;
        }
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(image.getColorModel() instanceof IndexColorModel)) {
            return argb + 4L * image.getWidth() * image.getRaster().getNumBands();
        }
        return argb;
    }

    private static Pixels ofGray(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int grayMax = (1 << raster.getSampleModel().getSampleSize(0)) - 1;
        int alphaMax = bands > 1 ? (1 << raster.getSampleModel().getSampleSize(1)) - 1 : 1;
        int[] row = new int[w * bands];
        int[] argb = new int[w * h];
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, i = y * w; x < w; x++, i++) {
                int v = scale(row[x * bands], grayMax);
                int a = bands > 1 ? scale(row[x * bands + 1], alphaMax) : 255;
                argb[i] = a << 24 | v << 16 | v << 8 | v;
            }
        }
        return new Pixels(w, h, argb);
    }

    /** A sample from 0..max to 0..255, rounded. */
    private static int scale(int sample, int max) {
        return max == 255 ? sample : (int) ((sample * 255L + max / 2) / max);
    }

    private static boolean plainLayout(BufferedImage image) {
        WritableRaster raster = image.getRaster();
        return raster.getDataBuffer().getNumBanks() == 1
                && raster.getDataBuffer().getOffset() == 0
                && raster.getSampleModelTranslateX() == 0
                && raster.getSampleModelTranslateY() == 0
                && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sample
                && sample.getScanlineStride() == image.getWidth()
                && raster.getDataBuffer().getSize() == image.getWidth() * image.getHeight();
    }

    // ---- channel helpers shared by the operations -----------------------------------------------

    /** Rec. 601 luma of a pixel, 0..255, with 16-bit fixed-point weights that sum to exactly 1. */
    static int luma(int p) {
        return (19595 * ((p >> 16) & 0xff) + 38470 * ((p >> 8) & 0xff) + 7471 * (p & 0xff) + 32768) >>> 16;
    }

    static int pack(int a, int r, int g, int b) {
        return a << 24 | r << 16 | g << 8 | b;
    }

    static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    /** Multiplies red, green and blue by alpha, in place, so that averaging does not bleed hidden colours. */
    static void premultiply(int[] argb) {
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            if (a == 0xff) {
                continue;
            }
            if (a == 0) {
                argb[i] = 0;
                continue;
            }
            argb[i] = pack(a, mul(p >> 16 & 0xff, a), mul(p >> 8 & 0xff, a), mul(p & 0xff, a));
        }
    }

    /** Reverses {@link #premultiply(int[])}. */
    static void unpremultiply(int[] argb) {
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            if (a == 0xff || a == 0) {
                continue;
            }
            int half = a >> 1;
            argb[i] = pack(a, Math.min(255, ((p >> 16 & 0xff) * 255 + half) / a),
                    Math.min(255, ((p >> 8 & 0xff) * 255 + half) / a), Math.min(255, ((p & 0xff) * 255 + half) / a));
        }
    }

    /** {@code c * a / 255}, rounded, exact for bytes. */
    private static int mul(int c, int a) {
        int t = c * a + 128;
        return (t + (t >> 8)) >> 8;
    }
}
