package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#convSame}: the Vector API kernel ({@link ConvDirect}: shifted planes, 4 × 6-vector
 * tiles, 4-channel columns with a masked last vector, leftover channels) against the scalar twin
 * (the interface's default), both against a double-precision sum, on odd image sizes, kernels
 * 1×1 to 5×5 (also wider than the image), 1 to 3 input channels and 1 to 9 output channels,
 * at an offset inside larger arrays.
 */
class ConvDirectTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property
    void matchesTheScalarTwinAndTheExactSum(@ForAll @IntRange(min = 1, max = 3) int inC, @ForAll @IntRange(min = 1, max = 30) int h,
                                            @ForAll @IntRange(min = 1, max = 30) int w, @ForAll @IntRange(min = 1, max = 9) int outC,
                                            @ForAll @IntRange(min = 0, max = 2) int half, @ForAll boolean withBias, @ForAll long seed) {
        int k = 2 * half + 1, n = h * w, taps = inC * k * k;
        Random r = new Random(seed);
        int xOff = 3, yOff = 5;
        float[] x = rand(r, xOff + inC * n + 2), wt = rand(r, outC * taps), bias = withBias ? rand(r, outC) : null;
        float[] ys = rand(r, yOff + outC * n + 7), yv = ys.clone(), y0 = ys.clone();
        SCALAR.convSame(inC, h, w, outC, k, k, x, xOff, wt, bias, ys, yOff);
        VECTOR.convSame(inC, h, w, outC, k, k, x, xOff, wt, bias, yv, yOff);
        for (int o = 0; o < outC; o++)
            for (int row = 0; row < h; row++)
                for (int col = 0; col < w; col++) {
                    double exact = bias == null ? 0 : bias[o], mag = Math.abs(exact);
                    for (int c = 0; c < inC; c++)
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++) {
                                int rr = row + i - half, cc = col + j - half;
                                if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
                                double t = (double) wt[((o * inC + c) * k + i) * k + j] * x[xOff + c * n + rr * w + cc];
                                exact += t;
                                mag += Math.abs(t);
                            }
                    double tol = (taps + 2) * 0x1p-24 * mag + 1e-30;
                    int idx = yOff + o * n + row * w + col;
                    String at = "inC=" + inC + " " + h + "x" + w + " outC=" + outC + " k=" + k + " at (" + o + "," + row + "," + col + ")";
                    if (!(Math.abs(ys[idx] - exact) <= tol)) fail("scalar " + at + ": " + ys[idx] + " vs " + exact);
                    if (!(Math.abs(yv[idx] - exact) <= tol)) fail("vector " + at + ": " + yv[idx] + " vs " + exact);
                }
        // nothing outside y's block is written
        for (int i = 0; i < yOff; i++) assertTrue(yv[i] == y0[i], "before y at " + i);
        for (int i = yOff + outC * n; i < yv.length; i++) assertTrue(yv[i] == y0[i], "after y at " + i);
    }

    static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
