package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.duplex.image.TestImages;
import dev.duplex.image.entity.ErrorCode;
import dev.duplex.image.entity.ImageFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FormatSnifferTest {

    @Test
    void recognisesEveryReadableFormatByItsMagicNumber() throws Exception {
        var picture = TestImages.colorful(16, 8);
        assertEquals(ImageFormat.PNG, FormatSniffer.sniff(TestImages.encode(picture, "png")));
        assertEquals(ImageFormat.JPEG, FormatSniffer.sniff(TestImages.encode(picture, "jpeg")));
        assertEquals(ImageFormat.GIF, FormatSniffer.sniff(TestImages.encode(picture, "gif")));
        assertEquals(ImageFormat.BMP, FormatSniffer.sniff(TestImages.encode(picture, "bmp")));
        assertEquals(ImageFormat.GIF, FormatSniffer.sniff("GIF87a......".getBytes(StandardCharsets.US_ASCII)));
        for (String webp : List.of("quad-lossless.webp", "quad-lossy.webp", "alpha-lossy.webp")) {
            assertEquals(ImageFormat.WEBP, FormatSniffer.sniff(TestImages.resource(webp)), webp);
        }
    }

    @Test
    void namesImageFormatsItDoesNotRead() {
        assertUnsupported("TIFF", new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0});
        assertUnsupported("TIFF", new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8});
        assertUnsupported("AVIF", ascii("\0\0\0\u0020ftypavif\0\0\0\0"));
        assertUnsupported("HEIF", ascii("\0\0\0\u0018ftypheic\0\0\0\0"));
        assertUnsupported("SVG", ascii("  <svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assertUnsupported("SVG", ascii("<?xml version=\"1.0\"?><svg/>"));
        assertUnsupported("ICO", new byte[] {0, 0, 1, 0, 1, 0, 16, 16});
        assertUnsupported("QOI", ascii("qoif\0\0\0\1"));
    }

    @Test
    void refusesWhatIsNotAnImageAndShowsItsFirstBytes() {
        ImageException e = assertThrows(ImageException.class, () -> FormatSniffer.sniff(ascii("hello, world")));
        assertEquals(ErrorCode.NOT_AN_IMAGE, e.code());
        assertTrue(e.getMessage().contains("12 bytes starting 68 65 6c 6c 6f 2c 20 77 …"), e.getMessage());
        assertEquals(ImageFormat.readableNames(), e.valid());
        assertEquals(ErrorCode.NOT_AN_IMAGE, assertThrows(ImageException.class, () -> FormatSniffer.sniff(new byte[0])).code());
        assertEquals(ErrorCode.NOT_AN_IMAGE, assertThrows(ImageException.class,
                () -> FormatSniffer.sniff(ascii("RIFF\0\0\0\0WAVEfmt "))).code(), "a RIFF that is not WebP");
        assertEquals(ErrorCode.NOT_AN_IMAGE, assertThrows(ImageException.class,
                () -> FormatSniffer.sniff(ascii("BM but not a bitmap header"))).code(), "BM followed by nonsense");
        assertEquals(ErrorCode.NOT_AN_IMAGE, assertThrows(ImageException.class,
                () -> FormatSniffer.sniff(new byte[] {(byte) 0x89, 'P', 'N'})).code(), "a PNG signature cut short");
    }

    private static void assertUnsupported(String name, byte[] bytes) {
        ImageException e = assertThrows(ImageException.class, () -> FormatSniffer.sniff(bytes));
        assertEquals(ErrorCode.UNSUPPORTED_FORMAT, e.code(), name);
        assertTrue(e.getMessage().startsWith(name + " images are not supported"), e.getMessage());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
