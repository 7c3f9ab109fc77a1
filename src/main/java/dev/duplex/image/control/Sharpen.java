package dev.duplex.image.control;

import java.util.Map;

/**
 * {@code sharpen}: the 3×3 kernel {@code [0,-a,0; -a,1+4a,-a; 0,-a,0]} on red, green and blue
 * ({@code a} = {@code amount}, in 1/256), clamped; alpha is kept. {@code amount} 1 is the classic
 * {@code [0,-1,0; -1,5,-1; 0,-1,0]}. Edges repeat the border pixel.
 */
record Sharpen(double amount) implements ImageOperation {

    static final String NAME = "sharpen";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("amount", amount);
    }

    /** A new output raster. */
    @Override
    public Footprint footprint(int width, int height) {
        return new Footprint(4L * width * height, width, height);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] src = image.argb();
        int[] dst = new int[src.length];
        int k = (int) Math.round(amount * 256);
        int center = 256 + 4 * k;
        for (int y = 0; y < h; y++) {
            int row = y * w;
            int up = Math.max(y - 1, 0) * w;
            int down = Math.min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++) {
                int left = Math.max(x - 1, 0);
                int right = Math.min(x + 1, w - 1);
                int c = src[row + x];
                int n = src[up + x];
                int s = src[down + x];
                int e = src[row + right];
                int wst = src[row + left];
                int r = channel(center, k, c >> 16, n >> 16, s >> 16, e >> 16, wst >> 16);
                int g = channel(center, k, c >> 8, n >> 8, s >> 8, e >> 8, wst >> 8);
                int b = channel(center, k, c, n, s, e, wst);
                dst[row + x] = (c & 0xff000000) | r << 16 | g << 8 | b;
            }
        }
        return new Pixels(w, h, dst);
    }

    private static int channel(int center, int k, int c, int n, int s, int e, int w) {
        int sum = center * (c & 0xff) - k * ((n & 0xff) + (s & 0xff) + (e & 0xff) + (w & 0xff));
        return Pixels.clamp((sum + 128) >> 8);
    }
}
