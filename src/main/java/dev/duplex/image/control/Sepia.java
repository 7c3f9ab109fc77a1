package dev.duplex.image.control;

/**
 * {@code sepia}: the classic sepia matrix, in 1/1024 and clamped to 255; alpha is kept.
 * <pre>
 * R' = (402 R + 787 G + 194 B) / 1024      (0.393, 0.769, 0.189)
 * G' = (357 R + 702 G + 172 B) / 1024      (0.349, 0.686, 0.168)
 * B' = (279 R + 547 G + 134 B) / 1024      (0.272, 0.534, 0.131)
 * </pre>
 */
record Sepia() implements ImageOperation {

    static final String NAME = "sepia";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Pixels apply(Pixels image) {
        int[] px = image.argb();
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int r = (p >> 16) & 0xff;
            int g = (p >> 8) & 0xff;
            int b = p & 0xff;
            int r2 = Math.min(255, (402 * r + 787 * g + 194 * b + 512) >> 10);
            int g2 = Math.min(255, (357 * r + 702 * g + 172 * b + 512) >> 10);
            int b2 = Math.min(255, (279 * r + 547 * g + 134 * b + 512) >> 10);
            px[i] = (p & 0xff000000) | r2 << 16 | g2 << 8 | b2;
        }
        return image;
    }
}
