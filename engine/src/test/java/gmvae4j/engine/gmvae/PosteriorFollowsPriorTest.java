package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Regression (issue 12 section 6): the decoding posterior ignoring log π (the learned mixing
 * weights) passed every test. q(c|x) of the mixture variant is γ at z = μ(x):
 * q(c|x) = π_c N(μ(x); μ_c, σ²_c) / Σ_c' π_c' N(μ(x); μ_c', σ²_c'), computed here in double
 * from the model's own latent means and the prior it was given.
 */
class PosteriorFollowsPriorTest {

    static final int K = 4, Z = 2, SIDE = 4;

    static TrainableGmvae model() {
        return GmvaeIo.create(new GmvaeConfig("mixture", K, Z, SIDE, SIDE, new int[] {6}, new int[] {6}, "mlp", "tanh", true), 3);
    }

    static byte[] images(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        byte[] px = new byte[n * SIDE * SIDE];
        for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(256);
        return px;
    }

    @Test
    void identicalComponentsGiveExactlyTheMixingWeights() {
        TrainableGmvae m = model();
        double[] pi = {0.55, 0.25, 0.15, 0.05};
        float[] means = new float[K * Z], vars = new float[K * Z];
        java.util.Arrays.fill(vars, 1.5f);
        m.setPrior(means, vars, pi);
        float[] q = m.posterior(images(7), 7);
        for (int i = 0; i < 7; i++)
            for (int c = 0; c < K; c++) assertEquals(pi[c], q[i * K + c], 1e-6, "image " + i + " component " + c);
    }

    @Test
    void posteriorIsPiTimesTheComponentDensityNormalised() {
        TrainableGmvae m = model();
        double[] pi = {0.1, 0.2, 0.3, 0.4};
        float[] means = {0.3f, -0.2f, -0.4f, 0.1f, 0.0f, 0.5f, 0.2f, 0.2f}, vars = {0.5f, 1f, 2f, 0.7f, 1.2f, 0.9f, 0.6f, 1.4f};
        m.setPrior(means, vars, pi);
        int n = 9;
        byte[] px = images(n);
        float[] q = m.posterior(px, n), mu = m.latentMeans(px, n);
        for (int i = 0; i < n; i++) {
            double[] logp = new double[K];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < K; c++) {
                double s = Math.log(pi[c]);
                for (int j = 0; j < Z; j++) {
                    double v = vars[c * Z + j], diff = mu[i * Z + j] - means[c * Z + j];
                    s += -0.5 * (Math.log(2 * Math.PI * v) + diff * diff / v);
                }
                logp[c] = s;
                max = Math.max(max, s);
            }
            double total = 0;
            for (int c = 0; c < K; c++) total += Math.exp(logp[c] - max);
            for (int c = 0; c < K; c++)
                assertEquals(Math.exp(logp[c] - max) / total, q[i * K + c], 2e-6, "image " + i + " component " + c);
        }
    }

    /** The labeling page's one-pass encoding gives exactly what the two separate passes give (over batches: 1,003 images). */
    @Test
    void oneEncoderPassGivesThePosteriorsAndTheMeans() {
        MixtureGmvae m = (MixtureGmvae) model();
        m.setPrior(new float[] {0, 0, 1, 0, 0, 1, -1, -1}, new float[] {1, 1, .5f, 2, 1, .3f, 2, 2}, new double[] {.4, .3, .2, .1});
        int n = 1003;
        byte[] px = images(n);
        MixtureGmvae.Encoding e = m.encodeAll(px, n);
        assertArrayEquals(m.posterior(px, n), e.posterior());
        assertArrayEquals(m.latentMeans(px, n), e.means());
        int[] comp = new int[n];
        for (int i = 0; i < n; i++) comp[i] = i % K;
        assertArrayEquals(m.latentLogDensity(px, n, comp), m.latentLogDensity(e.means(), n, comp));
    }
}
