package dev.duplex.image.control;

import java.util.Map;

/**
 * {@code pixelate}: divides the image into {@code block} × {@code block} cells from the top left
 * (the last ones may be smaller) and paints each with its average colour, weighted by alpha.
 */
record Pixelate(int block) implements ImageOperation {

    static final String NAME = "pixelate";

    Pixelate {
        if (block < 1) {
            throw new IllegalArgumentException("block must be at least 1: " + block);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("block", block);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] px = image.argb();
        for (int top = 0; top < h; top += block) {
            int bottom = Math.min(top + block, h);
            for (int left = 0; left < w; left += block) {
                int right = Math.min(left + block, w);
                long sa = 0;
                long sr = 0;
                long sg = 0;
                long sb = 0;
                for (int y = top; y < bottom; y++) {
                    for (int i = y * w + left, end = y * w + right; i < end; i++) {
                        int p = px[i];
                        int a = p >>> 24;
                        sa += a;
                        sr += (long) ((p >> 16) & 0xff) * a;
                        sg += (long) ((p >> 8) & 0xff) * a;
                        sb += (long) (p & 0xff) * a;
                    }
                }
                long count = (long) (bottom - top) * (right - left);
                int average = 0;
                if (sa > 0) {
                    average = Pixels.pack((int) ((sa + count / 2) / count), (int) ((sr + sa / 2) / sa),
                            (int) ((sg + sa / 2) / sa), (int) ((sb + sa / 2) / sa));
                }
                for (int y = top; y < bottom; y++) {
                    java.util.Arrays.fill(px, y * w + left, y * w + right, average);
                }
            }
        }
        return image;
    }
}
