package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#convBackwardInputDirect}: the Vector API kernel ({@link ConvDirectBackward}) against
 * the scalar twin (the interface's default) bit for bit, and both against a double-precision sum.
 * Widths 1 to 70 reach every tile: a stride-2 row under 16 (permutes), a stride-1 row of 17 to 31
 * (two vectors and permutes), every other width (three masked loads per row, rows in several
 * vectors); heights 1 to 9 put the zero rows above and below into every tile. The image sits at
 * the very start or end of gy or inside it (the kernel copies an image at an end into scratch).
 */
class ConvDirectBackwardTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property(tries = 400)
    void matchesTheScalarTwinBitForBitAndTheExactSum(@ForAll @IntRange(min = 1, max = 3) int inC,
                                                     @ForAll @IntRange(min = 1, max = 9) int inH,
                                                     @ForAll @IntRange(min = 1, max = 70) int inW,
                                                     @ForAll @IntRange(min = 1, max = 9) int outC,
                                                     @ForAll boolean strideTwo, @ForAll @IntRange(min = 0, max = 2) int where,
                                                     @ForAll long seed) {
        check(inC, inH, inW, outC, strideTwo ? 4 : 3, strideTwo ? 2 : 1, where, seed);
    }

    @Test
    void theModelsLayers() {
        check(1, 28, 28, 32, 4, 2, 1, 1);       // a decoder's last layer, 32 → 1 channel on 28×28
        check(1, 28, 28, 32, 3, 1, 1, 2);
        check(1, 28, 28, 32, 3, 1, 0, 3);       // at the start of gy
        check(1, 28, 28, 32, 4, 2, 2, 4);       // at its end
        check(2, 64, 64, 5, 4, 2, 1, 5);        // rows of 32: two vectors, the masked tile
        check(1, 16, 16, 3, 3, 1, 1, 6);        // a row exactly one vector wide
        check(1, 5, 32, 3, 3, 1, 1, 7);         // exactly two
    }

    /** where: 0 = gy's image at the start of the array, 1 = inside it, 2 = at its end. */
    static void check(int inC, int inH, int inW, int outC, int k, int stride, int where, long seed) {
        int pad = 1, oh = (inH + 2 * pad - k) / stride + 1, ow = (inW + 2 * pad - k) / stride + 1;
        Random r = new Random(seed);
        int gyLen = outC * oh * ow, gyOff = where == 0 ? 0 : where == 1 ? 7 : 3, gxOff = 5;
        float[] gy = rand(r, gyOff + gyLen + (where == 2 ? 0 : 9)), wt = rand(r, outC * inC * k * k);
        float[] gs = rand(r, gxOff + inC * inH * inW + 11), gv = gs.clone(), g0 = gs.clone();
        SCALAR.convBackwardInputDirect(inC, inH, inW, outC, k, stride, pad, gy, gyOff, wt, gs, gxOff);
        VECTOR.convBackwardInputDirect(inC, inH, inW, outC, k, stride, pad, gy, gyOff, wt, gv, gxOff);
        String shape = "inC=" + inC + " " + inH + "x" + inW + " outC=" + outC + " k=" + k + " stride=" + stride + " where=" + where;
        for (int c = 0; c < inC; c++)
            for (int y = 0; y < inH; y++)
                for (int x = 0; x < inW; x++) {
                    int idx = gxOff + (c * inH + y) * inW + x;
                    double exact = g0[idx], mag = Math.abs(exact);
                    int terms = 1;
                    for (int o = 0; o < outC; o++)
                        for (int i = 0; i < k; i++)
                            for (int j = 0; j < k; j++) {
                                int ty = y + pad - i, tx = x + pad - j;
                                if (ty < 0 || tx < 0 || ty % stride != 0 || tx % stride != 0 || ty / stride >= oh || tx / stride >= ow) continue;
                                double t = (double) wt[((o * inC + c) * k + i) * k + j] * gy[gyOff + (o * oh + ty / stride) * ow + tx / stride];
                                exact += t;
                                mag += Math.abs(t);
                                terms++;
                            }
                    String at = shape + " at (" + c + "," + y + "," + x + ")";
                    if (gv[idx] != gs[idx]) fail("vector " + gv[idx] + " != scalar " + gs[idx] + ", " + at);
                    if (!(Math.abs(gs[idx] - exact) <= (terms + 2) * 0x1p-24 * mag + 1e-30))
                        fail("scalar " + gs[idx] + " vs exact " + exact + ", " + at);
                }
        for (int i = 0; i < gxOff; i++) assertTrue(gv[i] == g0[i], "before gx's image at " + i + ", " + shape);
        for (int i = gxOff + inC * inH * inW; i < gv.length; i++) assertTrue(gv[i] == g0[i], "after gx's image at " + i + ", " + shape);
    }

    static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
