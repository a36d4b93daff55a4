package gmvae4j.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * The ops that turn far-off logits into probabilities keep subnormal values out of the gradients
 * they pass back (gmvae4j.kernels.Subnormals says why: each one costs a microcode assist in every
 * later operation on x86). A row of logits from 0 down to −120 puts e^(x − lse) on both sides
 * of the float range's normal end; the gradient must be the exact formula where that is normal and
 * 0, never subnormal, where it is not.
 */
class SubnormalFreeGradientsTest {

    static final int COLS = 241;

    static Tensor farLogits() {
        Tensor x = Tensor.zeros(2, COLS).requireGrad();
        for (int j = 0; j < COLS; j++) {
            x.set(j, -0.5f * j);                 // 0 .. −120
            x.set(COLS + j, 3f - 0.5f * j);
        }
        return x;
    }

    static void assertNoSubnormal(float[] g, int off, int n, String what) {
        for (int i = 0; i < n; i++) {
            float v = g[off + i];
            assertTrue(v == 0f || Math.abs(v) >= Float.MIN_NORMAL, what + ": subnormal " + v + " at " + i);
        }
    }

    /** {@link #farLogits} through op on a new tape, then backward from seed: {logits, op's output}. */
    static Tensor[] backwardFrom(java.util.function.BiFunction<Tape, Tensor, Tensor> op, float[] seed) {
        Tensor x = farLogits();
        Tape t = new Tape();
        Tensor y = op.apply(t, x);
        t.backward(y, seed);
        return new Tensor[] {x, y};
    }

    @Test
    void logSoftmaxBackward() {
        float[] seed = new float[2 * COLS];
        seed[0] = 1f;                            // only the top logit's log-probability: dx_j = δ_0j − p_j
        seed[COLS] = -1f;
        Tensor x = backwardFrom(Tape::logSoftmax, seed)[0];
        assertNoSubnormal(x.grad, x.gradOff, 2 * COLS, "log-softmax");
        int zeros = 0;
        for (int r = 0; r < 2; r++) {
            double lse = 0, max = x.get(r * COLS);
            for (int j = 0; j < COLS; j++) lse += Math.exp(x.get(r * COLS + j) - max);
            lse = max + Math.log(lse);
            for (int j = 1; j < COLS; j++) {
                double want = -seed[r * COLS] * Math.exp(x.get(r * COLS + j) - lse);
                float got = x.grad[x.gradOff + r * COLS + j];
                if (Math.abs(want) >= 1.01 * Float.MIN_NORMAL) assertEquals(want, got, 1e-5 * Math.abs(want), "row " + r + " col " + j);
                if (got == 0f) zeros++;
            }
        }
        assertTrue(zeros > 20, "the far logits' gradients are 0: " + zeros);
    }

    @Test
    void logSumExpBackward() {
        Tensor x = backwardFrom(Tape::logSumExp, new float[] {1f, 0.5f})[0];
        assertNoSubnormal(x.grad, x.gradOff, 2 * COLS, "log-sum-exp");
        assertEquals(0f, x.grad[x.gradOff + COLS - 1], 0f);          // e^−120: far below the normal range
        double lse = -Math.log1p(-Math.exp(-0.5)) - Math.log1p(-Math.exp(-0.5 * COLS));   // Σ_j e^(−j/2), j < COLS
        double want = Math.exp(-80 - lse);                            // e^(x − lse) at x = −80: normal
        assertEquals(want, x.grad[x.gradOff + 160], 1e-5 * want);
    }

    @Test
    void expOfFarLogitsIsZeroAndItsGradientToo() {
        float[] seed = new float[2 * COLS];
        java.util.Arrays.fill(seed, 1f);
        Tensor[] xp = backwardFrom(Tape::exp, seed);
        Tensor x = xp[0], p = xp[1];
        assertNoSubnormal(p.data, p.off, 2 * COLS, "exp");
        assertNoSubnormal(x.grad, x.gradOff, 2 * COLS, "exp's gradient");
        assertEquals(0f, p.get(COLS - 1), 0f);
        assertEquals(Math.exp(-87), p.get(174), 1e-5 * Math.exp(-87));
    }
}
