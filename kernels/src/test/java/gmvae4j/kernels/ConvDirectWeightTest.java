package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#convWeightDirect}: the Vector API kernel ({@link ConvDirectWeight}) against the
 * scalar twin (the interface's default) bit for bit, and both against a double-precision sum.
 * Sizes 1 to 40 give planes that end inside a vector (gy copied, padded) or on its last lane
 * (read in place), rows of one pixel (both neighbours padding) and rows longer than a vector. Output
 * channels 1 to 9 give tiles with one to three repeated rows; 1 to 5 images, a last tile call
 * with one image. The group's images sit at the very end of x and gy, so a load past them fails.
 */
class ConvDirectWeightTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property(tries = 300)
    void matchesTheScalarTwinBitForBitAndTheExactSum(@ForAll @IntRange(min = 1, max = 3) int inC,
                                                     @ForAll @IntRange(min = 1, max = 40) int h,
                                                     @ForAll @IntRange(min = 1, max = 40) int w,
                                                     @ForAll @IntRange(min = 1, max = 9) int outC,
                                                     @ForAll @IntRange(min = 1, max = 5) int images, @ForAll long seed) {
        check(inC, h, w, outC, images, seed);
    }

    @Test
    void theModelsLayers() {
        check(1, 28, 28, 32, 8, 1);       // an encoder's first layer, 1 → 32 channels on 28×28
        check(1, 28, 28, 32, 5, 2);       // a last group of five
        check(3, 32, 32, 16, 2, 3);       // RGB
        check(1, 14, 14, 64, 3, 4);       // 196 pixels: a partial last vector
    }

    static void check(int inC, int h, int w, int outC, int n, long seed) {
        int npix = h * w, k = 3;
        Random r = new Random(seed);
        int xOff = 3, gyOff = 5, xLen = n * inC * npix, yLen = n * outC * npix, len = outC * inC * 9;
        float[] x = rand(r, xOff + xLen), gy = rand(r, gyOff + yLen);
        float[] os = rand(r, len + 4), ov = os.clone(), o0 = os.clone();
        SCALAR.convWeightDirect(inC, h, w, outC, x, xOff, gy, gyOff, n, os, 2);
        VECTOR.convWeightDirect(inC, h, w, outC, x, xOff, gy, gyOff, n, ov, 2);
        String shape = "inC=" + inC + " " + h + "x" + w + " outC=" + outC + " n=" + n;
        for (int o = 0; o < outC; o++)
            for (int c = 0; c < inC; c++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        int idx = 2 + ((o * inC + c) * k + ky) * k + kx;
                        double exact = 0, mag = 0;
                        int terms = 0;
                        for (int q = 0; q < n; q++)
                            for (int i = 0; i < h; i++)
                                for (int j = 0; j < w; j++) {
                                    int yy = i + ky - 1, xx = j + kx - 1;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                    double t = (double) gy[gyOff + ((q * outC + o) * h + i) * w + j]
                                            * x[xOff + ((q * inC + c) * h + yy) * w + xx];
                                    exact += t;
                                    mag += Math.abs(t);
                                    terms++;
                                }
                        String at = shape + " at (" + o + "," + c + "," + ky + "," + kx + ")";
                        if (Float.floatToRawIntBits(ov[idx]) != Float.floatToRawIntBits(os[idx]))
                            fail("vector " + ov[idx] + " != scalar " + os[idx] + ", " + at);
                        if (!(Math.abs(os[idx] - exact) <= (terms + 16) * 0x1p-24 * mag + 1e-30))
                            fail("scalar " + os[idx] + " vs exact " + exact + ", " + at);
                    }
        for (int i : new int[] {0, 1, len + 2, len + 3}) assertTrue(ov[i] == o0[i] && os[i] == o0[i], "outside out at " + i + ", " + shape);
    }

    static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
