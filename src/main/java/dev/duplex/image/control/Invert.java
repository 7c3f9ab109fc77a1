package dev.duplex.image.control;

/** {@code invert}: red, green and blue become 255 minus themselves; alpha is kept. */
record Invert() implements ImageOperation {

    static final String NAME = "invert";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Pixels apply(Pixels image) {
        int[] px = image.argb();
        for (int i = 0; i < px.length; i++) {
            px[i] ^= 0x00ffffff;
        }
        return image;
    }
}
