package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.GradCheck;
import gmvae4j.engine.NamedParam;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MixtureElboTest {

    static final double LOG_2PI = Math.log(2 * Math.PI);

    private static MixtureElbo.Terms terms(Tape t, float[] x, float[] logits, float[] mu, float[] lv, float[] z,
                                           float[] pmu, float[] plv, float[] logPi, int b, int d, int zd, int k) {
        return MixtureElbo.terms(t, Tensor.of(x, b, d), Tensor.of(logits, b, d), Tensor.of(mu, b, zd), Tensor.of(lv, b, zd),
                Tensor.of(z, b, zd), Tensor.of(pmu, k, zd), Tensor.of(plv, k, zd), Tensor.of(logPi, 1, k));
    }

    @Test
    void identicalGaussiansCostNothingButReconstruction() {
        // K = 1, q(z|x) = N(0,1) = p(z|c): z-prior ½(log 2π + 1) and entropy −½(1 + log 2π) cancel,
        // γ = 1 = π so the categorical term is 0; logit 0 costs log 2 per pixel whatever the target.
        Tape t = new Tape();
        var r = terms(t, new float[] {0f, 1f}, new float[] {0f, 0f}, new float[] {0f}, new float[] {0f}, new float[] {0.7f},
                new float[] {0f}, new float[] {0f}, new float[] {0f}, 1, 2, 1, 1);
        assertEquals(2 * Math.log(2), r.reconstruction().item(), 1e-6);
        assertEquals(0.5 * (LOG_2PI + 1), r.zPrior().item(), 1e-6);
        assertEquals(-0.5 * (1 + LOG_2PI), r.entropy().item(), 1e-6);
        assertEquals(0.0, r.categorical().item(), 1e-6);
    }

    @Test
    void symmetricTwoComponentCase() {
        // z = 0 halfway between μ_c = ±1 (σ²_c = 1), uniform π: γ = (½, ½), categorical 0;
        // μ = 0, σ² = 1: each component costs ½(log 2π + 0 + (1 + 1)/1), so z-prior = ½(log 2π + 2).
        Tape t = new Tape();
        float lp = (float) Math.log(0.5);
        var r = terms(t, new float[] {1f}, new float[] {2f}, new float[] {0f}, new float[] {0f}, new float[] {0f},
                new float[] {1f, -1f}, new float[] {0f, 0f}, new float[] {lp, lp}, 1, 1, 1, 2);
        assertEquals(Math.log1p(Math.exp(-2)), r.reconstruction().item(), 1e-6);   // −log σ(2)
        assertEquals(0.5 * (LOG_2PI + 2), r.zPrior().item(), 1e-6);
        assertEquals(0.0, r.categorical().item(), 1e-6);
    }

    @Test
    void generalCaseMatchesADirectDoubleComputation() {
        int b = 3, zd = 2, k = 3, d = 4;
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = rand(rng, b * d, 0, 1), logits = rand(rng, b * d, -3, 3), mu = rand(rng, b * zd, -1, 1),
                lv = rand(rng, b * zd, -1, 0.5), z = rand(rng, b * zd, -1.5, 1.5), pmu = rand(rng, k * zd, -1, 1),
                plv = rand(rng, k * zd, -0.7, 0.7);
        float[] logPi = {(float) Math.log(0.2), (float) Math.log(0.5), (float) Math.log(0.3)};
        var r = terms(new Tape(), x, logits, mu, lv, z, pmu, plv, logPi, b, d, zd, k);
        for (int i = 0; i < b; i++) {
            double bce = 0;
            for (int j = 0; j < d; j++) {
                double p = 1 / (1 + Math.exp(-logits[i * d + j]));
                bce -= x[i * d + j] * Math.log(p) + (1 - x[i * d + j]) * Math.log(1 - p);
            }
            double[] a = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double ln = 0;
                for (int j = 0; j < zd; j++) {
                    double v = Math.exp(plv[c * zd + j]), diff = z[i * zd + j] - pmu[c * zd + j];
                    ln += -0.5 * (LOG_2PI + Math.log(v) + diff * diff / v);
                }
                a[c] = logPi[c] + ln;
                max = Math.max(max, a[c]);
            }
            double zsum = 0;
            for (double v : a) zsum += Math.exp(v - max);
            double zPrior = 0, cat = 0, ent = 0;
            for (int c = 0; c < k; c++) {
                double g = Math.exp(a[c] - max) / zsum;
                double e = 0;
                for (int j = 0; j < zd; j++) {
                    double v = Math.exp(plv[c * zd + j]), diff = mu[i * zd + j] - pmu[c * zd + j];
                    e += 0.5 * (LOG_2PI + Math.log(v) + (Math.exp(lv[i * zd + j]) + diff * diff) / v);
                }
                zPrior += g * e;
                cat += g * (Math.log(g) - logPi[c]);
            }
            for (int j = 0; j < zd; j++) ent -= 0.5 * (1 + LOG_2PI + lv[i * zd + j]);
            assertEquals(bce, r.reconstruction().get(i), 1e-4);
            assertEquals(zPrior, r.zPrior().get(i), 1e-4);
            assertEquals(ent, r.entropy().get(i), 1e-5);
            assertEquals(cat, r.categorical().get(i), 1e-5);
        }
    }

    static float[] rand(SplittableRandom rng, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        return a;
    }

    /** A tiny model with smooth activations (finite differences and ReLU kinks do not mix). */
    static GmvaeConfig tiny(String variant) {
        return new GmvaeConfig(variant, 3, 2, 2, 3, new int[] {5}, new int[] {4}, "mlp", "tanh", true);
    }

    static List<Tensor> allParams(TrainableGmvae m) {
        List<Tensor> ps = new ArrayList<>();
        for (NamedParam p : m.params().list()) ps.add(p.tensor());
        return ps;
    }

    @Test
    void wholeMixtureElboGradientMatchesFiniteDifferences() {
        MixtureGmvae m = new MixtureGmvae(tiny("mixture"), 5);
        // spread the prior so responsibilities are not all equal
        m.setPrior(new float[] {-1f, 0.5f, 0.8f, -0.3f, 0.2f, 1.1f}, new float[] {0.8f, 1.2f, 0.6f, 1f, 1.5f, 0.7f},
                new double[] {0.2, 0.5, 0.3});
        SplittableRandom rng = new SplittableRandom(9);
        float[] x = rand(rng, 2 * 6, 0, 1), eps = rand(rng, m.noiseSize(2), -1.5, 1.5);
        GradCheck.Result r = GradCheck.check(t -> m.loss(t, t.input(x, 0, 2, 6), eps).total(), allParams(m));
        assertEquals(m.params().size(), r.checked());
    }

    @Test
    void convArchitectureGradientMatchesFiniteDifferences() {
        GmvaeConfig cfg = new GmvaeConfig("mixture", 3, 2, 8, 8, new int[] {6}, new int[] {5}, "conv", "tanh", true);
        MixtureGmvae m = new MixtureGmvae(cfg, 5);
        SplittableRandom rng = new SplittableRandom(2);
        float[] x = rand(rng, 2 * 64, 0, 1), eps = rand(rng, m.noiseSize(2), -1.5, 1.5);
        GradCheck.checkSampled(t -> m.loss(t, t.input(x, 0, 2, 64), eps).total(), allParams(m), 12);
        float[] s = m.sample(0, 2, 1);
        assertEquals(2 * 64, s.length);
    }

    @Test
    void lossTermsSumToTheTotal() {
        MixtureGmvae m = new MixtureGmvae(tiny("mixture"), 5);
        float[] x = rand(new SplittableRandom(1), 2 * 6, 0, 1), eps = new float[m.noiseSize(2)];
        Tape t = new Tape();
        var loss = m.loss(t, t.input(x, 0, 2, 6), eps);
        double sum = 0;
        for (Tensor v : loss.terms().values()) sum += v.item();
        assertEquals(List.of("rec", "z_prior", "entropy", "cat"), List.copyOf(loss.terms().keySet()));
        assertEquals(sum, loss.total().item(), 1e-5);
    }

    @Test
    void posteriorRowsSumToOneAndSamplesAreProbabilities() {
        MixtureGmvae m = new MixtureGmvae(tiny("mixture"), 5);
        byte[] px = new byte[4 * 6];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 37);
        float[] q = m.posterior(px, 4);
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (int c = 0; c < 3; c++) s += q[i * 3 + c];
            assertEquals(1.0, s, 1e-5);
        }
        float[] s1 = m.sample(1, 5, 42), s2 = m.sample(1, 5, 42);
        assertArrayEquals(s1, s2);
        for (float v : s1) assertTrue(v >= 0 && v <= 1);
        assertThrows(IllegalArgumentException.class, () -> m.sample(3, 1, 1));
    }
}
