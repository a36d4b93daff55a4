package gmvae4j.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static gmvae4j.engine.OpGradientProperties.leaf;
import static gmvae4j.engine.OpGradientProperties.uniform;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Forward values: gradient checks only prove backward matches forward, so here forward results are
 * compared with direct double-precision formulas and with identities linking the ops.
 */
class ForwardValuesTest {

    @Property(tries = 30)
    void softmaxFamilyAgreesWithTheDefinitions(@ForAll @IntRange(min = 1, max = 4) int rows,
                                               @ForAll @IntRange(min = 1, max = 7) int cols, @ForAll long seed) {
        Tensor x = uniform(new SplittableRandom(seed), -30, 30, rows, cols);
        Tape t = new Tape();
        Tensor lse = t.logSumExp(x), p = t.softmax(x), lp = t.logSoftmax(x);
        for (int i = 0; i < rows; i++) {
            double max = Double.NEGATIVE_INFINITY, s = 0;
            for (int j = 0; j < cols; j++) max = Math.max(max, x.get(i, j));
            for (int j = 0; j < cols; j++) s += Math.exp(x.get(i, j) - max);
            double expect = max + Math.log(s);
            assertEquals(expect, lse.get(i), 1e-5 * Math.max(1, Math.abs(expect)));
            for (int j = 0; j < cols; j++) {
                assertEquals(Math.exp(x.get(i, j) - expect), p.get(i, j), 1e-5);
                assertEquals(x.get(i, j) - expect, lp.get(i, j), 1e-4);
            }
        }
    }

    @Test
    void broadcastingPutsEachOperandWhereItBelongs() {
        Tape t = new Tape();
        Tensor m = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor row = Tensor.of(new float[]{10, 20, 30}, 1, 3);
        Tensor col = Tensor.of(new float[]{100, 200}, 2, 1);
        assertArrayEquals(new float[]{11, 22, 33, 14, 25, 36}, t.add(m, row).toArray());
        assertArrayEquals(new float[]{101, 102, 103, 204, 205, 206}, t.add(col, m).toArray());
        assertArrayEquals(new float[]{-99, -98, -97, -196, -195, -194}, t.sub(m, col).toArray());
        assertArrayEquals(new float[]{110, 120, 130, 210, 220, 230}, t.add(col, row).toArray(), "outer sum");
        assertArrayEquals(new float[]{0.1f, 0.1f, 0.1f, 0.4f, 0.25f, 0.2f}, t.div(m, row).toArray(), 1e-7f);
        assertArrayEquals(new float[]{5, 7, 9}, t.sum(m, 0).toArray());
        assertArrayEquals(new float[]{6, 15}, t.sum(m, 1).toArray());
        assertArrayEquals(new float[]{2, 5}, t.mean(m, 1).toArray());
        assertEquals(3.5f, t.mean(m).item());
        assertArrayEquals(new float[]{4, 5, 6, 4, 5, 6, 1, 2, 3}, t.gatherRows(m, new int[]{1, 1, 0}).toArray());
        assertArrayEquals(new float[]{2, 3, 10, 5, 6, 10}, t.concatCols(List.of(t.sliceCols(m, 1, 3), t.sliceCols(
                t.gatherRows(row, new int[]{0, 0}), 0, 1))).toArray());
        assertThrows(IllegalArgumentException.class, () -> t.add(m, Tensor.zeros(2, 2)));
        Tensor img = Tensor.zeros(2, 1, 2, 2);
        assertArrayEquals(new int[]{2, 1, 2, 2}, t.mul(t.add(img, 1f), Tensor.of(new float[]{3f}, 1, 1)).shape(),
                "a full NCHW operand keeps its shape");
        Tensor w = Tensor.of(new float[]{1, 2}, 1, 2).requireGrad();
        Tensor d = t.detach(t.exp(w));
        assertFalse(d.requiresGrad());
        assertEquals((float) Math.exp(2), d.get(1), 1e-5f);
    }

    @Test
    void matmulTransposeFormsAgree() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor a = leaf(rng, 3, 4), b = leaf(rng, 4, 5);
        Tape t = new Tape();
        Tensor ab = t.matmul(a, b);
        Tensor aT = t.reshape(transpose(a), 4, 3), bT = t.reshape(transpose(b), 5, 4);
        for (Tensor c : List.of(t.matmul(aT, true, b, false), t.matmul(a, false, bT, true), t.matmul(aT, true, bT, true)))
            assertArrayEquals(ab.toArray(), c.toArray(), 1e-5f);
        double s = 0;
        for (int k = 0; k < 4; k++) s += a.get(1, k) * b.get(k, 2);
        assertEquals(s, ab.get(1, 2), 1e-5);
    }

    static Tensor transpose(Tensor m) {
        Tensor r = Tensor.zeros(m.cols(), m.rows());
        for (int i = 0; i < m.rows(); i++) for (int j = 0; j < m.cols(); j++) r.set(j, i, m.get(i, j));
        return r;
    }

    /**
     * The full-covariance pairs against the density written out: P = L Lᵀ built entry by entry,
     * (z − μ)ᵀ P (z − μ) and log det P = 2 Σ log L_ii; and, with L diagonal (L_ii = σ_i⁻¹), the
     * diagonal op's value. The precision diagonal against Σ_j L_ij².
     */
    @Property(tries = 30)
    void fullGaussianPairsMatchTheWrittenOutDensity(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 3) int k,
                                                     @ForAll @IntRange(min = 1, max = 5) int d, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor z = leaf(rng, rows, d), mu = leaf(rng, k, d), a = OpGradientProperties.cholesky(rng, k, d);
        Tape t = new Tape();
        Tensor y = t.gaussianFullLogDensityPairs(z, mu, a);
        Tensor pd = t.precisionDiagonal(a, d);
        for (int c = 0; c < k; c++) {
            double[][] l = new double[d][d];
            double logDet = 0;
            for (int i = 0; i < d; i++) for (int j = 0; j <= i; j++) {
                float v = a.get(c * d * d + i * d + j);
                l[i][j] = j < i ? v : Math.exp(v);
                if (i == j) logDet += 2 * v;
            }
            for (int i = 0; i < d; i++) {
                double p = 0;
                for (int j = 0; j < d; j++) p += l[i][j] * l[i][j];
                assertEquals(p, pd.get(c, i), 1e-5 * Math.max(1, p));
            }
            for (int b = 0; b < rows; b++) {
                double q = 0;
                for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) {
                    double pij = 0;
                    for (int m = 0; m < d; m++) pij += l[i][m] * l[j][m];
                    q += (z.get(b, i) - mu.get(c, i)) * pij * (z.get(b, j) - mu.get(c, j));
                }
                double direct = -0.5 * d * Math.log(2 * Math.PI) + 0.5 * logDet - 0.5 * q;
                assertEquals(direct, y.get(b, c), 1e-4 * Math.max(1, Math.abs(direct)));
            }
        }
        // L diagonal: the diagonal model with log σ²_i = −2 a_i
        Tensor diag = Tensor.zeros(k, d * d), lv = Tensor.zeros(k, d);
        for (int c = 0; c < k; c++) for (int i = 0; i < d; i++) {
            float ai = a.get(c * d * d + i * d + i);
            diag.set(c * d * d + i * d + i, ai);
            lv.set(c * d + i, -2 * ai);
        }
        Tensor full = t.gaussianFullLogDensityPairs(z, mu, diag), pairs = t.gaussianLogDensityPairs(z, mu, lv);
        for (int i = 0; i < full.size(); i++) assertEquals(pairs.get(i), full.get(i), 1e-4 * Math.max(1, Math.abs(pairs.get(i))));
    }

    @Property(tries = 30)
    void gaussianTermsAgreeWithEachOther(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 3) int k,
                                         @ForAll @IntRange(min = 1, max = 5) int d, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor z = leaf(rng, rows, d), mu = leaf(rng, rows, d), lv = uniform(rng, -2, 2, rows, d);
        Tensor muK = leaf(rng, k, d), lvK = uniform(rng, -2, 2, k, d);
        Tape t = new Tape();
        Tensor pairs = t.gaussianLogDensityPairs(z, muK, lvK);
        Tensor expected = t.gaussianExpectedLogDensityPairs(mu, lv, muK, lvK);
        for (int c = 0; c < k; c++) {
            Tensor muC = t.gatherRows(muK, new int[]{c}), lvC = t.gatherRows(lvK, new int[]{c});
            Tensor single = t.gaussianLogDensity(z, muC, lvC);
            Tensor kl = t.gaussianKl(mu, lv, muC, lvC);
            for (int b = 0; b < rows; b++) {
                double direct = 0;
                for (int j = 0; j < d; j++) {
                    double diff = z.get(b, j) - muK.get(c, j);
                    direct += -0.5 * (Math.log(2 * Math.PI) + lvK.get(c, j) + diff * diff * Math.exp(-lvK.get(c, j)));
                }
                assertEquals(direct, single.get(b), 1e-4 * Math.max(1, Math.abs(direct)));
                assertEquals(single.get(b), pairs.get(b, c), 1e-4 * Math.max(1, Math.abs(direct)));
                // KL(q || p_c) = −H(q) − E_q log p_c, with H(q) = ½ Σ (1 + log 2π + lv)
                double entropy = 0;
                for (int j = 0; j < d; j++) entropy += 0.5 * (1 + Math.log(2 * Math.PI) + lv.get(b, j));
                double viaExpected = -entropy - expected.get(b, c);
                assertEquals(viaExpected, kl.get(b), 1e-4 * Math.max(1, Math.abs(viaExpected)));
            }
        }
    }

    @Test
    void bceAndCrossEntropyValues() {
        Tape t = new Tape();
        Tensor logits = Tensor.of(new float[]{0f, 100f, -100f, 2f}, 2, 2);
        Tensor targets = Tensor.of(new float[]{1f, 1f, 0f, 0.25f}, 2, 2);
        Tensor bce = t.bceWithLogits(logits, targets);
        assertEquals(Math.log(2), bce.get(0), 1e-6, "no overflow at ±100");
        double s = 1 / (1 + Math.exp(-2));
        assertEquals(-(0.25 * Math.log(s) + 0.75 * Math.log(1 - s)), bce.get(1), 1e-6);
        Tensor ce = t.softmaxCrossEntropy(Tensor.of(new float[]{1f, 2f, 3f, 1000f, 0f, 0f}, 2, 3), new int[]{2, 0});
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, ce.get(0), 1e-6);
        assertEquals(0.0, ce.get(1), 1e-6);
    }

    /**
     * Regression: a small cross-entropy keeps its digits (it was log Σ e^x − x_c in float, 8.2e-4
     * known to 1e-3 of itself, and OpGradientProperties' check of this case failed: jqwik seed
     * 1628910196983977244, rows 1, cols 2, seed 21).
     */
    @Test
    void aSmallCrossEntropyIsPrecise() {
        float a = -3.7878368f, b = 3.3222651f;
        Tensor logits = Tensor.of(new float[] {a, b}, 1, 2).requireGrad();
        Tensor ce = new Tape().softmaxCrossEntropy(logits, new int[] {1});
        double exact = Math.log1p(Math.exp((double) a - b));
        assertEquals(exact, ce.get(0), 1e-6 * exact);
        GradCheck.check(t -> t.softmaxCrossEntropy(logits, new int[] {1}), java.util.List.of(logits));
    }

    @Test
    void gradCheckCatchesAWrongGradient() {
        Tensor x = Tensor.of(new float[]{0.5f, -1f, 2f}, 1, 3).requireGrad();
        // y = x², recorded with the wrong derivative x (instead of 2x)
        var r = GradCheck.measure(t -> {
            Tensor y = t.matrix(1, 3, t.needsGrad(x));
            for (int i = 0; i < 3; i++) y.set(i, x.get(i) * x.get(i));
            t.record(() -> { for (int i = 0; i < 3; i++) x.grad[x.gradOff + i] += y.grad[y.gradOff + i] * x.get(i); });
            return y;
        }, List.of(x), GradCheck.H);
        assertFalse(r.ok(), r.toString());
        assertTrue(r.worstRatio() > 10);
    }

    @Test
    void sampledGradCheckOnAWholeModel() {
        Params p = new Params();
        var mlp = gmvae4j.engine.nn.Mlp.builder("m").sizes(30, 40, 40, 30).hidden(gmvae4j.engine.nn.Activation.TANH)
                .build(p, new SplittableRandom(9));
        Tensor x = uniform(new SplittableRandom(10), 0, 1, 5, 30);
        Tensor noise = Tensor.zeros(1, 1);   // stands in for fixed sampling noise
        List<Tensor> weights = p.list().stream().map(NamedParam::tensor).toList();
        var r = GradCheck.checkSampled(t -> t.mean(t.add(t.bceWithLogits(mlp.forward(t, x), x), noise)), weights, 20);
        assertEquals(20 + 20 + 20 + 20 + 20 + 20, r.checked());
    }
}
