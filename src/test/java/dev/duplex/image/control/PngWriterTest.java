package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.duplex.image.TestImages;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class PngWriterTest {

    private static byte[] png(Pixels pixels, PngWriter.ColourType type) throws Exception {
        MemoryImageOutput out = new MemoryImageOutput(1 << 24, 1024);
        PngWriter.write(pixels, type, out);
        return out.toByteArray();
    }

    @Test
    void randomImagesComeBackExactlyThroughImageIo() throws Exception {
        Random random = new Random(11);
        int[] argb = new int[37 * 23];
        for (int i = 0; i < argb.length; i++) {
            argb[i] = random.nextInt();
        }
        Pixels translucent = new Pixels(37, 23, argb);
        assertArrayEquals(argb, Pixels.of(TestImages.decode(png(translucent, PngWriter.ColourType.RGBA))).argb());

        Pixels photo = Pixels.of(TestImages.photoLike(300, 200, 5));
        assertArrayEquals(photo.argb(), Pixels.of(TestImages.decode(png(photo, PngWriter.ColourType.RGB))).argb());

        Pixels gray = new Grayscale().apply(photo.copy());
        assertArrayEquals(gray.argb(), Pixels.of(TestImages.decode(png(gray, PngWriter.ColourType.GRAY))).argb());
    }

    @Test
    void chunksAreWellFormed() throws Exception {
        byte[] png = png(Pixels.of(TestImages.colorful(20, 10)), PngWriter.ColourType.RGB);
        ByteBuffer b = ByteBuffer.wrap(png);
        b.position(8);
        String[] expected = {"IHDR", "IDAT", "IEND"};
        for (String type : expected) {
            int length = b.getInt();
            byte[] name = new byte[4];
            b.get(name);
            assertEquals(type, new String(name, java.nio.charset.StandardCharsets.US_ASCII));
            byte[] data = new byte[length];
            b.get(data);
            CRC32 crc = new CRC32();
            crc.update(name);
            crc.update(data);
            assertEquals((int) crc.getValue(), b.getInt(), type + " CRC");
        }
        assertEquals(png.length, b.position(), "nothing after IEND");
        assertEquals(20, ByteBuffer.wrap(png, 16, 4).getInt());
        assertEquals(10, ByteBuffer.wrap(png, 20, 4).getInt());
    }

    @Test
    void paethPicksTheNearestNeighbour() {
        assertEquals(10, PngWriter.paethPredictor(10, 20, 20), "p = 10: a is exact");
        assertEquals(20, PngWriter.paethPredictor(10, 20, 10), "p = 20: b is exact");
        assertEquals(14, PngWriter.paethPredictor(10, 20, 14), "p = 16: c is nearest");
        assertEquals(10, PngWriter.paethPredictor(10, 20, 25), "p = 5: a is nearest");
        assertEquals(7, PngWriter.paethPredictor(7, 7, 7), "ties go to a");
    }

    @Test
    void eachRowGetsTheFilterWithTheSmallestSum() {
        byte[] out = new byte[7];
        byte[] zeros = new byte[6];
        byte[] ramp = {10, 20, 30, 40, 50, 60};
        assertEquals(1, PngWriter.filter(ramp, zeros, 1, out)[0], "a ramp is cheapest as differences to the left: Sub");
        assertEquals(2, PngWriter.filter(ramp, ramp, 1, out)[0], "a row like the one above: Up");
        assertEquals(0, PngWriter.filter(zeros, zeros, 1, out)[0], "all zero: None wins ties");
        assertArrayEquals(new byte[] {1, 10, 10, 10, 10, 10, 10}, PngWriter.filter(ramp, zeros, 1, out));
        byte[] rising = {10, 20, 30, 40, 50, 60};
        byte[] below = {15, 25, 35, 45, 55, 65};
        assertArrayEquals(new byte[] {2, 5, 5, 5, 5, 5, 5}, PngWriter.filter(below, rising, 1, out), "Up: 5 each");
    }
}
