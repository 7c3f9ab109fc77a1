package dev.duplex.image.control;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code resize}: scales the image down to fit within {@code maxWidth} × {@code maxHeight},
 * keeping its aspect ratio; an image that already fits is left as it is (never enlarged). Each
 * new pixel is the exact area average of the source pixels it covers (a box filter with
 * fractional edge weights, rows first, then columns), computed premultiplied for translucent
 * images.
 */
record Resize(int maxWidth, int maxHeight) implements ImageOperation {

    static final String NAME = "resize";
    private static final int ONE = 1 << 16;

    Resize {
        if (maxWidth < 1 || maxHeight < 1) {
            throw new IllegalArgumentException("the box must be at least 1×1: " + maxWidth + "×" + maxHeight);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** In declaration order (replies list them so), not in {@code Map.of}'s unspecified order. */
    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("maxWidth", maxWidth);
        parameters.put("maxHeight", maxHeight);
        return Collections.unmodifiableMap(parameters);
    }

    /** The size the image gets: within the box, aspect kept, at least 1×1, never larger. */
    static int[] fit(int width, int height, int maxWidth, int maxHeight) {
        double scale = Math.min(1.0, Math.min(maxWidth / (double) width, maxHeight / (double) height));
        if (scale >= 1.0) {
            return new int[] {width, height};
        }
        return new int[] {
            Math.max(1, Math.min(maxWidth, (int) Math.round(width * scale))),
            Math.max(1, Math.min(maxHeight, (int) Math.round(height * scale)))
        };
    }

    /**
     * Nothing when the image fits already; otherwise the row pass ({@code nw × h}), the output
     * ({@code nw × nh}), the weights of both directions and the four column sums.
     */
    @Override
    public Footprint footprint(int width, int height) {
        int[] size = fit(width, height, maxWidth, maxHeight);
        int nw = size[0];
        int nh = size[1];
        if (nw == width && nh == height) {
            return new Footprint(0, width, height);
        }
        long bytes = 4L * nw * height + 4L * nw * nh + Weights.bytes(width, nw) + Weights.bytes(height, nh) + 4 * 4L * nw;
        return new Footprint(bytes, nw, nh);
    }

    @Override
    public Pixels apply(Pixels image) {
        int w = image.width();
        int h = image.height();
        int[] size = fit(w, h, maxWidth, maxHeight);
        int nw = size[0];
        int nh = size[1];
        if (nw == w && nh == h) {
            return image;
        }
        int[] src = image.argb();
        boolean opaque = image.isOpaque();
        if (!opaque) {
            Pixels.premultiply(src);
        }
        int[] rows = new int[nw * h];
        Weights across = Weights.of(w, nw);
        for (int y = 0; y < h; y++) {
            int in = y * w;
            int out = y * nw;
            for (int x = 0; x < nw; x++) {
                int a = ONE / 2;
                int r = ONE / 2;
                int g = ONE / 2;
                int b = ONE / 2;
                for (int k = across.offset[x], end = across.offset[x + 1], j = in + across.first[x]; k < end; k++, j++) {
                    int p = src[j];
                    int wt = across.weight[k];
                    a += (p >>> 24) * wt;
                    r += ((p >> 16) & 0xff) * wt;
                    g += ((p >> 8) & 0xff) * wt;
                    b += (p & 0xff) * wt;
                }
                rows[out + x] = (a >>> 16) << 24 | (r >>> 16) << 16 | (g >>> 16) << 8 | (b >>> 16);
            }
        }
        int[] dst = new int[nw * nh];
        Weights down = Weights.of(h, nh);
        int[] sa = new int[nw];
        int[] sr = new int[nw];
        int[] sg = new int[nw];
        int[] sb = new int[nw];
        for (int y = 0; y < nh; y++) {
            java.util.Arrays.fill(sa, ONE / 2);
            java.util.Arrays.fill(sr, ONE / 2);
            java.util.Arrays.fill(sg, ONE / 2);
            java.util.Arrays.fill(sb, ONE / 2);
            for (int k = down.offset[y], end = down.offset[y + 1], j = down.first[y]; k < end; k++, j++) {
                int wt = down.weight[k];
                int row = j * nw;
                for (int x = 0; x < nw; x++) {
                    int p = rows[row + x];
                    sa[x] += (p >>> 24) * wt;
                    sr[x] += ((p >> 16) & 0xff) * wt;
                    sg[x] += ((p >> 8) & 0xff) * wt;
                    sb[x] += (p & 0xff) * wt;
                }
            }
            int out = y * nw;
            for (int x = 0; x < nw; x++) {
                dst[out + x] = (sa[x] >>> 16) << 24 | (sr[x] >>> 16) << 16 | (sg[x] >>> 16) << 8 | (sb[x] >>> 16);
            }
        }
        if (!opaque) {
            Pixels.unpremultiply(dst);
        }
        return new Pixels(nw, nh, dst);
    }

    /**
     * For each target index, the source pixels it covers ({@code first} and the weights from
     * {@code offset[i]} to {@code offset[i+1]}), weighted by the fraction of each that is covered,
     * in 1/65536, summing to exactly 65536.
     */
    static final class Weights {
        final int[] first;
        final int[] offset;
        final int[] weight;

        private Weights(int[] first, int[] offset, int[] weight) {
            this.first = first;
            this.offset = offset;
            this.weight = weight;
        }

        /** What {@link #of} allocates. */
        static long bytes(int source, int target) {
            return 4L * target + 4L * (target + 1) + 4L * target * ((int) Math.ceil(source / (double) target) + 2);
        }

        static Weights of(int source, int target) {
            double scale = source / (double) target;
            int[] first = new int[target];
            int[] offset = new int[target + 1];
            int[] weight = new int[target * ((int) Math.ceil(scale) + 2)];
            int n = 0;
            for (int i = 0; i < target; i++) {
                double from = i * scale;
                double to = Math.min(source, (i + 1) * scale);
                int start = (int) Math.floor(from);
                int end = Math.min(source, (int) Math.ceil(to));
                first[i] = start;
                offset[i] = n;
                int sum = 0;
                int heaviest = n;
                for (int j = start; j < end; j++) {
                    double covered = Math.min(to, j + 1) - Math.max(from, j);
                    int wt = (int) Math.round(covered / scale * ONE);
                    weight[n] = wt;
                    sum += wt;
                    if (wt > weight[heaviest]) {
                        heaviest = n;
                    }
                    n++;
                }
                weight[heaviest] += ONE - sum;
            }
            offset[target] = n;
            return new Weights(first, offset, weight);
        }
    }
}
