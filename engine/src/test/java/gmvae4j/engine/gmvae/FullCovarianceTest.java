package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.ops.GaussianFull;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mixture with full-covariance components ({@code covariance full}): with a diagonal factor it
 * is the diagonal model; with an off-diagonal one its posterior, its typicality score and its
 * samples follow N(μ_c, (L_c L_cᵀ)⁻¹) written out in double; it trains, saves and loads.
 */
class FullCovarianceTest {

    @TempDir Path dir;

    static final int K = 3, Z = 3, SIDE = 4, D = SIDE * SIDE;

    static MixtureGmvae model(String covariance) {
        return (MixtureGmvae) GmvaeIo.create(new GmvaeConfig("mixture", K, Z, SIDE, SIDE, new int[] {6}, new int[] {6},
                "mlp", "tanh", true, covariance), 3);
    }

    static final double[] PI = {0.5, 0.3, 0.2};
    static final float[] MEANS = {0.3f, -0.2f, 0.1f, -0.4f, 0.1f, 0.0f, 0.5f, 0.2f, -0.3f};
    static final float[] VARS = {0.5f, 1f, 2f, 0.7f, 1.2f, 0.9f, 0.6f, 1.4f, 0.8f};

    static byte[] images(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        byte[] px = new byte[n * D];
        for (int i = 0; i < px.length; i++) px[i] = (byte) rng.nextInt(256);
        return px;
    }

    @Test
    void aDiagonalFactorIsTheDiagonalModel() {
        MixtureGmvae diag = model("diag"), full = model("full");
        diag.setPrior(MEANS, VARS, PI);
        full.setPrior(MEANS, VARS, PI);
        int n = 8;
        byte[] px = images(n);
        assertArrayEquals(diag.posterior(px, n), full.posterior(px, n), 1e-5f);
        float[] mu = diag.latentMeans(px, n);
        int[] comp = {0, 1, 2, 0, 1, 2, 0, 1};
        assertArrayEquals(diag.latentLogDensity(mu, n, comp), full.latentLogDensity(mu, n, comp), 1e-5);
        assertArrayEquals(diag.sample(1, 5, 9), full.sample(1, 5, 9), 1e-5f);
        // the latent graph's metric: L_c = diag(σ_c⁻¹) either way, nothing off the diagonal
        float[] expected = new float[K * Z * Z];
        for (int c = 0; c < K; c++)
            for (int j = 0; j < Z; j++) expected[(c * Z + j) * Z + j] = (float) (1 / Math.sqrt(VARS[c * Z + j]));
        assertArrayEquals(expected, diag.precisionFactors(), 1e-5f);
        assertArrayEquals(expected, full.precisionFactors(), 1e-5f);
        full.params().get("prior.cholesky").set(1 * Z * Z + 2 * Z + 0, 0.25f);   // L_1[2][0], below the diagonal: kept as stored
        assertEquals(0.25f, full.precisionFactors()[(1 * Z + 2) * Z], 0f);
        full.params().get("prior.cholesky").set(1 * Z * Z + 0 * Z + 2, 0.5f);    // above it: not part of L
        assertEquals(0f, full.precisionFactors()[(1 * Z + 0) * Z + 2], 0f);
        full.params().get("prior.cholesky").set(1 * Z * Z + 0 * Z + 2, 0f);
        full.params().get("prior.cholesky").set(1 * Z * Z + 2 * Z + 0, 0f);
        float[] x = new float[n * D], eps = new float[n * Z];
        for (int i = 0; i < x.length; i++) x[i] = (px[i] & 0xff) / 255f;
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < eps.length; i++) eps[i] = (float) rng.nextGaussian();
        var a = diag.loss(new Tape(), Tensor.of(x, n, D), eps).terms();
        var b = full.loss(new Tape(), Tensor.of(x, n, D), eps).terms();
        for (String term : a.keySet())
            assertEquals(a.get(term).get(0), b.get(term).get(0), 1e-5 * Math.max(1, Math.abs(a.get(term).get(0))), term);
    }

    /** A full factor with off-diagonal entries: component c's L_c drawn, returned in double for the checks. */
    static double[][][] tilt(MixtureGmvae m) {
        m.setPrior(MEANS, VARS, PI);
        Tensor a = m.params().get("prior.cholesky");
        SplittableRandom rng = new SplittableRandom(11);
        double[][][] l = new double[K][Z][Z];
        for (int c = 0; c < K; c++)
            for (int i = 0; i < Z; i++)
                for (int j = 0; j <= i; j++) {
                    int o = c * Z * Z + i * Z + j;
                    if (j < i) a.set(o, (float) (rng.nextDouble() * 1.6 - 0.8));
                    l[c][i][j] = j < i ? a.get(o) : GaussianFull.diag(a.get(o));
                }
        return l;
    }

    /** log N(x; μ_c, (L Lᵀ)⁻¹) in double. */
    static double logDensity(double[][] l, float[] x, int xo, int c) {
        double s = -0.5 * Z * Math.log(2 * Math.PI);
        for (int j = 0; j < Z; j++) {
            double v = 0;
            for (int i = j; i < Z; i++) v += l[i][j] * (x[xo + i] - MEANS[c * Z + i]);
            s += Math.log(l[j][j]) - 0.5 * v * v;
        }
        return s;
    }

    @Test
    void posteriorAndTypicalityFollowTheFullDensity() {
        MixtureGmvae m = model("full");
        double[][][] l = tilt(m);
        int n = 9;
        byte[] px = images(n);
        float[] q = m.posterior(px, n), mu = m.latentMeans(px, n);
        int[] comp = new int[n];
        for (int i = 0; i < n; i++) {
            double[] lp = new double[K];
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int c = 0; c < K; c++) { lp[c] = Math.log(PI[c]) + logDensity(l[c], mu, i * Z, c); max = Math.max(max, lp[c]); }
            for (int c = 0; c < K; c++) sum += Math.exp(lp[c] - max);
            for (int c = 0; c < K; c++) assertEquals(Math.exp(lp[c] - max) / sum, q[i * K + c], 1e-5, "image " + i + " component " + c);
            comp[i] = i % K;
        }
        // the typicality score drops the constants: differences within a component are the density's
        double[] score = m.latentLogDensity(mu, n, comp);
        for (int i = K; i < n; i++) {
            int c = comp[i];
            double want = logDensity(l[c], mu, i * Z, c) - logDensity(l[c], mu, c * Z, c);
            assertEquals(want, score[i] - score[c], 1e-4 * Math.max(1, Math.abs(want)));
        }
    }

    @Test
    void drawsHaveTheComponentsCovariance() {
        MixtureGmvae m = model("full");
        double[][][] l = tilt(m);
        int c = 1, n = 200_000;
        float[] z = m.drawLatent(c, n, 4);
        // Σ = (L Lᵀ)⁻¹, so Lᵀ Σ L = I: the whitened draws Lᵀ(z − μ) have identity covariance and zero mean
        double[] mean = new double[Z];
        double[][] cov = new double[Z][Z];
        double[] w = new double[Z];
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < Z; j++) {
                double v = 0;
                for (int i = j; i < Z; i++) v += l[c][i][j] * (z[s * Z + i] - MEANS[c * Z + i]);
                w[j] = v;
                mean[j] += v / n;
            }
            for (int i = 0; i < Z; i++) for (int j = 0; j < Z; j++) cov[i][j] += w[i] * w[j] / n;
        }
        for (int i = 0; i < Z; i++) {
            assertEquals(0, mean[i], 0.01, "mean " + i);
            for (int j = 0; j < Z; j++) assertEquals(i == j ? 1 : 0, cov[i][j], 0.015, "cov " + i + "," + j);
        }
        assertEquals(7 * D, m.sample(c, 7, 4).length);
    }

    @Test
    void trainsLearnsTheOffDiagonalAndSurvivesTheFile() throws Exception {
        TrainOptions o = GmvaeTrainingTest.deterministic("mixture");
        o.covariance = "full";
        o.out = dir.resolve("full.gmvae");
        TrainResult r = GmvaeTraining.train(TestImages.of(GmvaeTrainingTest.DATA), o, ProgressListener.NONE);
        var train = r.history().stream().filter(e -> e.phase().equals("train")).toList();
        assertTrue(train.getLast().terms().get("loss") < train.getFirst().terms().get("loss"), "the loss went down");
        Tensor a = r.model().params().get("prior.cholesky");
        double offDiagonal = 0;
        for (int c = 0; c < o.k; c++) for (int i = 0; i < o.z; i++) for (int j = 0; j < i; j++) offDiagonal += Math.abs(a.get(c * o.z * o.z + i * o.z + j));
        assertTrue(offDiagonal > 0, "the off-diagonal part moved from the diagonal start");
        TrainableGmvae loaded = GmvaeIo.load(o.out);
        assertEquals("full", loaded.config().covariance());
        assertEquals("full", ModelFile.read(o.out).config().get("covariance"));
        byte[] px = GmvaeTrainingTest.DATA.pixels();
        assertArrayEquals(r.model().posterior(px, 20), loaded.posterior(px, 20));
        // a diagonal model's file says nothing about covariance: the same file as before the option existed
        TrainOptions d = GmvaeTrainingTest.deterministic("mixture");
        d.epochs = 0;
        d.out = dir.resolve("diag.gmvae");
        GmvaeTraining.train(TestImages.of(GmvaeTrainingTest.DATA), d, ProgressListener.NONE);
        assertNull(ModelFile.read(d.out).config().get("covariance"));
        assertEquals("diag", GmvaeIo.load(d.out).config().covariance());
        TrainOptions marginal = GmvaeTrainingTest.tiny("marginal");
        marginal.covariance = "full";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GmvaeTraining.train(TestImages.of(GmvaeTrainingTest.DATA), marginal, ProgressListener.NONE));
        assertEquals("full covariance is only available for the mixture variant", e.getMessage());
    }
}
