package dev.duplex.image.control;

/**
 * {@code echo}: the image comes back as the bytes that were sent. A chain of nothing but echo is
 * answered with the input unchanged (after checking that it is an image); within a longer chain
 * it changes nothing.
 */
record Echo() implements ImageOperation {

    static final String NAME = "echo";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Pixels apply(Pixels image) {
        return image;
    }
}
