package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.Random;


/**
 * {@link Kernels#convWeightPatches}: the Vector API kernel ({@link PatchLanes}) against the scalar
 * twin (the interface's default) bit for bit, raw bits so that signed zeros count, and the twin
 * against a double-precision sum. Even sides 2 to 40 give rows of an odd number of output pixels
 * (a pair's second patch written past the row), rows of one pixel and rows wider than a vector;
 * output channels 1 to 40, tiles with repeated rows (fewer than 16 left) and more than one tile;
 * 1 to 5 images. The group's images sit at the very end of x and gy, so a read past them fails.
 */
class PatchLanesTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property(tries = 300)
    void matchesTheScalarTwinBitForBitAndTheExactSum(@ForAll @IntRange(min = 1, max = 3) int inC,
                                                     @ForAll @IntRange(min = 1, max = 20) int halfH,
                                                     @ForAll @IntRange(min = 1, max = 20) int halfW,
                                                     @ForAll @IntRange(min = 1, max = 40) int outC,
                                                     @ForAll @IntRange(min = 1, max = 5) int images, @ForAll long seed) {
        check(inC, 2 * halfH, 2 * halfW, outC, images, seed);
    }

    @Test
    void theModelsLayerAndItsEdges() {
        check(1, 28, 28, 32, 8, 1);       // the conv encoder's first layer, 1 → 32 channels on 28×28, a group of 8
        check(1, 28, 28, 32, 5, 2);       // a last group of five
        check(3, 32, 32, 16, 2, 3);       // RGB
        check(1, 2, 2, 17, 1, 4);         // one output pixel; a second tile of one channel
        check(2, 6, 10, 5, 3, 5);         // rows of five pixels
        check(1, 28, 28, 40, 2, 11);      // 14×14 planes: two 16-channel tiles, then one of 8
        check(2, 28, 28, 20, 3, 12);      // one 16-channel tile, then 4 channels in a tile of 8
    }

    @Test
    void staysRightWhenTheBorderedImageChangesSize() {
        // the bordered copy's zeros are kept between calls of the same size: a call on another
        // size in between must not leave its pixels where the next call reads the border
        check(1, 28, 28, 32, 2, 6);
        check(1, 30, 30, 8, 2, 7);
        check(1, 28, 28, 32, 2, 8);
        check(1, 6, 40, 8, 2, 9);
        check(1, 40, 6, 8, 2, 10);
    }

    static void check(int inC, int h, int w, int outC, int n, long seed) {
        int npix = (h / 2) * (w / 2);
        Random r = new Random(seed);
        int xOff = 3, gyOff = 5, len = outC * inC * 16;
        float[] x = ExactWeightGradient.rand(r, xOff + n * inC * h * w), gy = ExactWeightGradient.rand(r, gyOff + n * outC * npix);
        float[] os = ExactWeightGradient.rand(r, len + 4), ov = os.clone(), o0 = os.clone();
        SCALAR.convWeightPatches(inC, h, w, outC, x, xOff, gy, gyOff, n, os, 2);
        VECTOR.convWeightPatches(inC, h, w, outC, x, xOff, gy, gyOff, n, ov, 2);
        String shape = "inC=" + inC + " " + h + "x" + w + " outC=" + outC + " n=" + n;
        ExactWeightGradient.check(shape, inC, h, w, outC, 4, 2, n, x, xOff, gy, gyOff, os, ov, o0, 1);
    }
}
