package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;


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
        float[] x = ExactWeightGradient.rand(r, xOff + xLen), gy = ExactWeightGradient.rand(r, gyOff + yLen);
        float[] os = ExactWeightGradient.rand(r, len + 4), ov = os.clone(), o0 = os.clone();
        SCALAR.convWeightDirect(inC, h, w, outC, x, xOff, gy, gyOff, n, os, 2);
        VECTOR.convWeightDirect(inC, h, w, outC, x, xOff, gy, gyOff, n, ov, 2);
        String shape = "inC=" + inC + " " + h + "x" + w + " outC=" + outC + " n=" + n;
        // 16 more terms' rounding: the lane sums' tree
        ExactWeightGradient.check(shape, inC, h, w, outC, k, 1, n, x, xOff, gy, gyOff, os, ov, o0, 16);
    }
}
