package dev.duplex.image.control;

/**
 * {@code grayscale}: each pixel becomes its Rec. 601 luma, {@code 0.299 R + 0.587 G + 0.114 B}
 * rounded (weights 19595, 38470 and 7471 in 1/65536), in red, green and blue; alpha is kept.
 */
record Grayscale() implements ImageOperation {

    static final String NAME = "grayscale";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Pixels apply(Pixels image) {
        int[] px = image.argb();
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int y = Pixels.luma(p);
            px[i] = (p & 0xff000000) | y << 16 | y << 8 | y;
        }
        return image;
    }
}
