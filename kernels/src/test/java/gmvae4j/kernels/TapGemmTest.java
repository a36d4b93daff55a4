package gmvae4j.kernels;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#tapGemm} and {@link Kernels#tapGradient}: the Vector API kernels ({@link TapGemm}:
 * panels inside one image, straddling two or more, edge rows and columns, the direct store and the
 * scratch tile, accumulate and overwrite; the gradient's k blocks, its last eight taps and its
 * second panel of 32 output channels, both partial) against
 * the scalar twins (the interface's defaults), and both against a double-precision sum, on odd
 * sizes, random tap offsets and image strides wider than the pixel count.
 */
class TapGemmTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);
    static final int[] PIXELS = {1, 5, 15, 16, 17, 33, 49, 64, 196};

    @Property(tries = 150)
    void productMatchesTheScalarTwinAndTheExactSum(@ForAll @IntRange(min = 1, max = 19) int m, @ForAll @IntRange(min = 1, max = 40) int taps,
                                                   @ForAll @IntRange(min = 1, max = 5) int images, @ForAll @IntRange(min = 0, max = 8) int pixPick,
                                                   @ForAll @IntRange(min = 0, max = 9) int extra, @ForAll boolean accumulate,
                                                   @ForAll boolean withInit, @ForAll long seed) {
        int npix = PIXELS[pixPick], imgStride = npix + extra, ldc = npix + extra % 3, cImg = m * ldc + extra, cOff = extra;
        Random r = new Random(seed);
        int maxOff = 3 * imgStride + 40;
        int[] off = new int[taps];
        for (int t = 0; t < taps; t++) off[t] = r.nextInt(maxOff);
        float[] planes = rand(r, maxOff + images * imgStride), a = rand(r, m * taps), init = withInit ? rand(r, m) : null;
        float[] c0 = rand(r, cOff + images * cImg), cs = c0.clone(), cv = c0.clone();
        float beta = accumulate ? 1f : 0f;
        SCALAR.tapGemm(m, taps, images, npix, a, init, planes, imgStride, off, beta, cs, cOff, cImg, ldc);
        VECTOR.tapGemm(m, taps, images, npix, a, init, planes, imgStride, off, beta, cv, cOff, cImg, ldc);
        boolean[] written = new boolean[c0.length];
        for (int g = 0; g < images; g++)
            for (int i = 0; i < m; i++)
                for (int p = 0; p < npix; p++) {
                    int idx = cOff + g * cImg + i * ldc + p;
                    written[idx] = true;
                    double start = accumulate ? c0[idx] : 0, bias = init == null ? 0 : init[i];
                    double exact = start + bias, mag = Math.abs(start) + Math.abs(bias);
                    for (int t = 0; t < taps; t++) {
                        double v = (double) a[i * taps + t] * planes[g * imgStride + off[t] + p];
                        exact += v;
                        mag += Math.abs(v);
                    }
                    String at = "m=" + m + " taps=" + taps + " images=" + images + " npix=" + npix + " (" + g + "," + i + "," + p + ")";
                    check(exact, mag, taps + 2, cs[idx], cv[idx], at);
                }
        for (int idx = 0; idx < c0.length; idx++)
            if (!written[idx] && cv[idx] != c0[idx]) fail("vector product wrote outside its rows at " + idx);
    }

    @Property(tries = 150)
    void gradientMatchesTheScalarTwinAndTheExactSum(@ForAll @IntRange(min = 1, max = 70) int m, @ForAll @IntRange(min = 1, max = 70) int taps,
                                                    @ForAll @IntRange(min = 1, max = 9) int images, @ForAll @IntRange(min = 0, max = 8) int pixPick,
                                                    @ForAll @IntRange(min = 0, max = 9) int extra, @ForAll long seed) {
        checkGradient(m, taps, images, pixPick, extra, seed);
    }

    /** More pixels than one k block ({@link TapGemm#GRADIENT_KC}): 12 images of 196 pixels, two blocks, two panels of channels. */
    @Example
    void gradientOverSeveralKBlocks() {
        if (12 * PIXELS[8] <= TapGemm.GRADIENT_KC) fail("the example no longer spans two k blocks");
        checkGradient(40, 20, 12, 8, 3, 7L);
        checkGradient(33, 71, 12, 8, 0, 8L);
    }

    private static void checkGradient(int m, int taps, int images, int pixPick, int extra, long seed) {
        int npix = PIXELS[pixPick], imgStride = npix + extra, ldw = taps + extra % 4, gwOff = extra, gyImg = m * npix + extra;
        Random r = new Random(seed);
        int maxOff = 2 * imgStride + 40;
        int[] off = new int[taps];
        for (int t = 0; t < taps; t++) off[t] = r.nextInt(maxOff);
        float[] planes = rand(r, maxOff + images * imgStride), gy = rand(r, images * gyImg);
        float[] w0 = rand(r, gwOff + m * ldw), ws = w0.clone(), wv = w0.clone();
        SCALAR.tapGradient(m, taps, images, npix, gy, 0, gyImg, planes, imgStride, off, ws, gwOff, ldw);
        VECTOR.tapGradient(m, taps, images, npix, gy, 0, gyImg, planes, imgStride, off, wv, gwOff, ldw);
        for (int i = 0; i < m; i++)
            for (int t = 0; t < taps; t++) {
                int idx = gwOff + i * ldw + t;
                double exact = w0[idx], mag = Math.abs(exact);
                for (int g = 0; g < images; g++)
                    for (int p = 0; p < npix; p++) {
                        double v = (double) gy[g * gyImg + i * npix + p] * planes[g * imgStride + off[t] + p];
                        exact += v;
                        mag += Math.abs(v);
                    }
                String at = "m=" + m + " taps=" + taps + " images=" + images + " npix=" + npix + " (" + i + "," + t + ")";
                check(exact, mag, images * npix, ws[idx], wv[idx], at);
            }
        for (int idx = 0; idx < w0.length; idx++) {
            int rel = idx - gwOff;
            boolean inside = rel >= 0 && rel / ldw < m && rel % ldw < taps;
            if (!inside && wv[idx] != w0[idx]) fail("vector gradient wrote outside gw's block at " + idx);
        }
    }

    /** float32 sums of k terms lie within (k + 2)·2⁻²⁴·Σ|terms| of the exact value, in any order. */
    static void check(double exact, double mag, int k, float scalar, float vector, String at) {
        double tol = (k + 2) * 0x1p-24 * mag + 1e-30;
        if (!(Math.abs(scalar - exact) <= tol)) fail("scalar " + at + ": " + scalar + " vs exact " + exact);
        if (!(Math.abs(vector - exact) <= tol)) fail("vector " + at + ": " + vector + " vs exact " + exact);
        if (!(Math.abs(vector - scalar) <= 2 * tol)) fail("vector vs scalar " + at + ": " + vector + " vs " + scalar);
    }

    static float[] rand(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) r.nextGaussian();
        return x;
    }
}
