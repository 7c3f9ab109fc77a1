package dev.duplex.image.control;

import java.util.Map;

/** {@code threshold}: pixels whose luma is at least {@code level} become white, the others black; alpha is kept. */
record Threshold(int level) implements ImageOperation {

    static final String NAME = "threshold";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("level", level);
    }

    @Override
    public Pixels apply(Pixels image) {
        int[] px = image.argb();
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            px[i] = (p & 0xff000000) | (Pixels.luma(p) >= level ? 0x00ffffff : 0);
        }
        return image;
    }
}
