package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#convBackwardInputTaps}: the Vector API kernel ({@link ConvTapSums}) against the
 * scalar twin (the interface's default) bit for bit, and the twin against a double-precision sum.
 * Sizes from one pixel up reach every path: images under the kernel's minimum and odd sides with
 * stride 2 (the twin), whole and partial tiles, a last tile that redoes pixels, the 3×3 shifted
 * sum's scalar tail, a row of one column (whose column 0 is also its last), stride-2 rows under,
 * at and over a vector of u (the zip's masked last lanes, a second vector of u). gx holds values
 * before the call, which the pass must add to, and guard cells on both sides, which it must not
 * touch; gy's image sits inside gy or at its very end.
 */
class ConvTapSumsTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property(tries = 400)
    void matchesTheScalarTwinBitForBitAndTheExactSum(@ForAll @IntRange(min = 1, max = 3) int inC,
                                                     @ForAll @IntRange(min = 1, max = 40) int h,
                                                     @ForAll @IntRange(min = 1, max = 40) int w,
                                                     @ForAll @IntRange(min = 1, max = 9) int outC,
                                                     @ForAll boolean strideTwo, @ForAll boolean atEnd, @ForAll long seed) {
        check(inC, h, w, outC, strideTwo ? 4 : 3, strideTwo ? 2 : 1, atEnd, seed);
    }

    @Test
    void theModelsLayers() {
        check(1, 28, 28, 32, 3, 1, false, 1);     // an encoder's first layer, 1 → 32 channels on 28×28
        check(1, 28, 28, 32, 4, 2, true, 2);      // a decoder's last, 32 → 1 channel on 28×28, stride 2
        check(3, 32, 32, 16, 3, 1, true, 3);      // RGB
        check(3, 64, 64, 16, 4, 2, false, 4);     // rows of 32 u: two vectors, the last one whole
        check(1, 4, 4, 5, 3, 1, false, 5);        // one vector
        check(1, 1, 16, 2, 3, 1, false, 6);       // one row of one vector
        check(1, 16, 1, 2, 3, 1, false, 7);       // one column
        check(2, 3, 11, 4, 3, 1, false, 8);       // 33 pixels: a whole tile, then a last vector that redoes 15
        check(1, 12, 12, 3, 4, 2, false, 9);      // 36 gy pixels: the last 4 by two one-vector tiles
        check(1, 14, 14, 3, 4, 2, false, 10);     // 49: a last two-vector tile that redoes 15
    }

    /**
     * The kernel keeps its planes' zero margins from call to call while the layout stays the same;
     * where the planes start follows the array's address, which changes when the collector moves
     * the array. Each round grows the planes (a new array, young), then a collection moves it.
     */
    @Test
    void staysRightWhenTheCollectorMovesItsPlanes() {
        for (int side = 100; side <= 120; side += 4) {
            check(1, side, side, 3, 4, 2, false, side);
            System.gc();
            check(1, side, side, 3, 4, 2, false, side + 1);
            check(1, side, side, 3, 3, 1, false, side + 2);
            System.gc();
            check(1, side, side, 3, 3, 1, false, side + 3);
        }
    }

    static void check(int inC, int h, int w, int outC, int k, int stride, boolean atEnd, long seed) {
        int pad = 1, oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1, n = h * w;
        if (oh < 1 || ow < 1) return;
        int gyOff = 3, gxOff = 5;
        Random r = new Random(seed);
        float[] gy = rand(r, gyOff + outC * oh * ow + (atEnd ? 0 : 9)), wt = rand(r, outC * inC * k * k);
        float[] gs = rand(r, gxOff + inC * n + 7), gv = gs.clone(), g0 = gs.clone();
        SCALAR.convBackwardInputTaps(inC, h, w, outC, k, stride, pad, gy, gyOff, wt, gs, gxOff);
        VECTOR.convBackwardInputTaps(inC, h, w, outC, k, stride, pad, gy, gyOff, wt, gv, gxOff);
        String shape = "inC=" + inC + " " + h + "x" + w + " outC=" + outC + " k=" + k + " stride=" + stride;
        for (int c = 0; c < inC; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int idx = gxOff + c * n + y * w + x;
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
                    if (Float.floatToRawIntBits(gv[idx]) != Float.floatToRawIntBits(gs[idx]))
                        fail("vector " + gv[idx] + " != scalar " + gs[idx] + ", " + at);
                    if (!(Math.abs(gs[idx] - exact) <= (terms + 2) * 0x1p-24 * mag + 1e-30))
                        fail("scalar " + gs[idx] + " vs exact " + exact + ", " + at);
                }
        for (int i = 0; i < gxOff; i++) assertTrue(gv[i] == g0[i], "before gx's image at " + i + ", " + shape);
        for (int i = gxOff + inC * n; i < gv.length; i++) assertTrue(gv[i] == g0[i], "after gx's image at " + i + ", " + shape);
    }

    static float[] rand(Random r, int len) {
        float[] v = new float[len];
        for (int i = 0; i < len; i++) v[i] = (float) r.nextGaussian();
        return v;
    }
}
