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

    Blur {
        if (radius < 1) {
            throw new IllegalArgumentException("radius must be at least 1: " + radius);
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

    /** One horizontal box blur from {@code src} into {@code dst}. */
    static void boxRows(int[] src, int[] dst, int w, int h, int r, int[] divide) {
        int last = w - 1;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int sa = 0;
            int sr = 0;
            int sg = 0;
            int sb = 0;
            for (int i = -r; i <= r; i++) {
                int p = src[row + Math.min(last, Math.max(i, 0))];
                sa += p >>> 24;
                sr += (p >> 16) & 0xff;
                sg += (p >> 8) & 0xff;
                sb += p & 0xff;
            }
            for (int x = 0; x < w; x++) {
                dst[row + x] = divide[sa] << 24 | divide[sr] << 16 | divide[sg] << 8 | divide[sb];
                int in = src[row + Math.min(x + r + 1, last)];
                int out = src[row + Math.max(x - r, 0)];
                sa += (in >>> 24) - (out >>> 24);
                sr += ((in >> 16) & 0xff) - ((out >> 16) & 0xff);
                sg += ((in >> 8) & 0xff) - ((out >> 8) & 0xff);
                sb += (in & 0xff) - (out & 0xff);
            }
        }
    }

    /**
     * One vertical box blur from {@code src} into {@code dst}, a whole row at a time with a running
     * sum per column, so that memory is read in order.
     */
    static void boxColumns(int[] src, int[] dst, int w, int h, int r, int[] divide) {
        int last = h - 1;
        int[] sa = new int[w];
        int[] sr = new int[w];
        int[] sg = new int[w];
        int[] sb = new int[w];
        for (int i = -r; i <= r; i++) {
            int row = Math.min(last, Math.max(i, 0)) * w;
            for (int x = 0; x < w; x++) {
                int p = src[row + x];
                sa[x] += p >>> 24;
                sr[x] += (p >> 16) & 0xff;
                sg[x] += (p >> 8) & 0xff;
                sb[x] += p & 0xff;
            }
        }
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int inRow = Math.min(y + r + 1, last) * w;
            int outRow = Math.max(y - r, 0) * w;
            for (int x = 0; x < w; x++) {
                dst[row + x] = divide[sa[x]] << 24 | divide[sr[x]] << 16 | divide[sg[x]] << 8 | divide[sb[x]];
                int in = src[inRow + x];
                int out = src[outRow + x];
                sa[x] += (in >>> 24) - (out >>> 24);
                sr[x] += ((in >> 16) & 0xff) - ((out >> 16) & 0xff);
                sg[x] += ((in >> 8) & 0xff) - ((out >> 8) & 0xff);
                sb[x] += (in & 0xff) - (out & 0xff);
            }
        }
    }
}
