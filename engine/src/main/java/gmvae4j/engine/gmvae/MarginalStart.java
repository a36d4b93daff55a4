package gmvae4j.engine.gmvae;

import gmvae4j.engine.Adam;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.kernels.Kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The start of the {@code marginal} variant: how the autoencoder pretraining and the GMM fitted on
 * its latent means (the start that makes {@code mixture} work) are carried into the marginal's own
 * parameters before the ELBO takes over.
 *
 * <p>Why the study's start collapses: with random heads, q(c|x) is nearly uniform and every
 * component's decoder input is noise, so the component that happens to reconstruct a little better
 * early gets more q mass, hence more gradient, hence reconstructs better still; on MNIST, K = 100,
 * a few components take everything within an epoch. The cure is to start where the answer is
 * already a good clustering, and to give every part of the model a start that agrees with it:
 *
 * <ol>
 *   <li>{@link Level#PRIOR}: pretraining trains trunk → component 0's μ head → decoder as a plain
 *       autoencoder; k-means++ and EM of a diagonal GMM on its latent means set p(z|c) (and π when
 *       learned). The other heads and q(c|x) stay random.</li>
 *   <li>{@link Level#CLASSIFIER}: the q(c|x) head is fitted (softmax regression on the frozen
 *       trunk's features, cross-entropy) to the GMM's responsibilities. Without it q(c|x) starts
 *       uniform and the first ELBO steps decide the clustering from scratch.</li>
 *   <li>{@link Level#FULL}: every component's μ head starts as a copy of the pretrained one, so
 *       q(z|x,c) = N(μ(x), ·) for every c. For an image the GMM put in component c, μ(x) already lies
 *       in that component (that is why the GMM put it there), so q(z|x,c) sits on its component and
 *       the KL to p(z|c) is small where q(c|x) is large; the decoder, trained on exactly these codes,
 *       reconstructs from every head. A bias shift toward μ_c was the alternative: it moves the
 *       codes of the images already in c off the points the decoder learnt, and for the images not
 *       in c, q(c|x) ≈ 0 makes their head irrelevant.
 *       <p>The log-variance heads (which pretraining never trains) start at one small σ²_j for every
 *       c and x: 1% of the GMM's smallest σ²_cj. Then
 *       KL(q(z|x,c) ‖ p(z|c)) = −log N(μ(x); μ_c, σ²_c) + ½ Σ_j σ²_j/σ²_cj + (terms the same for
 *       every c), and the middle term is at most z/200 nats, so the q(c|x) that minimises the
 *       ELBO at the start, ∝ p(c)·exp(−KL_c) (the reconstructions are equal across c), is the GMM's
 *       responsibility at μ(x): exactly what the q(c|x) head was fitted to. With the random (σ² ≈ 1)
 *       start instead, the term σ²/σ²_c dominates the KL and favours the broadest components for
 *       every image: they absorb the others within the first epoch (on 4,000 MNIST images, K = 100:
 *       99 non-empty components fell to 49).</li>
 * </ol>
 */
final class MarginalStart {

    private MarginalStart() {}

    /** σ² of the heads at the start, as a fraction of the GMM's smallest variance in each dimension. */
    static final float HEAD_VARIANCE_FRACTION = 0.01f;

    /** How much of the start is carried over (an ablation knob; {@link #FULL} is the default). */
    enum Level {
        /** The study's start: no pretraining, random prior means, everything trained jointly. */
        NONE,
        /** Pretraining and the GMM prior only. */
        PRIOR,
        /** ... and the q(c|x) head fitted to the GMM's responsibilities. */
        CLASSIFIER,
        /** ... and every μ head started at the pretrained encoder mean. */
        FULL;

        static Level parse(String s) {
            return switch (s) {
                case "none" -> NONE;
                case "prior" -> PRIOR;
                case "classifier" -> CLASSIFIER;
                case "full" -> FULL;
                default -> throw new IllegalArgumentException("marginal start must be none, prior, classifier or full, got '" + s + "'");
            };
        }
    }

    /**
     * Carries the GMM start into the heads, after {@link TrainableGmvae#setPrior}.
     *
     * @param latent the pretrained latent means the GMM was fitted on (n × z)
     */
    static void carry(MarginalGmvae m, TrainingImages data, float[] latent, DiagonalGmm.Fit gmm, TrainOptions o,
                      Kernels kernels, ProgressListener out) {
        Level level = Level.parse(o.marginalStart);
        if (level.compareTo(Level.FULL) >= 0) {
            int z = gmm.d();
            float[] v = new float[z];
            Arrays.fill(v, Float.POSITIVE_INFINITY);
            for (int c = 0; c < gmm.k(); c++) for (int j = 0; j < z; j++) v[j] = Math.min(v[j], gmm.variances()[c * z + j]);
            double mean = 0;
            for (int j = 0; j < z; j++) { v[j] *= HEAD_VARIANCE_FRACTION; mean += v[j] / z; }
            m.startHeadsAt(v);
            out.message(String.format(Locale.ROOT, "start: every component's Gaussian head at N(pretrained μ(x), σ²), σ² = %.0e of the"
                    + " smallest component variance (mean σ² %.2e)", HEAD_VARIANCE_FRACTION, mean));
        }
        if (level.compareTo(Level.CLASSIFIER) >= 0) fitClassifier(m, data, latent, gmm, o, kernels, out);
    }

    /**
     * Softmax regression of the q(c|x) head on the GMM's responsibilities. It starts from the GMM's
     * log-responsibility with one pooled precision per dimension, P_j = mean_c 1/σ²_cj:
     * log π_c − ½ Σ_j P_j (μ_j − μ_cj)², whose μ_j² part is the same for every c and cancels in the
     * softmax, so what is left is linear in the code μ(x), hence in the trunk's output (see
     * {@link MarginalGmvae#startClassifierLinearInCode}). Then {@code o.classifierEpochs} passes with
     * a fresh Adam fit the per-component variances too. Only the head gets gradients (the trunk runs
     * without), and a fresh Adam moves a parameter with a zero gradient by exactly zero, so nothing
     * else changes.
     */
    static void fitClassifier(MarginalGmvae m, TrainingImages data, float[] latent, DiagonalGmm.Fit gmm,
                              TrainOptions o, Kernels kernels, ProgressListener out) {
        int n = data.n(), dim = data.dim(), k = m.k(), b = o.batch;
        long t0 = System.nanoTime();
        // the targets under the prior the model actually has: π uniform unless it is learned
        DiagonalGmm.Fit target = o.learnPrior ? gmm : new DiagonalGmm.Fit(k, gmm.d(), uniform(k), gmm.means(), gmm.variances(), gmm.logLikelihood());
        float[] gamma = DiagonalGmm.responsibilities(latent, n, target);
        int z = gmm.d();
        float[] a = new float[z * k], offset = new float[k];
        double[] pooled = new double[z];
        for (int c = 0; c < k; c++) for (int j = 0; j < z; j++) pooled[j] += 1.0 / gmm.variances()[c * z + j] / k;
        for (int c = 0; c < k; c++) {
            double off = Math.log(target.weights()[c]);
            for (int j = 0; j < z; j++) {
                double mu = gmm.means()[c * z + j];
                a[j * k + c] = (float) (pooled[j] * mu);
                off -= 0.5 * pooled[j] * mu * mu;
            }
            offset[c] = (float) off;
        }
        m.startClassifierLinearInCode(a, offset);
        int[] want = Purity.argmax(gamma, n, k);
        double linear = agreement(want, m.posterior(data.pixels(), n));
        Adam adam = new Adam(m.params(), (float) o.classifierLr, kernels);
        Tape full = new Tape(kernels), rest = new Tape(kernels);
        float[] xbuf = new float[b * dim], gbuf = new float[b * k];
        double first = Double.NaN, last = Double.NaN;
        for (int e = 0; e < o.classifierEpochs; e++) {
            int[] order = GmvaeTraining.permutation(n, new SplittableRandom(GmvaeTraining.mix(o.seed, 3, e, 0)));
            double sum = 0;
            for (int from = 0; from < n; from += b) {
                int count = Math.min(b, n - from);
                Tape t = count == b ? full : rest;
                t.reset();
                m.params().zeroGrad();
                Pixels.gather(data.pixels(), dim, order, from, count, xbuf);
                for (int i = 0; i < count; i++) System.arraycopy(gamma, order[from + i] * k, gbuf, i * k, k);
                Tensor loss = m.classifierLoss(t, t.input(xbuf, 0, count, dim), t.input(gbuf, 0, count, k));
                sum += (double) loss.item() * count;
                t.backward(loss);
                adam.step();
            }
            if (e == 0) first = sum / n;
            last = sum / n;
        }
        out.message(String.format(Locale.ROOT,
                "start: q(c|x) head fitted to the GMM's responsibilities: argmax agrees on %.1f%% of images from the"
                        + " pooled-variance start, %.1f%% after %d epoch(s) (cross-entropy %.3f -> %.3f) (%.1fs)",
                100 * linear, 100 * agreement(want, m.posterior(data.pixels(), n)), o.classifierEpochs, first, last,
                (System.nanoTime() - t0) / 1e9));
    }

    /** The fraction of images whose most probable component under q is {@code want}'s. */
    private static double agreement(int[] want, float[] q) {
        int n = want.length, k = q.length / n, agree = 0;
        int[] got = Purity.argmax(q, n, k);
        for (int i = 0; i < n; i++) if (want[i] == got[i]) agree++;
        return (double) agree / n;
    }

    private static double[] uniform(int k) {
        double[] w = new double[k];
        Arrays.fill(w, 1.0 / k);
        return w;
    }
}
