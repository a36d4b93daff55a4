package gmvae4j.engine;

import gmvae4j.kernels.PackedB;
import gmvae4j.kernels.ScalarKernels;
import gmvae4j.kernels.VectorKernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PackedWeights}: which weights are packed for a batch's shards, and that a linear layer
 * reading them gives the bits of one that packs for itself, forward and backward, after the
 * weights change too.
 */
class PackedWeightsTest {

    /**
     * The model's own weights only, one packed W and one packed Wᵀ each, the same ones at every
     * look-up; nothing for a tensor computed on the tape (a slice of a weight: its values are not
     * known before the pass) or on a backend that shares nothing.
     */
    @Test
    void packsTheModelsOwnWeights() {
        VectorKernels k = new VectorKernels(1);
        Params p = new Params();
        Tensor w = p.add("w", 40, 36);
        PackedWeights pw = new PackedWeights(p, k);
        PackedB f = pw.forward(w), t = pw.transposed(w);
        assertNotNull(f);
        assertNotNull(t);
        assertNotSame(f, t);
        assertSame(f, pw.forward(w));
        assertSame(t, pw.transposed(w));
        assertTrue(f.isOf(false, 40, 36, p.data(), w.off, 36));
        assertTrue(t.isOf(true, 36, 40, p.data(), w.off, 36));
        Tape tape = new Tape(k);
        assertNull(pw.forward(tape.sliceCols(w, 0, 30)), "a tape result");
        assertNull(new PackedWeights(p, new ScalarKernels()).forward(w), "a backend that shares nothing");
        assertNull(pw.forward(new Tensor(p.data(), w.off, new int[] {36, 40})), "another shape at the weight's offset");
    }

    /**
     * y = relu(x·W + b) forward and backward on a tape whose layers read packed weights, against a
     * tape whose products pack for themselves: y, dx, dW and db bit for bit, three times, the
     * weights changed in between ({@link PackedWeights#nextStep}).
     */
    @Test
    void aLayerReadingPackedWeightsGivesTheSameBits() {
        VectorKernels k = new VectorKernels(1);
        Params p = new Params();
        Tensor w = p.add("w", 70, 45), b = p.add("b", 1, 45);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        PackedWeights pw = new PackedWeights(p, k);
        Params input = new Params();          // x as a leaf with a gradient of its own, not a weight
        Tensor xs = input.add("x", 13, 70);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < p.size(); i++) p.data()[i] = (float) r.nextGaussian();
            for (int i = 0; i < input.size(); i++) input.data()[i] = (float) r.nextGaussian();
            pw.nextStep();
            float[][] got = new float[2][];
            for (int packed = 0; packed < 2; packed++) {
                Tape t = new Tape(k);
                if (packed == 1) t.usePackedWeights(pw);
                p.zeroGrad();
                input.zeroGrad();
                Tensor y = t.linearRelu(xs, w, b);
                t.backward(t.sum(t.mul(y, y)));
                float[] all = new float[y.size() + xs.size() + p.size()];
                System.arraycopy(y.data, y.off, all, 0, y.size());
                System.arraycopy(xs.grad, xs.gradOff, all, y.size(), xs.size());
                System.arraycopy(p.grad(), 0, all, y.size() + xs.size(), p.size());
                got[packed] = all;
            }
            assertArrayEquals(got[0], got[1], "round " + round);
        }
    }
}
