package gmvae4j.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The embedded synthetic letters set: 26 classes 'a'..'z', each drawn from the upper- and
 * lower-case stroke templates of {@link GlyphTemplates} (several style variants per letter, so
 * each class has several visual modes, like EMNIST Letters), with per-image random distortion:
 * control-point jitter, a smooth elastic displacement, rotation, shear, aspect ratio, size,
 * position, pen width, ink intensity and a light blur. Rendered anti-aliased to 28x28 grey bytes,
 * upright (row 0 at the top), the same orientation as the EMNIST loader's transposed output.
 *
 * <p>Deterministic: the same (n, seed) gives identical bytes on every JVM (only IEEE double
 * arithmetic, StrictMath and {@link SplittableRandom}). Classes are balanced (counts differ by at most one)
 * and shuffled. No fonts, files or network needed.
 *
 * <p>The default split sizes used by {@code Datasets.load("glyphs", ...)}: train = 26,000 images
 * with seed {@link #TRAIN_SEED}, test = 5,200 images with seed {@link #TEST_SEED}, pool = train
 * then test.
 */
public final class Glyphs {
    private Glyphs() {}

    public static final int SIZE = 28;
    public static final int TRAIN_N = 26_000;
    public static final int TEST_N = 5_200;
    public static final long TRAIN_SEED = 0x61_7a_5eedL;
    public static final long TEST_SEED = 0x7e_57_5eedL;

    /** Class names "a".."z". */
    public static final List<String> CLASS_NAMES = letters();

    /** {@code n} glyphs from {@code seed}, labelled as split TRAIN. */
    public static Dataset generate(int n, long seed) {
        return generate(n, seed, Split.TRAIN);
    }

    /** {@code n} glyphs from {@code seed}, tagged with the given split. */
    public static Dataset generate(int n, long seed, Split split) {
        int d = SIZE * SIZE;
        if (n < 0 || n > Integer.MAX_VALUE / d)
            throw new IllegalArgumentException("glyph count must be in 0.." + Integer.MAX_VALUE / d + " (one byte array), got " + n);
        byte[] pixels = new byte[n * d];
        int[] labels = balancedLabels(n, seed);
        Renderer r = new Renderer();
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = new SplittableRandom(mix64(seed + mix64(i + 0x5DEECE66DL)));
            r.render(labels[i], rng, pixels, i * d);
        }
        return new Dataset("glyphs", split, pixels, labels, n, SIZE, SIZE, CLASS_NAMES);
    }

    /** Labels i % 26 shuffled with the seed: balanced, in random order. */
    private static int[] balancedLabels(int n, long seed) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 26;
        SplittableRandom rng = new SplittableRandom(mix64(seed ^ 0x1abe15L));
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = labels[i]; labels[i] = labels[j]; labels[j] = t;
        }
        return labels;
    }

    /** Stafford's mix13: decorrelates nearby seeds so images i and i+1 share no random stream. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static List<String> letters() {
        List<String> names = new ArrayList<>();
        for (char c = 'a'; c <= 'z'; c++) names.add(String.valueOf(c));
        return List.copyOf(names);
    }

    /** Reusable buffers for drawing one glyph after another. */
    private static final class Renderer {
        private final Rasterizer raster = new Rasterizer(SIZE, SIZE);
        private final float[] img = new float[SIZE * SIZE];
        private final float[] tmp = new float[SIZE * SIZE];
        /** Polylines of the current glyph: xs/ys flattened, starts[k] = first point of polyline k. */
        private double[] xs = new double[512], ys = new double[512];
        private int npts;
        private final List<Integer> starts = new ArrayList<>();

        void render(int label, SplittableRandom rng, byte[] out, int offset) {
            List<List<GlyphTemplates.Stroke>> variants = GlyphTemplates.TEMPLATES.get(label);
            List<GlyphTemplates.Stroke> strokes = variants.get(rng.nextInt(variants.size()));
            npts = 0;
            starts.clear();
            double jitter = 0.015 + 0.025 * rng.nextDouble();
            for (GlyphTemplates.Stroke s : strokes) flatten(s, rng, jitter);

            // Smooth elastic wobble in template space: keeps joined strokes joined.
            double ax = 0.05 * rng.nextDouble(), ay = 0.05 * rng.nextDouble();
            double fx = 2 * Math.PI * (0.5 + rng.nextDouble()), fy = 2 * Math.PI * (0.5 + rng.nextDouble());
            double px = 2 * Math.PI * rng.nextDouble(), py = 2 * Math.PI * rng.nextDouble();
            // Affine: aspect, shear, rotation.
            double aspect = 0.75 + 0.5 * rng.nextDouble();
            double shear = -0.3 + 0.6 * rng.nextDouble();
            double rot = Math.toRadians(-12 + 24 * rng.nextDouble());
            double cos = StrictMath.cos(rot), sin = StrictMath.sin(rot);
            double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE, maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
            for (int k = 0; k < npts; k++) {
                double x = xs[k] + ax * StrictMath.sin(fx * ys[k] + px);
                double y = ys[k] + ay * StrictMath.sin(fy * xs[k] + py);
                x = aspect * x + shear * y;
                double xr = cos * x - sin * y, yr = sin * x + cos * y;
                xs[k] = xr; ys[k] = yr;
                minX = Math.min(minX, xr); maxX = Math.max(maxX, xr);
                minY = Math.min(minY, yr); maxY = Math.max(maxY, yr);
            }
            // Fit the longer side to 15..20 pixels (EMNIST-like: letters fill a 20x20 box, centred),
            // shrunk if needed and shifted by at most the slack so that pen and blur never reach
            // the frame's edge.
            double halfWidth = 0.7 + 1.3 * rng.nextDouble();
            double margin = halfWidth + 2.2; // pen edge 0.5 + blur 1 + pixel half-width 0.5, rounded up
            double box = Math.min(15 + 5 * rng.nextDouble(), SIZE - 2 * margin);
            double scale = box / Math.max(1e-6, Math.max(maxX - minX, maxY - minY));
            double slackX = Math.max(0, (SIZE - 2 * margin - (maxX - minX) * scale) / 2);
            double slackY = Math.max(0, (SIZE - 2 * margin - (maxY - minY) * scale) / 2);
            double cx = SIZE / 2.0 + Math.min(slackX, 1.5) * (2 * rng.nextDouble() - 1);
            double cy = SIZE / 2.0 + Math.min(slackY, 1.5) * (2 * rng.nextDouble() - 1);
            double mx = (minX + maxX) / 2, my = (minY + maxY) / 2;
            for (int k = 0; k < npts; k++) {
                xs[k] = cx + (xs[k] - mx) * scale;
                ys[k] = cy + (ys[k] - my) * scale;
            }

            raster.clear();
            for (int p = 0; p < starts.size(); p++) {
                int from = starts.get(p), to = p + 1 < starts.size() ? starts.get(p + 1) : npts;
                for (int k = from; k + 1 < to; k++) raster.segment(xs[k], ys[k], xs[k + 1], ys[k + 1], halfWidth + 1);
            }
            raster.coverage(halfWidth, img);
            Rasterizer.blur(img, SIZE, SIZE, 0.6 * rng.nextDouble(), tmp);
            double ink = 0.8 + 0.2 * rng.nextDouble();
            for (int k = 0; k < img.length; k++) {
                int v = (int) Math.round(255 * ink * img[k]);
                out[offset + k] = (byte) Math.min(255, Math.max(0, v));
            }
        }

        private void flatten(GlyphTemplates.Stroke s, SplittableRandom rng, double jitter) {
            double[] p = s.p().clone();
            starts.add(npts);
            switch (s.kind()) {
                case 'L' -> {
                    for (int i = 0; i < 4; i++) p[i] += jitter * rng.nextGaussian();
                    add(p[0], p[1]);
                    add(p[2], p[3]);
                }
                case 'A' -> {
                    for (int i = 0; i < 4; i++) p[i] += jitter * rng.nextGaussian();
                    p[2] = Math.abs(p[2]); p[3] = Math.abs(p[3]);
                    double a0 = Math.toRadians(p[4] + 8 * rng.nextGaussian() * jitter / 0.03);
                    double a1 = Math.toRadians(p[5] + 8 * rng.nextGaussian() * jitter / 0.03);
                    int segs = Math.max(4, (int) Math.ceil(Math.abs(a1 - a0) / Math.toRadians(12)));
                    for (int k = 0; k <= segs; k++) {
                        double a = a0 + (a1 - a0) * k / segs;
                        add(p[0] + p[2] * StrictMath.cos(a), p[1] + p[3] * StrictMath.sin(a));
                    }
                }
                case 'Q' -> {
                    for (int i = 0; i < 6; i++) p[i] += jitter * rng.nextGaussian();
                    for (int k = 0; k <= 16; k++) {
                        double t = k / 16.0, u = 1 - t;
                        add(u * u * p[0] + 2 * u * t * p[2] + t * t * p[4], u * u * p[1] + 2 * u * t * p[3] + t * t * p[5]);
                    }
                }
                case 'C' -> {
                    for (int i = 0; i < 8; i++) p[i] += jitter * rng.nextGaussian();
                    for (int k = 0; k <= 20; k++) {
                        double t = k / 20.0, u = 1 - t;
                        double b0 = u * u * u, b1 = 3 * u * u * t, b2 = 3 * u * t * t, b3 = t * t * t;
                        add(b0 * p[0] + b1 * p[2] + b2 * p[4] + b3 * p[6], b0 * p[1] + b1 * p[3] + b2 * p[5] + b3 * p[7]);
                    }
                }
                default -> throw new AssertionError("stroke kind " + s.kind());
            }
        }

        private void add(double x, double y) {
            if (npts == xs.length) {
                xs = java.util.Arrays.copyOf(xs, 2 * npts);
                ys = java.util.Arrays.copyOf(ys, 2 * npts);
            }
            xs[npts] = x;
            ys[npts] = y;
            npts++;
        }
    }
}
