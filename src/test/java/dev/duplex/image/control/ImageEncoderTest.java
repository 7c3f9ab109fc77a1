package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageEncoderTest {

    private final ImageEncoder encoder = new ImageEncoder(64L << 20);

    @Test
    void pngUsesTheSmallestExactColourType() throws Exception {
        Pixels colour = Pixels.of(TestImages.colorful(30, 20));
        Pixels gray = new Grayscale().apply(colour.copy());
        Pixels translucent = colour.copy();
        translucent.argb()[5] = 0x20abcdef;
        assertPng(gray, 0);
        assertPng(colour, 2);
        assertPng(translucent, 6);
    }

    private void assertPng(Pixels pixels, int colourType) throws ImageException {
        byte[] png = encoder.encode(pixels, ImageFormat.PNG, 0.9);
        assertEquals(colourType, png[25], "IHDR colour type");
        assertEquals(8, png[24], "bit depth");
        assertArrayEquals(pixels.argb(), Pixels.of(TestImages.decode(png)).argb(), "lossless");
    }

    @Test
    void jpegHonoursTheQualityAndFlattensAlphaOntoWhite() throws Exception {
        Pixels photo = Pixels.of(TestImages.photoLike(160, 120, 2));
        byte[] low = encoder.encode(photo.copy(), ImageFormat.JPEG, 0.2);
        byte[] high = encoder.encode(photo.copy(), ImageFormat.JPEG, 0.95);
        assertEquals(0xffd8, (high[0] & 0xff) << 8 | (high[1] & 0xff), "JPEG SOI marker");
        assertTrue(low.length < high.length / 2, low.length + " vs " + high.length);

        Pixels translucent = Pixels.blank(16, 16);
        java.util.Arrays.fill(translucent.argb(), 0x00000000);
        BufferedImage back = TestImages.decode(encoder.encode(translucent, ImageFormat.JPEG, 0.9));
        assertTrue(ImageDecoderTest.close(back.getRGB(8, 8), 0xffffffff, 2), Integer.toHexString(back.getRGB(8, 8)));

        Pixels gray = new Grayscale().apply(Pixels.of(TestImages.colorful(16, 16)));
        BufferedImage grayBack = TestImages.decode(encoder.encode(gray.copy(), ImageFormat.JPEG, 0.95));
        assertEquals(1, grayBack.getRaster().getNumBands(), "a gray image is written as a one-channel JPEG");
        Pixels grayPixels = Pixels.of(grayBack);
        for (int i = 0; i < gray.argb().length; i += 17) {
            assertTrue(ImageDecoderTest.close(gray.argb()[i], grayPixels.argb()[i], 6), "gray JPEG samples read as sRGB at " + i);
        }
    }

    @Test
    void refusesResultsOverTheOutputLimit() {
        ImageEncoder small = new ImageEncoder(10_000);
        ImageException e = assertThrows(ImageException.class,
                () -> small.encode(Pixels.of(TestImages.photoLike(200, 200, 3)), ImageFormat.PNG, 0.9));
        assertEquals(ErrorCode.OUTPUT_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("10000 bytes"), e.getMessage());
    }

    @Test
    void memoryOutputSeeksAndReadsBack() throws Exception {
        MemoryImageOutput out = new MemoryImageOutput(100, 4);
        out.write(new byte[] {1, 2, 3, 4, 5, 6});
        out.seek(2);
        out.write(9);
        out.seek(0);
        byte[] read = new byte[6];
        out.readFully(read);
        assertArrayEquals(new byte[] {1, 2, 9, 4, 5, 6}, read);
        assertArrayEquals(new byte[] {1, 2, 9, 4, 5, 6}, out.toByteArray());
        assertThrows(MemoryImageOutput.TooLarge.class, () -> out.write(new byte[95]));
    }
}
