package gmvae4j.engine;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.ops.MatMul;
import gmvae4j.kernels.Kernels;
import gmvae4j.kernels.VectorKernels;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightGradients}: a linear layer's recorded dW = Σ_s x_sᵀ·dy_s runs as the product it
 * replaced (added, or written over what the gradient held), and its bound from the operands holds
 * every value of that product, and fails (not finite, or too large to prove anything) for
 * operands holding a NaN or values whose squares overflow.
 */
class WeightGradientsTest {

    static final int IN = 19, OUT = 7;

    /** Records one linear layer's product per shard (rows 5 and 3) on shard tapes sharing the weight w. */
    static List<WeightGradients> record(Kernels k, Params p, float[][] xs, float[][] dys) {
        Tensor w = p.get("w");
        List<WeightGradients> shards = new java.util.ArrayList<>();
        for (int s = 0; s < xs.length; s++) {
            WeightGradients wg = new WeightGradients(p);
            Tape t = new Tape(k);
            t.deferWeightGradients(wg);
            int rows = xs[s].length / IN;
            Tensor y = MatMul.linear(t, t.input(xs[s], 0, rows, IN), w, null);
            t.backward(y, dys[s]);
            shards.add(wg);
        }
        return shards;
    }

    static float[] gaussian(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (scale * r.nextGaussian());
        return v;
    }

    @Test
    void runsTheProductAndBoundsIt() {
        Kernels k = new VectorKernels(1);
        SplittableRandom r = new SplittableRandom(4);
        Params p = new Params();
        p.add("b", 3);                       // the weight's gradient does not start at 0
        p.add("w", IN, OUT).copyFrom(gaussian(r, IN * OUT, 1), 0);
        float[][] xs = {gaussian(r, 5 * IN, 2), gaussian(r, 3 * IN, 2)}, dys = {gaussian(r, 5 * OUT, 0.5), gaussian(r, 3 * OUT, 0.5)};
        List<WeightGradients.Weight> weights = WeightGradients.weights(record(k, p, xs, dys));
        assertEquals(1, weights.size());
        WeightGradients.Weight w = weights.get(0);
        assertEquals(3, w.offset());
        assertEquals(IN * OUT, w.size());
        // the sum in double
        double[] want = new double[IN * OUT];
        double largest = 0;
        for (int s = 0; s < 2; s++)
            for (int row = 0; row < xs[s].length / IN; row++)
                for (int i = 0; i < IN; i++)
                    for (int j = 0; j < OUT; j++) want[i * OUT + j] += (double) xs[s][row * IN + i] * dys[s][row * OUT + j];
        for (double v : want) largest = Math.max(largest, Math.abs(v));
        float[] g = new float[p.size()];
        java.util.Arrays.fill(g, 0.25f);
        w.run(k, g, false);
        for (int i = 0; i < want.length; i++) assertEquals(0.25 + want[i], g[3 + i], 1e-5 * (1 + Math.abs(want[i])), "added, " + i);
        assertEquals(0.25f, g[2]);
        w.run(k, g, true);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], g[3 + i], 1e-5 * (1 + Math.abs(want[i])), "written over, " + i);
        assertEquals(0.25f, g[2], "nothing outside the weight");
        double bound = w.bound();
        assertTrue(bound >= largest, bound + " bounds " + largest);
        // the Frobenius norms, shard by shard
        double norms = 0;
        for (int s = 0; s < 2; s++) {
            double a = 0, b = 0;
            for (float v : xs[s]) a += (double) v * v;
            for (float v : dys[s]) b += (double) v * v;
            norms += Math.sqrt(a) * Math.sqrt(b);
        }
        assertEquals(norms, bound, 1e-5 * norms);
    }

    /**
     * Only a parameter of the shard's own model is taken: not a tape result computed from one (a
     * slice of a weight), not another model's parameter; a linear layer on such a weight runs its
     * product at once, on the tape.
     */
    @Test
    void takesOnlyItsModelsParameters() {
        Kernels k = new VectorKernels(1);
        SplittableRandom r = new SplittableRandom(6);
        Params p = new Params(), other = new Params();
        Tensor w = p.add("w", IN, OUT).copyFrom(gaussian(r, IN * OUT, 1), 0);
        other.add("w", IN, OUT);
        WeightGradients wg = new WeightGradients(p);
        assertTrue(wg.takes(w));
        assertFalse(wg.takes(other.get("w")));
        Tape t = new Tape(k);
        t.deferWeightGradients(wg);
        Tensor slice = t.sliceCols(w, 0, 4);
        assertFalse(wg.takes(slice));
        float[] x = gaussian(r, 3 * IN, 1), dy = gaussian(r, 3 * 4, 1);
        Tensor y = t.linear(t.input(x, 0, 3, IN), slice, null);
        t.backward(y, dy);
        assertTrue(WeightGradients.weights(List.of(wg)).isEmpty(), "nothing recorded");
        for (int i = 0; i < IN; i++)
            for (int j = 0; j < OUT; j++) {
                double want = 0;
                if (j < 4) for (int row = 0; row < 3; row++) want += (double) x[row * IN + i] * dy[row * 4 + j];
                assertEquals(want, p.grad()[w.gradOff + i * OUT + j], 1e-5, "the slice's gradient reached w at " + i + "," + j);
            }
        assertThrows(IllegalArgumentException.class, () -> wg.record(k, y, y, slice, 3, IN, 4));
    }

    @Test
    void operandsThatProveNothingGiveNoFiniteBound() {
        Kernels k = new VectorKernels(1);
        SplittableRandom r = new SplittableRandom(5);
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 1e31f}) {
            Params p = new Params();
            p.add("w", IN, OUT).copyFrom(gaussian(r, IN * OUT, 1), 0);
            float[][] xs = {gaussian(r, 5 * IN, 1), gaussian(r, 3 * IN, 1)}, dys = {gaussian(r, 5 * OUT, 1), gaussian(r, 3 * OUT, 1)};
            xs[1][7] = bad;
            double bound = WeightGradients.weights(record(k, p, xs, dys)).get(0).bound();
            assertFalse(bound <= 1e30, bad + " in x gives the bound " + bound);
            xs[1][7] = 0.5f;
            dys[0][3] = bad;
            bound = WeightGradients.weights(record(k, p, xs, dys)).get(0).bound();
            assertFalse(bound <= 1e30, bad + " in dy gives the bound " + bound);
        }
    }
}
