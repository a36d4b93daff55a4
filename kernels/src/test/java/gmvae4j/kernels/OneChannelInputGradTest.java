package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#inputGradOneChannel}: the Vector API kernel ({@link OneChannelInputGrad}: 9 taps
 * or groups of 8, pixel tails, both strides, column blocks past the first 2 vectors, padding up
 * to the kernel's size) against the scalar twin, and both against a double-precision sum, on odd
 * sizes; nothing outside the image's gradient is written, and it accumulates.
 */
class OneChannelInputGradTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);
    /** kH×kW pairs the vector kernel takes (9 taps or a multiple of 8). */
    static final int[][] KERNELS = {{3, 3}, {4, 4}, {2, 4}, {4, 2}, {1, 8}};

    @Property(tries = 200)
    void matchesTheScalarTwinAndTheExactSum(@ForAll @IntRange(min = 0, max = 4) int kernel, @ForAll @IntRange(min = 1, max = 2) int stride,
                                           @ForAll @IntRange(min = 0, max = 3) int pad, @ForAll @IntRange(min = 1, max = 40) int h,
                                           @ForAll @IntRange(min = 1, max = 70) int w, @ForAll @IntRange(min = 1, max = 35) int outC,
                                           @ForAll long seed) {
        int kH = KERNELS[kernel][0], kW = KERNELS[kernel][1];
        int oh = (h + 2 * pad - kH) / stride + 1, ow = (w + 2 * pad - kW) / stride + 1;
        if (h + 2 * pad < kH || w + 2 * pad < kW) return;   // no output: not a convolution
        check(h, w, outC, kH, kW, stride, pad, oh, ow, seed);
    }

    @Test
    void theModelsFirstLayers() {
        check(28, 28, 32, 3, 3, 1, 1, 28, 28, 1);
        check(28, 28, 32, 4, 4, 2, 1, 14, 14, 2);
        check(28, 28, 1, 4, 4, 2, 1, 14, 14, 3);
    }

    static void check(int h, int w, int outC, int kH, int kW, int stride, int pad, int oh, int ow, long seed) {
        Random r = new Random(seed);
        int gyOff = r.nextInt(5), gxOff = r.nextInt(5), npix = oh * ow;
        float[] gy = TapGemmTest.rand(r, gyOff + outC * npix + r.nextInt(3)), wt = TapGemmTest.rand(r, outC * kH * kW);
        float[] gx0 = TapGemmTest.rand(r, gxOff + h * w + r.nextInt(3)), gs = gx0.clone(), gv = gx0.clone();
        SCALAR.inputGradOneChannel(h, w, outC, kH, kW, stride, pad, oh, ow, gy, gyOff, wt, gs, gxOff);
        VECTOR.inputGradOneChannel(h, w, outC, kH, kW, stride, pad, oh, ow, gy, gyOff, wt, gv, gxOff);
        for (int a = 0; a < h; a++)
            for (int b = 0; b < w; b++) {
                int idx = gxOff + a * w + b;
                double exact = gx0[idx], mag = Math.abs(exact);
                int terms = 1;
                for (int o = 0; o < outC; o++)
                    for (int i = 0; i < kH; i++)
                        for (int j = 0; j < kW; j++) {
                            int dr = a + pad - i, dc = b + pad - j;
                            if (dr < 0 || dc < 0 || dr % stride != 0 || dc % stride != 0 || dr / stride >= oh || dc / stride >= ow) continue;
                            double v = (double) wt[(o * kH + i) * kW + j] * gy[gyOff + (o * oh + dr / stride) * ow + dc / stride];
                            exact += v;
                            mag += Math.abs(v);
                            terms++;
                        }
                String at = kH + "x" + kW + " s" + stride + " p" + pad + " " + h + "x" + w + " outC " + outC + " at (" + a + "," + b + ")";
                TapGemmTest.check(exact, mag, terms, gs[idx], gv[idx], at);
            }
        for (int idx = 0; idx < gx0.length; idx++)
            if ((idx < gxOff || idx >= gxOff + h * w) && gv[idx] != gx0[idx]) fail("vector kernel wrote outside gx at " + idx);
    }
}
