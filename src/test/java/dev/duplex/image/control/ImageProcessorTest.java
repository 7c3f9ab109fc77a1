package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.duplex.image.TestImages;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageProcessorTest {

    private final ImageProcessor processor = new ImageProcessor(new ImageDecoder(40_000_000), new ImageEncoder(64L << 20));

    @Test
    void echoReturnsTheVeryBytesAfterCheckingThem() throws Exception {
        byte[] jpeg = TestImages.encode(TestImages.photoLike(133, 72, 5), "jpeg");
        ImageProcessor.Processed out = processor.process(jpeg, Pipeline.DEFAULT);
        assertSame(jpeg, out.bytes());
        assertEquals(ImageFormat.JPEG, out.inputFormat());
        assertEquals(ImageFormat.JPEG, out.outputFormat(), "echo ignores the output format");
        assertEquals(133, out.width());
        assertEquals(72, out.height());
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertEquals(ErrorCode.TRUNCATED, assertThrows(ImageException.class, () -> processor.process(cut, Pipeline.DEFAULT)).code());
    }

    @Test
    void aChainRunsInOrderAndIsEncodedAsAsked() throws Exception {
        BufferedImage picture = TestImages.colorful(40, 20);
        Pipeline chain = new Pipeline(List.of(new Resize(20, 20), new Rotate(90), new Grayscale()), ImageFormat.PNG, 0.9);
        ImageProcessor.Processed out = processor.process(TestImages.encode(picture, "png"), chain);
        assertEquals(40, out.inputWidth());
        assertEquals(20, out.inputHeight());
        assertEquals(10, out.width(), "20×10 after resize, turned to 10×20");
        assertEquals(20, out.height());
        Pixels expected = new Grayscale().apply(new Rotate(90).apply(new Resize(20, 20).apply(Pixels.of(picture))));
        assertArrayEquals(expected.argb(), Pixels.of(TestImages.decode(out.bytes())).argb());

        Pipeline jpeg = new Pipeline(List.of(new Invert()), ImageFormat.JPEG, 0.5);
        ImageProcessor.Processed inverted = processor.process(TestImages.encode(picture, "gif"), jpeg);
        assertEquals(ImageFormat.GIF, inverted.inputFormat());
        assertEquals(ImageFormat.JPEG, inverted.outputFormat());
        assertEquals(0xff, inverted.bytes()[0] & 0xff);
    }
}
