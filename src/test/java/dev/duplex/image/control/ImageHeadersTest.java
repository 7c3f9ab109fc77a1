package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.control.ImageHeaders.Size;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Header-based size and bomb detection, format by format. */
class ImageHeadersTest {

    private static final long LIMIT = 40_000_000;

    @Test
    void readsTheRealSizeOfEachFormat() throws Exception {
        var picture = TestImages.colorful(37, 21);
        for (ImageFormat format : new ImageFormat[] {ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.GIF, ImageFormat.BMP}) {
            byte[] bytes = TestImages.encode(picture, format.wireName());
            assertEquals(new Size(37, 21), ImageHeaders.claimedSize(format, bytes), format.wireName());
        }
        for (String webp : new String[] {"quad-lossless.webp", "quad-lossy.webp", "alpha-lossy.webp"}) {
            assertEquals(new Size(32, 24), ImageHeaders.claimedSize(ImageFormat.WEBP, TestImages.resource(webp)), webp);
        }
    }

    @Test
    void refusesPngBombsFromTheIhdrChunk() throws Exception {
        byte[] bomb = TestImages.pngBomb(50_000, 50_000);
        assertTrue(bomb.length < 1024, "tiny: " + bomb.length);
        assertBomb(ImageFormat.PNG, bomb, new Size(50_000, 50_000));
        assertEquals(new Size(6000, 6000), ImageHeaders.claimedSize(ImageFormat.PNG, TestImages.pngBomb(6000, 6000)));
        ImageHeaders.checkLimit(ImageFormat.PNG, new Size(6000, 6000), LIMIT);
    }

    @Test
    void refusesGifBombsFromTheScreenOrTheFrame() throws Exception {
        assertBomb(ImageFormat.GIF, TestImages.gifBomb(50_000, 50_000, 50_000, 50_000), new Size(50_000, 50_000));
        assertBomb(ImageFormat.GIF, TestImages.gifBomb(10, 10, 65_535, 65_535), new Size(65_535, 65_535));
        assertBomb(ImageFormat.GIF, TestImages.gifBomb(65_535, 65_535, 10, 10), new Size(65_535, 65_535));
        assertEquals(new Size(20, 10), ImageHeaders.claimedSize(ImageFormat.GIF, TestImages.gifBomb(20, 10, 20, 10)));
    }

    @Test
    void gifExtensionsBeforeTheFrameAreSkipped() throws Exception {
        byte[] plain = TestImages.gifBomb(20, 10, 60_000, 60_000);
        // Insert a comment extension with two sub-blocks after the colour table (13 + 6 bytes).
        byte[] comment = {0x21, (byte) 0xfe, 3, 'a', 'b', 'c', 2, 'd', 'e', 0};
        byte[] withComment = new byte[plain.length + comment.length];
        System.arraycopy(plain, 0, withComment, 0, 19);
        System.arraycopy(comment, 0, withComment, 19, comment.length);
        System.arraycopy(plain, 19, withComment, 19 + comment.length, plain.length - 19);
        assertBomb(ImageFormat.GIF, withComment, new Size(60_000, 60_000));
    }

    @Test
    void refusesJpegBombsFromTheFrameHeader() throws Exception {
        assertBomb(ImageFormat.JPEG, TestImages.jpegBomb(65_000, 65_000), new Size(65_000, 65_000));
        assertEquals(new Size(300, 200), ImageHeaders.claimedSize(ImageFormat.JPEG, TestImages.jpegBomb(300, 200)));
        byte[] dnl = TestImages.jpegBomb(100, 0);
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT,
                assertThrows(ImageException.class, () -> ImageHeaders.claimedSize(ImageFormat.JPEG, dnl)).code());
    }

    @Test
    void refusesBmpBombsTopDownOrBottomUpAndInOs2Headers() throws Exception {
        assertBomb(ImageFormat.BMP, TestImages.bmpBomb(50_000, 50_000), new Size(50_000, 50_000));
        assertBomb(ImageFormat.BMP, TestImages.bmpBomb(50_000, -50_000), new Size(50_000, 50_000));
        ByteBuffer os2 = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        os2.put((byte) 'B').put((byte) 'M').putInt(32).putInt(0).putInt(26).putInt(12)
                .putShort((short) 65_000).putShort((short) 65_000).putShort((short) 1).putShort((short) 24);
        assertBomb(ImageFormat.BMP, os2.array(), new Size(65_000, 65_000));
        byte[] impossible = TestImages.bmpBomb(10, Integer.MIN_VALUE);
        assertEquals(ErrorCode.CORRUPT,
                assertThrows(ImageException.class, () -> ImageHeaders.claimedSize(ImageFormat.BMP, impossible)).code());
    }

    @Test
    void refusesWebPBombsInEachKindOfHeader() throws Exception {
        assertBomb(ImageFormat.WEBP, TestImages.webpBomb(50_000, 50_000), new Size(50_000, 50_000));

        byte[] lossy = TestImages.resource("quad-lossy.webp").clone();
        // VP8 frame header: 14-bit width and height at 26 and 28.
        lossy[26] = (byte) 0xff;
        lossy[27] = 0x3f;
        lossy[28] = (byte) 0xff;
        lossy[29] = 0x3f;
        assertBomb(ImageFormat.WEBP, lossy, new Size(16_383, 16_383));

        byte[] lossless = TestImages.resource("quad-lossless.webp").clone();
        // VP8L: after the 0x2f signature, 14 bits width-1 then 14 bits height-1.
        int bits = 16_383 | 16_383 << 14;
        for (int i = 0; i < 4; i++) {
            lossless[21 + i] = (byte) ((lossless[21 + i] & (i == 3 ? 0xf0 : 0)) | (bits >>> (8 * i)) & 0xff);
        }
        assertBomb(ImageFormat.WEBP, lossless, new Size(16_384, 16_384));

        byte[] extended = TestImages.resource("alpha-lossy.webp").clone();
        // The VP8X canvas says 32×24, but the VP8 frame inside claims more: the larger claim counts.
        int frame = indexOf(extended, "VP8 ") + 8;
        extended[frame + 6] = (byte) 0xff;
        extended[frame + 7] = 0x3f;
        extended[frame + 8] = (byte) 0xff;
        extended[frame + 9] = 0x3f;
        assertBomb(ImageFormat.WEBP, extended, new Size(16_383, 16_383));
    }

    @Test
    void headersThatEndEarlyAreTruncatedAndNonsenseIsCorrupt() {
        byte[] png = TestImages.encode(TestImages.colorful(8, 8), "png");
        assertCode(ErrorCode.TRUNCATED, ImageFormat.PNG, Arrays.copyOf(png, 20));
        byte[] notIhdr = png.clone();
        notIhdr[12] = 'X';
        assertCode(ErrorCode.CORRUPT, ImageFormat.PNG, notIhdr);
        assertCode(ErrorCode.CORRUPT, ImageFormat.PNG, TestImages.pngBomb(0, 10));
        assertCode(ErrorCode.CORRUPT, ImageFormat.PNG, TestImages.pngBomb(-1, 10));

        byte[] jpeg = TestImages.encode(TestImages.colorful(8, 8), "jpeg");
        assertCode(ErrorCode.TRUNCATED, ImageFormat.JPEG, Arrays.copyOf(jpeg, 30));
        assertCode(ErrorCode.CORRUPT, ImageFormat.JPEG, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xda, 0, 2});
        assertCode(ErrorCode.CORRUPT, ImageFormat.JPEG, new byte[] {(byte) 0xff, (byte) 0xd8, 0x12, 0x34});

        assertCode(ErrorCode.TRUNCATED, ImageFormat.GIF, Arrays.copyOf(TestImages.gifBomb(5, 5, 5, 5), 22));
        assertCode(ErrorCode.TRUNCATED, ImageFormat.GIF, Arrays.copyOf(TestImages.gifBomb(5, 5, 5, 5), 19));
        byte[] gif = TestImages.gifBomb(5, 5, 5, 5);
        gif[19] = 0x3b;
        assertCode(ErrorCode.CORRUPT, ImageFormat.GIF, gif);
        gif[19] = (byte) 0x99;
        assertCode(ErrorCode.CORRUPT, ImageFormat.GIF, gif);

        assertCode(ErrorCode.TRUNCATED, ImageFormat.BMP, Arrays.copyOf(TestImages.bmpBomb(5, 5), 20));
        assertCode(ErrorCode.TRUNCATED, ImageFormat.WEBP, Arrays.copyOf(TestImages.resource("quad-lossy.webp"), 24));
        byte[] webp = TestImages.resource("quad-lossy.webp").clone();
        webp[12] = 'X';
        assertCode(ErrorCode.CORRUPT, ImageFormat.WEBP, webp);
    }

    private static void assertBomb(ImageFormat format, byte[] bytes, Size claimed) throws ImageException {
        Size size = ImageHeaders.claimedSize(format, bytes);
        assertEquals(claimed, size, format.wireName());
        ImageException e = assertThrows(ImageException.class, () -> ImageHeaders.checkLimit(format, size, LIMIT));
        assertEquals(ErrorCode.TOO_MANY_PIXELS, e.code());
        assertTrue(e.getMessage().contains(claimed.toString()) && e.getMessage().contains("the limit is 40.0 megapixels"),
                e.getMessage());
    }

    private static void assertCode(ErrorCode code, ImageFormat format, byte[] bytes) {
        ImageException e = assertThrows(ImageException.class, () -> ImageHeaders.claimedSize(format, bytes));
        assertEquals(code, e.code(), e.getMessage());
    }

    private static int indexOf(byte[] bytes, String ascii) {
        outer:
        for (int i = 0; i + ascii.length() <= bytes.length; i++) {
            for (int j = 0; j < ascii.length(); j++) {
                if (bytes[i + j] != ascii.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(ascii + " not found");
    }
}
