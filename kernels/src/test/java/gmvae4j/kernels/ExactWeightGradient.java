package gmvae4j.kernels;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The check shared by the direct weight-gradient kernels' tests ({@link ConvDirectWeightTest},
 * {@link PatchLanesTest}): one group's gradient of a k×k convolution with padding 1, computed by the
 * scalar twin and by the vector kernel, compared with each other bit for bit (raw bits, so that
 * signed zeros count) and with a double-precision sum.
 */
final class ExactWeightGradient {
    private ExactWeightGradient() {}

    /**
     * os and ov hold the twin's and the kernel's gradient for n images (x at xOff, inC×h×w each; gy
     * at gyOff, outC×oh×ow each) at [2, 2 + outC·inC·k·k), and o0 what both held before. Fails unless
     * the two are the same bits, the twin is within (terms + slack)·2⁻²⁴·Σ|terms| of the exact sum,
     * and the two floats on each side are untouched.
     */
    static void check(String shape, int inC, int h, int w, int outC, int k, int stride, int n, float[] x, int xOff,
                      float[] gy, int gyOff, float[] os, float[] ov, float[] o0, int slack) {
        int oh = (h + 2 - k) / stride + 1, ow = (w + 2 - k) / stride + 1, len = outC * inC * k * k;
        for (int o = 0; o < outC; o++)
            for (int c = 0; c < inC; c++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        int idx = 2 + ((o * inC + c) * k + ky) * k + kx;
                        double exact = 0, mag = 0;
                        int terms = 0;
                        for (int q = 0; q < n; q++)
                            for (int i = 0; i < oh; i++)
                                for (int j = 0; j < ow; j++) {
                                    int yy = stride * i + ky - 1, xx = stride * j + kx - 1;
                                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                                    double t = (double) gy[gyOff + ((q * outC + o) * oh + i) * ow + j]
                                            * x[xOff + ((q * inC + c) * h + yy) * w + xx];
                                    exact += t;
                                    mag += Math.abs(t);
                                    terms++;
                                }
                        String at = shape + " at (" + o + "," + c + "," + ky + "," + kx + ")";
                        if (Float.floatToRawIntBits(ov[idx]) != Float.floatToRawIntBits(os[idx]))
                            fail("vector " + ov[idx] + " != scalar " + os[idx] + ", " + at);
                        if (!(Math.abs(os[idx] - exact) <= (terms + slack) * 0x1p-24 * mag + 1e-30))
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
