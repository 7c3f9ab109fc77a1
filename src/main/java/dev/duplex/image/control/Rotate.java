package dev.duplex.image.control;

import java.util.Map;

/** {@code rotate}: turns the image clockwise by 90, 180 or 270 degrees. */
record Rotate(int degrees) implements ImageOperation {

    static final String NAME = "rotate";
    private static final int TILE = 64;

    Rotate {
        if (degrees != 90 && degrees != 180 && degrees != 270) {
            throw new IllegalArgumentException("degrees must be 90, 180 or 270: " + degrees);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("degrees", degrees);
    }

    /** 180° swaps in place; 90° and 270° write a new raster, {@code height} wide. */
    @Override
    public Footprint footprint(int width, int height) {
        return degrees == 180 ? new Footprint(0, width, height) : new Footprint(4L * width * height, height, width);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] src = image.argb();
        if (degrees == 180) {
            for (int i = 0, j = src.length - 1; i < j; i++, j--) {
                int t = src[i];
                src[i] = src[j];
                src[j] = t;
            }
            return image;
        }
        int[] dst = new int[src.length];
        // The result is h wide and w high. Clockwise: (x, y) goes to (h-1-y, x); counter-clockwise:
        // (y, w-1-x). Tiles of 64×64 keep both the rows read and the columns written in cache.
        boolean clockwise = degrees == 90;
        for (int top = 0; top < h; top += TILE) {
            int bottom = Math.min(top + TILE, h);
            for (int left = 0; left < w; left += TILE) {
                int right = Math.min(left + TILE, w);
                for (int y = top; y < bottom; y++) {
                    int row = y * w;
                    if (clockwise) {
                        for (int x = left, target = left * h + (h - 1 - y); x < right; x++, target += h) {
                            dst[target] = src[row + x];
                        }
                    } else {
                        for (int x = left, target = (w - 1 - left) * h + y; x < right; x++, target -= h) {
                            dst[target] = src[row + x];
                        }
                    }
                }
            }
        }
        return new Pixels(h, w, dst);
    }
}
