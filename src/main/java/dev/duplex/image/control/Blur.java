package dev.duplex.image.control;

import java.util.Map;

/**
 * {@code blur}: an approximate Gaussian blur made of three box blurs of {@code radius} (each a
 * window of {@code 2·radius+1} pixels, first along rows, then along columns), so the standard
 * deviation is {@code √(radius·(radius+1))}, about {@code radius + ½}. Edges repeat the border
 * pixel. Running sums make the cost independent of the radius; rounding uses an exact division
 * table. Translucent images are blurred premultiplied, so that hidden colours do not bleed.
 */
record Blur(int radius) implements ImageOperation {

    static final String NAME = "blur";
    static final int PASSES = 3;

    /** The packed 16-bit sums below hold windows of up to 257 bytes. */
    static final int MAX_RADIUS = 128;

    Blur {
        if (radius < 1 || radius > MAX_RADIUS) {
            throw new IllegalArgumentException("radius must be from 1 to " + MAX_RADIUS + ": " + radius);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("radius", radius);
    }

    /** The {@code tmp} raster, the two column sums of {@link #boxColumns} and the division table. */
    @Override
    public Footprint footprint(int width, int height) {
        return new Footprint(4L * width * height + 2 * 4L * width + 4L * 256 * (2 * radius + 1), width, height);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] px = image.argb();
        boolean opaque = image.isOpaque();
        if (!opaque) {
            Pixels.premultiply(px);
        }
        int[] divide = divisionTable(2 * radius + 1);
        int[] tmp = new int[px.length];
        for (int pass = 0; pass < PASSES; pass++) {
            boxRows(px, tmp, w, h, radius, divide);
            boxColumns(tmp, px, w, h, radius, divide);
        }
        if (!opaque) {
            Pixels.unpremultiply(px);
        }
        return image;
    }

    /** {@code table[sum] = round(sum / window)} for every sum of {@code window} bytes. */
    static int[] divisionTable(int window) {
        int[] table = new int[256 * window];
        for (int sum = 0; sum < table.length; sum++) {
            table[sum] = (sum + window / 2) / window;
        }
        return table;
    }

    /*
     * The running sums keep two channels in one int: alpha and green in the high and low 16 bits
     * of one, red and blue in the other. A window holds at most 2·128+1 = 257 bytes, so a lane never
     * passes 65 535 and never carries into its neighbour; whole-int addition and subtraction are
     * exact for each lane as long as its true value stays in range, which a sum of bytes does.
     */

    /** One horizontal box blur from {@code src} into {@code dst}. */
    static void boxRows(int[] src, int[] dst, int w, int h, int r, int[] divide) {
        int last = w - 1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int ag = 0;
            int rb = 0;
            for (int i = -r; i <= r; i++) {
                int p = src[row + Math.min(last, Math.max(i, 0))];
                ag += (p >>> 8) & 0x00ff00ff;
                rb += p & 0x00ff00ff;
            }
            for (int x = 0; x < w; x++) {
                dst[row + x] = divide[ag >>> 16] << 24 | divide[rb >>> 16] << 16 | divide[ag & 0xffff] << 8 | divide[rb & 0xffff];
                int in = src[row + Math.min(x + r + 1, last)];
                int out = src[row + Math.max(x - r, 0)];
                ag += ((in >>> 8) & 0x00ff00ff) - ((out >>> 8) & 0x00ff00ff);
                rb += (in & 0x00ff00ff) - (out & 0x00ff00ff);
            }
        }
    }

    /**
     * One vertical box blur from {@code src} into {@code dst}, a whole row at a time with a running
     * sum per column, so that memory is read in order.
     */
    static void boxColumns(int[] src, int[] dst, int w, int h, int r, int[] divide) {
        int last = h - 1;
        int[] ag = new int[w];
        int[] rb = new int[w];
        for (int i = -r; i <= r; i++) {
            int row = Math.min(last, Math.max(i, 0)) * w;
            for (int x = 0; x < w; x++) {
                int p = src[row + x];
                ag[x] += (p >>> 8) & 0x00ff00ff;
                rb[x] += p & 0x00ff00ff;
            }
        }
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int inRow = Math.min(y + r + 1, last) * w;
            int outRow = Math.max(y - r, 0) * w;
            for (int x = 0; x < w; x++) {
                int a = ag[x];
                int b = rb[x];
                dst[row + x] = divide[a >>> 16] << 24 | divide[b >>> 16] << 16 | divide[a & 0xffff] << 8 | divide[b & 0xffff];
                int in = src[inRow + x];
                int out = src[outRow + x];
                ag[x] = a + ((in >>> 8) & 0x00ff00ff) - ((out >>> 8) & 0x00ff00ff);
                rb[x] = b + (in & 0x00ff00ff) - (out & 0x00ff00ff);
            }
        }
    }
}
