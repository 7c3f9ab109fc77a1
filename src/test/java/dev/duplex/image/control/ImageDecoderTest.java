package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(40_000_000);

    @Test
    void decodesPngExactlyWithAlpha() throws Exception {
        BufferedImage picture = TestImages.colorful(37, 21);
        picture.setRGB(0, 0, 0x40123456);
        ImageDecoder.Decoded decoded = decoder.decode(TestImages.encode(picture, "png"));
        assertEquals(ImageFormat.PNG, decoded.format());
        int[] expected = picture.getRGB(0, 0, 37, 21, null, 0, 37);
        assertTrue(Arrays.equals(expected, decoded.pixels().argb()), "PNG is lossless");
    }

    @Test
    void decodesJpegGifAndBmp() throws Exception {
        BufferedImage picture = TestImages.colorful(40, 30);
        for (String format : new String[] {"jpeg", "gif", "bmp"}) {
            ImageDecoder.Decoded decoded = decoder.decode(TestImages.encode(picture, format));
            assertEquals(format, decoded.format().wireName());
            assertEquals(40, decoded.pixels().width());
            assertEquals(30, decoded.pixels().height());
            int centre = decoded.pixels().get(20, 15);
            assertTrue(close(centre, picture.getRGB(20, 15), format.equals("bmp") ? 0 : 40),
                    format + " centre " + Integer.toHexString(centre));
        }
    }

    @Test
    void decodesEveryKindOfWebP() throws Exception {
        Pixels lossless = decoder.decode(TestImages.resource("quad-lossless.webp")).pixels();
        assertEquals(32, lossless.width());
        assertEquals(24, lossless.height());
        assertEquals(0xffff0000, lossless.get(0, 0));
        assertEquals(0xff00ff00, lossless.get(31, 0));
        assertEquals(0xff0000ff, lossless.get(0, 23));
        assertEquals(0xffffffff, lossless.get(31, 23));

        Pixels lossy = decoder.decode(TestImages.resource("quad-lossy.webp")).pixels();
        assertTrue(close(lossy.get(4, 4), 0xffff0000, 24), Integer.toHexString(lossy.get(4, 4)));
        assertTrue(close(lossy.get(27, 19), 0xffffffff, 24), Integer.toHexString(lossy.get(27, 19)));

        Pixels alpha = decoder.decode(TestImages.resource("alpha-lossy.webp")).pixels();
        assertEquals(0xff, alpha.get(4, 4) >>> 24, "left half opaque");
        assertEquals(0, alpha.get(27, 4) >>> 24, "right half transparent");
    }

    @Test
    void truncatedAndDamagedImagesAreRefusedWithTheReason() {
        byte[] png = TestImages.encode(TestImages.photoLike(120, 80, 1), "png");
        assertCode(ErrorCode.TRUNCATED, Arrays.copyOf(png, png.length / 2));
        byte[] jpeg = TestImages.encode(TestImages.photoLike(120, 80, 1), "jpeg");
        assertCode(ErrorCode.TRUNCATED, Arrays.copyOf(jpeg, jpeg.length / 2));
        byte[] bmp = TestImages.encode(TestImages.photoLike(120, 80, 1), "bmp");
        assertCode(ErrorCode.TRUNCATED, Arrays.copyOf(bmp, bmp.length / 2));
        byte[] gif = TestImages.encode(TestImages.photoLike(120, 80, 1), "gif");
        ImageException cutGif = assertThrows(ImageException.class, () -> decoder.decode(Arrays.copyOf(gif, gif.length / 2)));
        assertTrue(cutGif.code() == ErrorCode.CORRUPT || cutGif.code() == ErrorCode.TRUNCATED, cutGif.getMessage());
        byte[] webp = TestImages.resource("quad-lossy.webp");
        ImageException cutWebp = assertThrows(ImageException.class, () -> decoder.decode(Arrays.copyOf(webp, webp.length - 40)));
        assertTrue(cutWebp.code() == ErrorCode.CORRUPT || cutWebp.code() == ErrorCode.TRUNCATED, cutWebp.getMessage());

        byte[] garbled = png.clone();
        for (int i = 60; i < garbled.length - 20; i += 7) {
            garbled[i] ^= 0x5a;
        }
        ImageException e = assertThrows(ImageException.class, () -> decoder.decode(garbled));
        assertEquals(ErrorCode.CORRUPT, e.code());
        assertEquals("The png image could not be decoded: its data is corrupt", e.getMessage(), "the decoder's own text stays on the server");
    }

    @Test
    void bombsAreRefusedBeforeDecoding() {
        for (byte[] bomb : new byte[][] {TestImages.pngBomb(50_000, 50_000), TestImages.gifBomb(50_000, 50_000, 50_000, 50_000),
            TestImages.jpegBomb(65_000, 65_000), TestImages.bmpBomb(50_000, 50_000), TestImages.webpBomb(50_000, 50_000)}) {
            assertCode(ErrorCode.TOO_MANY_PIXELS, bomb);
        }
        ImageDecoder tiny = new ImageDecoder(700);
        ImageException e = assertThrows(ImageException.class,
                () -> tiny.decode(TestImages.encode(TestImages.colorful(37, 21), "png")));
        assertEquals(ErrorCode.TOO_MANY_PIXELS, e.code(), "777 pixels over a limit of 700");
    }

    @Test
    void grayImagesKeepTheirSampleValues() throws Exception {
        // Java 2D would brighten these (it takes gray samples as linear light); browsers do not.
        BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {5, 128, 250});
        Pixels pixels = decoder.decode(TestImages.encode(gray, "png")).pixels();
        assertTrue(Arrays.equals(new int[] {0xff050505, 0xff808080, 0xfffafafa}, pixels.argb()),
                Arrays.toString(pixels.argb()));
        var model = new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY),
                true, false, java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        var raster = model.createCompatibleWritableRaster(2, 1);
        raster.setPixels(0, 0, 2, 1, new int[] {64, 128, 64, 255});
        byte[] grayAlphaPng = TestImages.encode(new BufferedImage(model, raster, false, null), "png");
        assertEquals(4, grayAlphaPng[25], "PNG colour type 4: gray with alpha");
        Pixels grayAlpha = decoder.decode(grayAlphaPng).pixels();
        assertTrue(Arrays.equals(new int[] {0x80404040, 0xff404040}, grayAlpha.argb()), Arrays.toString(grayAlpha.argb()));
    }

    @Test
    void inspectionNeedsNoDecoding() throws Exception {
        ImageDecoder.Inspection inspection = decoder.inspect(TestImages.pngBomb(6000, 5000));
        assertEquals(ImageFormat.PNG, inspection.format());
        assertEquals(30_000_000, inspection.claimed().pixels());
    }

    private void assertCode(ErrorCode code, byte[] bytes) {
        ImageException e = assertThrows(ImageException.class, () -> decoder.decode(bytes));
        assertEquals(code, e.code(), e.getMessage());
    }

    /** Whether two pixels are within the tolerance on every channel. */
    static boolean close(int a, int b, int tolerance) {
        for (int shift = 0; shift < 32; shift += 8) {
            if (Math.abs((a >>> shift & 0xff) - (b >>> shift & 0xff)) > tolerance) {
                return false;
            }
        }
        return true;
    }
}
