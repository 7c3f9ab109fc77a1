package dev.duplex.image.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every operation on small synthetic images whose expected pixels are worked out by hand. */
class OperationsTest {

    private static final int A = 0xffaa0000, B = 0xff00bb00, C = 0xff0000cc, D = 0xff111111, E = 0xff222222, F = 0xff333333;

    static Pixels image(int width, int height, int... argb) {
        return new Pixels(width, height, argb.clone());
    }

    static int gray(int v) {
        return 0xff000000 | v << 16 | v << 8 | v;
    }

    @Test
    void grayscaleUsesRec601WeightsAndKeepsAlpha() {
        Pixels out = new Grayscale().apply(image(5, 1, 0xffff0000, 0xff00ff00, 0xff0000ff, 0xffffffff, 0x80ff0000));
        assertArrayEquals(new int[] {gray(76), gray(150), gray(29), gray(255), 0x804c4c4c}, out.argb(),
                "red 0.299·255=76.2, green 0.587·255=149.7, blue 0.114·255=29.1");
        Random random = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            int p = 0xff000000 | random.nextInt(1 << 24);
            double exact = 0.299 * (p >> 16 & 0xff) + 0.587 * (p >> 8 & 0xff) + 0.114 * (p & 0xff);
            int y = new Grayscale().apply(image(1, 1, p)).argb()[0];
            assertTrue(Math.abs((y & 0xff) - exact) <= 0.51, Integer.toHexString(p) + " → " + Integer.toHexString(y));
            assertEquals(y & 0xff, y >> 8 & 0xff);
            assertEquals(y & 0xff, y >> 16 & 0xff);
        }
    }

    @Test
    void invertFlipsColoursButNotAlpha() {
        Pixels out = new Invert().apply(image(3, 1, 0xff123456, 0x10000000, 0x80ffffff));
        assertArrayEquals(new int[] {0xffedcba9, 0x10ffffff, 0x80000000}, out.argb());
    }

    @Test
    void sepiaAppliesTheIntegerMatrix() {
        Pixels out = new Sepia().apply(image(3, 1, 0xffffffff, 0xff000000, 0x7f643214));
        // white: R 255·1383/1024 and G 255·1231/1024 clamp to 255, B = 255·960/1024 = 239.06
        // (100, 50, 20): (83430, 74240, 57930) / 1024 = (81.5, 72.5, 56.6) → 81, 73, 57 with rounding
        assertArrayEquals(new int[] {0xffffffef, 0xff000000, 0x7f514939}, out.argb());
    }

    @Test
    void thresholdSplitsAtTheLevelByLuma() {
        Pixels out = new Threshold(128).apply(image(4, 1, gray(127), gray(128), 0xffff0000, 0x40ffffff));
        assertArrayEquals(new int[] {0xff000000, 0xffffffff, 0xff000000, 0x40ffffff}, out.argb());
    }

    @Test
    void blurMatchesANaiveThreeBoxReference() {
        Random random = new Random(7);
        int w = 23;
        int h = 17;
        int[] argb = new int[w * h];
        Arrays.setAll(argb, i -> 0xff000000 | random.nextInt(1 << 24));
        for (int radius : new int[] {1, 2, 5, 30, Blur.MAX_RADIUS}) {
            Pixels out = new Blur(radius).apply(image(w, h, argb));
            assertArrayEquals(naiveBlur(argb, w, h, radius), out.argb(), "radius " + radius);
        }
        int[] white = new int[300 * 2];
        Arrays.fill(white, 0xffffffff);
        assertTrue(Arrays.stream(new Blur(Blur.MAX_RADIUS).apply(image(300, 2, white)).argb()).allMatch(p -> p == 0xffffffff),
                "the widest window of pure white stays white: no lane overflows");
        assertThrows(IllegalArgumentException.class, () -> new Blur(Blur.MAX_RADIUS + 1));
        Pixels spot = image(5, 5, new int[25]);
        Arrays.fill(spot.argb(), 0xff000000);
        spot.argb()[12] = 0xffffffff;
        Pixels blurred = new Blur(1).apply(spot);
        assertEquals(blurred.get(1, 2), blurred.get(3, 2), "symmetric");
        assertEquals(blurred.get(2, 1), blurred.get(2, 3), "symmetric");
        assertTrue((blurred.get(2, 2) & 0xff) < 255 && (blurred.get(2, 2) & 0xff) > (blurred.get(0, 0) & 0xff), "spread out");
    }

    @Test
    void blurKeepsFlatImagesFlatAndDoesNotBleedHiddenColours() {
        Pixels flat = image(7, 4, new int[28]);
        Arrays.fill(flat.argb(), 0xff3c5a78);
        assertTrue(Arrays.stream(new Blur(3).apply(flat).argb()).allMatch(p -> p == 0xff3c5a78));

        int[] half = new int[8 * 2];
        for (int i = 0; i < half.length; i++) {
            half[i] = i % 8 < 4 ? 0xff000000 : 0x00ffffff;
        }
        Pixels out = new Blur(2).apply(image(8, 2, half));
        for (int p : out.argb()) {
            if (p >>> 24 != 0) {
                assertEquals(0, p & 0xffffff, "a translucent edge stays black, not grey: " + Integer.toHexString(p));
            }
        }
        assertTrue(out.get(3, 0) >>> 24 < 255 && out.get(4, 0) >>> 24 > 0, "alpha is blurred across the edge");
    }

    @Test
    void sharpenAppliesTheKernelAndClamps() {
        int[] field = new int[9];
        Arrays.fill(field, gray(50));
        field[4] = gray(100);
        Pixels out = new Sharpen(1).apply(image(3, 3, field));
        // centre 5·100 − 4·50 = 300 → 255; its neighbours 5·50 − (100+50+50+50) = 0; corners unchanged
        assertArrayEquals(new int[] {gray(50), gray(0), gray(50), gray(0), gray(255), gray(0), gray(50), gray(0), gray(50)},
                out.argb());
        Pixels flat = image(4, 4, new int[16]);
        Arrays.fill(flat.argb(), 0x80406080);
        assertTrue(Arrays.stream(new Sharpen(2.5).apply(flat).argb()).allMatch(p -> p == 0x80406080));
    }

    @Test
    void edgesFindAVerticalStepAndNothingOnFlatGround() {
        int[] step = new int[6 * 3];
        for (int i = 0; i < step.length; i++) {
            step[i] = i % 6 < 3 ? gray(0) : gray(255);
        }
        Pixels out = new Edges().apply(image(6, 3, step));
        for (int y = 0; y < 3; y++) {
            // Gx = (255 + 2·255 + 255) − 0 = 1020 at the two columns next to the step: clamped to 255
            assertArrayEquals(new int[] {gray(0), gray(0), gray(255), gray(255), gray(0), gray(0)},
                    Arrays.copyOfRange(out.argb(), y * 6, y * 6 + 6), "row " + y);
        }
        Pixels flat = image(3, 3, new int[9]);
        Arrays.fill(flat.argb(), 0x7fabcdef);
        assertTrue(Arrays.stream(new Edges().apply(flat).argb()).allMatch(p -> p == 0x7f000000));
    }

    @Test
    void rotateTurnsATwoByThreeImage() {
        // A B        90°: E C A     180°: F E     270°: B D F
        // C D             F D B           D C           A C E
        // E F                             B A
        Pixels right = new Rotate(90).apply(image(2, 3, A, B, C, D, E, F));
        assertEquals(3, right.width());
        assertEquals(2, right.height());
        assertArrayEquals(new int[] {E, C, A, F, D, B}, right.argb());
        Pixels half = new Rotate(180).apply(image(2, 3, A, B, C, D, E, F));
        assertEquals(2, half.width());
        assertArrayEquals(new int[] {F, E, D, C, B, A}, half.argb());
        Pixels left = new Rotate(270).apply(image(2, 3, A, B, C, D, E, F));
        assertEquals(3, left.width());
        assertArrayEquals(new int[] {B, D, F, A, C, E}, left.argb());
        assertThrows(IllegalArgumentException.class, () -> new Rotate(45));
    }

    @Test
    void flipMirrorsRowsOrColumns() {
        assertArrayEquals(new int[] {B, A, D, C, F, E}, new Flip(true).apply(image(2, 3, A, B, C, D, E, F)).argb());
        assertArrayEquals(new int[] {E, F, C, D, A, B}, new Flip(false).apply(image(2, 3, A, B, C, D, E, F)).argb());
        assertArrayEquals(new int[] {C, B, A}, new Flip(true).apply(image(3, 1, A, B, C)).argb());
    }

    @Test
    void resizeAveragesTheAreaEachPixelCovers() {
        Pixels out = new Resize(2, 100).apply(image(4, 2, gray(0), gray(100), gray(200), gray(250),
                gray(40), gray(60), gray(0), gray(2)));
        assertEquals(2, out.width());
        assertEquals(1, out.height());
        assertArrayEquals(new int[] {gray(50), gray(113)}, out.argb(), "(0+100+40+60)/4, (200+250+0+2)/4");

        // 3 → 2: the first pixel covers source [0, 1.5), the second [1.5, 3)
        Pixels third = new Resize(2, 2).apply(image(3, 1, gray(0), gray(90), gray(180)));
        assertArrayEquals(new int[] {gray(30), gray(150)}, third.argb());

        Pixels translucent = new Resize(1, 1).apply(image(2, 1, 0xff000000, 0x00ffffff));
        assertArrayEquals(new int[] {0x80000000}, translucent.argb(), "hidden white does not turn black grey");

        Pixels small = image(2, 2, A, B, C, D);
        assertSame(small, new Resize(100, 100).apply(small), "never enlarged");
    }

    @Test
    void resizeIsWithinOneOfTheExactAreaAverage() {
        // Rows and columns are averaged in turn and each pass rounds to 8 bits: at most 1 off.
        Random random = new Random(3);
        int w = 13;
        int h = 9;
        int[] argb = new int[w * h];
        Arrays.setAll(argb, i -> 0xff000000 | random.nextInt(1 << 24));
        Pixels out = new Resize(5, 5).apply(image(w, h, argb));
        assertEquals(5, out.width());
        assertEquals(3, out.height(), "9 · 5/13 = 3.46");
        double sx = w / 5.0;
        double sy = h / 3.0;
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 5; x++) {
                for (int shift = 0; shift <= 16; shift += 8) {
                    double sum = 0;
                    for (int j = 0; j < h; j++) {
                        for (int i = 0; i < w; i++) {
                            double cover = overlap(i, x * sx, (x + 1) * sx) * overlap(j, y * sy, (y + 1) * sy);
                            sum += cover * (argb[j * w + i] >> shift & 0xff);
                        }
                    }
                    double exact = sum / (sx * sy);
                    int got = out.get(x, y) >> shift & 0xff;
                    assertTrue(Math.abs(got - exact) <= 1.0, "(" + x + "," + y + ") " + got + " vs " + exact);
                }
            }
        }
    }

    private static double overlap(int pixel, double from, double to) {
        return Math.max(0, Math.min(pixel + 1, to) - Math.max(pixel, from));
    }

    @Test
    void resizeKeepsTheAspectRatio() {
        assertArrayEquals(new int[] {800, 450}, Resize.fit(1920, 1080, 800, 800));
        assertArrayEquals(new int[] {356, 200}, Resize.fit(1920, 1080, 800, 200));
        assertArrayEquals(new int[] {1, 1}, Resize.fit(1000, 1, 1, 1));
        assertArrayEquals(new int[] {10, 1}, Resize.fit(10000, 1, 10, 10), "at least one pixel high");
        assertArrayEquals(new int[] {640, 480}, Resize.fit(640, 480, 640, 480));
        Pixels big = Pixels.blank(1920, 1080);
        Pixels out = new Resize(800, 800).apply(big);
        assertEquals(800, out.width());
        assertEquals(450, out.height());
    }

    @Test
    void pixelatePaintsEachCellWithItsAverage() {
        Pixels out = new Pixelate(2).apply(image(3, 3,
                gray(0), gray(100), gray(7),
                gray(20), gray(40), gray(9),
                gray(200), gray(210), gray(255)));
        assertArrayEquals(new int[] {
            gray(40), gray(40), gray(8),
            gray(40), gray(40), gray(8),
            gray(205), gray(205), gray(255)}, out.argb(), "(0+100+20+40)/4, (7+9)/2, (200+210)/2, 255");
        Pixels mixed = new Pixelate(2).apply(image(2, 1, 0xffff0000, 0x000000ff));
        assertArrayEquals(new int[] {0x80ff0000, 0x80ff0000}, mixed.argb(), "the transparent blue does not count");
    }

    @Test
    void echoAndReencodeLeaveThePixelsAlone() {
        Pixels in = image(2, 1, A, B);
        assertArrayEquals(new int[] {A, B}, new Echo().apply(in).argb());
        assertArrayEquals(new int[] {A, B}, new Reencode().apply(in).argb());
    }

    /** Three box passes the obvious way: every window summed from scratch, coordinates clamped. */
    private static int[] naiveBlur(int[] argb, int w, int h, int r) {
        int[] current = argb.clone();
        int window = 2 * r + 1;
        for (int pass = 0; pass < 3; pass++) {
            int[] rows = new int[current.length];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] sum = new int[4];
                    for (int i = -r; i <= r; i++) {
                        add(sum, current[y * w + Math.min(w - 1, Math.max(0, x + i))]);
                    }
                    rows[y * w + x] = average(sum, window);
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] sum = new int[4];
                    for (int i = -r; i <= r; i++) {
                        add(sum, rows[Math.min(h - 1, Math.max(0, y + i)) * w + x]);
                    }
                    current[y * w + x] = average(sum, window);
                }
            }
        }
        return current;
    }

    private static void add(int[] sum, int p) {
        sum[0] += p >>> 24;
        sum[1] += p >> 16 & 0xff;
        sum[2] += p >> 8 & 0xff;
        sum[3] += p & 0xff;
    }

    private static int average(int[] sum, int n) {
        int[] c = new int[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (sum[i] + n / 2) / n;
        }
        return c[0] << 24 | c[1] << 16 | c[2] << 8 | c[3];
    }
}
