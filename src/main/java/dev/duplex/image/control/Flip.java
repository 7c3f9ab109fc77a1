package dev.duplex.image.control;

import java.util.Map;

/** {@code flip}: mirrors the image left to right ({@code direction=h}) or top to bottom ({@code v}). */
record Flip(boolean horizontal) implements ImageOperation {

    static final String NAME = "flip";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("direction", horizontal ? "h" : "v");
    }

    /** Top to bottom swaps rows through one row buffer; left to right swaps in place. */
    @Override
    public Footprint footprint(int width, int height) {
        return new Footprint(horizontal ? 0 : 4L * width, width, height);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] px = image.argb();
        if (horizontal) {
            for (int y = 0; y < h; y++) {
                for (int i = y * w, j = i + w - 1; i < j; i++, j--) {
                    int t = px[i];
                    px[i] = px[j];
                    px[j] = t;
                }
            }
        } else {
            int[] row = new int[w];
            for (int top = 0, bottom = h - 1; top < bottom; top++, bottom--) {
                System.arraycopy(px, top * w, row, 0, w);
                System.arraycopy(px, bottom * w, px, top * w, w);
                System.arraycopy(row, 0, px, bottom * w, w);
            }
        }
        return image;
    }
}
