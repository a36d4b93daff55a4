package gmvae4j.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What the gradient checks cannot see (found by mutation testing, see README "Mutation
 * testing"): shape checks that must refuse, gradients that must flow when only some inputs are
 * trainable (each op decides once whether to record a backward step), and forward values whose
 * finite difference agrees with a wrong backward (a sigmoid that outputs zeros has a zero
 * numeric and a zero analytic gradient).
 */
class OpContractsTest {

    final SplittableRandom rng = new SplittableRandom(42);

    Tensor leaf(int... shape) { return OpGradientProperties.leaf(rng, shape); }

    Tensor constant(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.size(); i++) t.set(i, (float) (rng.nextDouble() * 2 - 1));
        return t;
    }

    @Test
    void shapeMismatchesAreRefused() {
        Tape t = new Tape();
        Tensor a = leaf(3, 2);
        assertThrows(IllegalArgumentException.class, () -> t.gaussianLogDensity(a, leaf(2, 2), leaf(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> t.gaussianLogDensity(a, leaf(3, 2), leaf(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> t.gaussianKl(a, leaf(1, 2), leaf(3, 2), leaf(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> t.gaussianKl(a, leaf(3, 3), leaf(3, 2), leaf(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> t.gaussianKl(a, leaf(3, 2), leaf(2, 2), leaf(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> t.gaussianKl(a, leaf(3, 2), leaf(3, 2), leaf(3, 1)));
        assertThrows(IllegalArgumentException.class, () -> t.linear(a, leaf(3, 4), leaf(1, 4)));
        assertThrows(IllegalArgumentException.class, () -> t.linear(a, leaf(2, 4), leaf(1, 3)));
        assertThrows(IllegalArgumentException.class, () -> t.conv2d(leaf(1, 2, 4, 4), leaf(3, 2, 3, 3), leaf(1, 2), 1, 0));
        assertThrows(IllegalArgumentException.class, () -> t.convTranspose2d(leaf(1, 2, 3, 3), leaf(2, 3, 2, 2), leaf(1, 4), 1, 0));
        // a transposed convolution whose output is exactly one pixel is fine; zero is not
        assertArrayEquals(new int[] {1, 1, 1, 1}, t.convTranspose2d(leaf(1, 1, 1, 1), leaf(1, 1, 1, 1), null, 1, 0).shape());
        assertThrows(IllegalArgumentException.class, () -> t.convTranspose2d(leaf(1, 1, 1, 1), leaf(1, 1, 2, 2), null, 1, 1));
        // index edges: the last valid row, column and label work, one past them is refused
        assertEquals(a.get(2, 1), t.gatherRows(a, new int[] {2}).get(0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> t.gatherRows(a, new int[] {3}));
        assertEquals(a.get(0, 1), t.sliceCols(a, 1, 2).get(0, 0));
        assertThrows(IllegalArgumentException.class, () -> t.sliceCols(a, 1, 3));
        t.softmaxCrossEntropy(a, new int[] {1, 1, 0});
        assertThrows(IndexOutOfBoundsException.class, () -> t.softmaxCrossEntropy(a, new int[] {1, 2, 0}));
    }

    /** Each input alone trainable, the others constants: its gradient must still be recorded and right. */
    @Test
    void gradientsFlowWhenOnlyOneInputIsTrainable() {
        for (int which = 0; which < 4; which++) {
            Tensor[] kl = {constant(3, 2), constant(3, 2), constant(3, 2), constant(3, 2)};
            kl[which] = leaf(3, 2);
            GradCheck.check(t -> t.gaussianKl(kl[0], kl[1], kl[2], kl[3]), List.of(kl[which]));
            Tensor[] ex = {constant(3, 2), constant(3, 2), constant(4, 2), constant(4, 2)};
            ex[which] = leaf(which < 2 ? 3 : 4, 2);
            GradCheck.check(t -> t.gaussianExpectedLogDensityPairs(ex[0], ex[1], ex[2], ex[3]), List.of(ex[which]));
        }
        for (int which = 0; which < 3; which++) {
            Tensor[] ld = {constant(3, 2), constant(3, 2), constant(3, 2)};
            ld[which] = leaf(3, 2);
            GradCheck.check(t -> t.gaussianLogDensity(ld[0], ld[1], ld[2]), List.of(ld[which]));
            Tensor[] pairs = {constant(3, 2), constant(4, 2), constant(4, 2)};
            pairs[which] = leaf(which == 0 ? 3 : 4, 2);
            GradCheck.check(t -> t.gaussianLogDensityPairs(pairs[0], pairs[1], pairs[2]), List.of(pairs[which]));
            Tensor[] lin = {constant(3, 2), constant(2, 4), constant(1, 4)};
            lin[which] = leaf(lin[which].shape());
            GradCheck.check(t -> t.linear(lin[0], lin[1], lin[2]), List.of(lin[which]));
            Tensor[] conv = {constant(1, 2, 4, 4), constant(3, 2, 3, 3), constant(1, 3)};
            conv[which] = leaf(conv[which].shape());
            GradCheck.check(t -> t.conv2d(conv[0], conv[1], conv[2], 1, 1), List.of(conv[which]));
            Tensor[] tconv = {constant(1, 2, 3, 3), constant(2, 3, 2, 2), constant(1, 3)};
            tconv[which] = leaf(tconv[which].shape());
            GradCheck.check(t -> t.convTranspose2d(tconv[0], tconv[1], tconv[2], 2, 0), List.of(tconv[which]));
        }
        Tensor a = leaf(2, 3), b = constant(2, 3);
        GradCheck.check(t -> t.mul(a, b), List.of(a));
        GradCheck.check(t -> t.mul(b, a), List.of(a));
    }

    @Test
    void forwardValues() {
        Tape t = new Tape();
        Tensor x = Tensor.of(new float[] {-2f, 0f, 0.5f, 3f, 1f, -1f}, 3, 2);
        Tensor plus = t.add(x, 1.25f), sig = t.sigmoid(x), colMeans = t.mean(x, 0), rowMeans = t.mean(x, 1);
        for (int i = 0; i < 6; i++) {
            assertEquals(x.get(i) + 1.25f, plus.get(i), 1e-6);
            assertEquals(1 / (1 + Math.exp(-x.get(i))), sig.get(i), 1e-6);
        }
        assertArrayEquals(new float[] {(-2f + 0.5f + 1f) / 3, (0f + 3f - 1f) / 3}, colMeans.toArray(), 1e-6f);
        assertArrayEquals(new float[] {-1f, 1.75f, 0f}, rowMeans.toArray(), 1e-6f);
        assertArrayEquals(new float[] {-0.5f, 2f}, t.sum(x, 0).toArray(), 1e-6f);
    }
}
