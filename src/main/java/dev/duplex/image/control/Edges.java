package dev.duplex.image.control;

/**
 * {@code edges}: the Sobel gradient magnitude {@code √(Gx² + Gy²)} of the luma, clamped to 255,
 * as a gray image (light edges on black); alpha is kept. Edges repeat the border pixel, so a flat
 * border has no edge.
 */
record Edges() implements ImageOperation {

    static final String NAME = "edges";

    @Override
    public String name() {
        return NAME;
    }

    /** The luma plane and a new output raster, one {@code int} per pixel each. */
    @Override
    public Footprint footprint(int width, int height) {
        return new Footprint(2 * 4L * width * height, width, height);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] px = image.argb();
        int[] luma = new int[px.length];
        for (int i = 0; i < px.length; i++) {
            luma[i] = Pixels.luma(px[i]);
        }
        int[] dst = new int[px.length];
        for (int y = 0; y < h; y++) {
            int up = Math.max(y - 1, 0) * w;
            int row = y * w;
            int down = Math.min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++) {
                int l = Math.max(x - 1, 0);
                int r = Math.min(x + 1, w - 1);
                int gx = (luma[up + r] + 2 * luma[row + r] + luma[down + r])
                        - (luma[up + l] + 2 * luma[row + l] + luma[down + l]);
                int gy = (luma[down + l] + 2 * luma[down + x] + luma[down + r])
                        - (luma[up + l] + 2 * luma[up + x] + luma[up + r]);
                int m = Math.min(255, (int) Math.round(Math.sqrt((double) gx * gx + (double) gy * gy)));
                dst[row + x] = (px[row + x] & 0xff000000) | m << 16 | m << 8 | m;
            }
        }
        return new Pixels(w, h, dst);
    }
}
