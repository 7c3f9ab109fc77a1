package dev.duplex.image.control;

/** {@code reencode}: decodes the image and encodes it again in the output format, pixels unchanged. */
record Reencode() implements ImageOperation {

    static final String NAME = "reencode";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Pixels apply(Pixels image) {
        return image;
    }
}
