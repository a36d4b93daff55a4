package gmvae4j.engine.gmvae;

import gmvae4j.engine.Init;
import gmvae4j.engine.NonFiniteException;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.nn.Activation;
import gmvae4j.engine.nn.Linear;
import gmvae4j.engine.nn.Mlp;
import gmvae4j.engine.ops.Clamp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The {@code marginal} GMVAE (the study's model): a shared encoder trunk, a softmax head for q(c|x),
 * K Gaussian heads for q(z|x,c) = N(μ_c(x), diag σ²_c(x)) implemented as one wide linear layer
 * of K·2z outputs, and a decoder that runs on all B·K latent codes of a batch at once. The loss is
 * {@link MarginalElbo}; q(c|x) for decoding is the softmax head.
 *
 * <p>Parameters: {@code trunk.*} (the last trunk layer is linear, as in the study),
 * {@code cat_head.*} [h,K], {@code gauss_head.*} [h, K·2z] (for component c, columns c·2z.. hold
 * μ_c then log σ²_c), {@code decoder.*}, {@code prior.mu}, {@code prior.logvar}, {@code prior.alpha}.
 * Log-variances are clamped like {@link MixtureGmvae}'s.
 *
 * <p>The start ({@link MarginalStart}): the study trains everything jointly from random weights,
 * which on MNIST collapses onto a handful of components. So, as for {@link MixtureGmvae}, an
 * autoencoder is pretrained first: trunk, then component 0's mean columns of the Gaussian head
 * (the autoencoder's μ(x)), then the decoder. The prior is fitted to those latent means (k-means++
 * and a diagonal GMM), and {@link MarginalStart} carries that start into the other heads.
 */
public final class MarginalGmvae implements TrainableGmvae {

    private final GmvaeConfig cfg;
    private final Params params;
    private final Mlp trunk, decoder;
    private final Linear catHead, gaussHead;
    private final Tensor priorMu, priorLogVar, priorAlpha;
    private final int k, zDim, dim;
    private int top;   // components per image the ELBO sums over (K: the exact sum)

    public MarginalGmvae(GmvaeConfig cfg, long seed) {
        this(cfg, seed, new Params());
    }

    /** Built into {@code params} (a {@link Params#capped capped} one when loading a file). */
    MarginalGmvae(GmvaeConfig cfg, long seed, Params params) {
        this.params = params;
        if (!cfg.variant().equals("marginal")) throw new IllegalArgumentException("not a marginal config: " + cfg.variant());
        if (!cfg.arch().equals("mlp")) throw new IllegalArgumentException("the marginal variant has no '" + cfg.arch() + "' architecture");
        this.cfg = cfg;
        this.k = cfg.k();
        this.zDim = cfg.z();
        this.dim = cfg.inputDim();
        SplittableRandom rng = new SplittableRandom(seed);
        Activation act = MixtureGmvae.activation(cfg.activation());
        int[] h = cfg.hidden();
        if (h.length == 0) throw new IllegalArgumentException("the marginal variant needs at least one trunk width");
        int width = h[h.length - 1];
        int[] trunkSizes = new int[h.length + 1];
        trunkSizes[0] = dim;
        System.arraycopy(h, 0, trunkSizes, 1, h.length);
        trunk = Mlp.builder("trunk").sizes(trunkSizes).hidden(act).output(Activation.NONE).build(params, rng);
        catHead = new Linear(params, "cat_head", width, k, Linear.InitKind.XAVIER, rng);
        gaussHead = new Linear(params, "gauss_head", width, k * 2 * zDim, Linear.InitKind.XAVIER, rng);
        decoder = Mlp.builder("decoder").sizes(MixtureGmvae.widths(zDim, cfg.decoderHidden(), dim)).hidden(act).build(params, rng);
        priorMu = params.add("prior.mu", k, zDim);
        Init.normal(priorMu, 1.0, rng);
        priorLogVar = params.add("prior.logvar", k, zDim);
        priorAlpha = params.add("prior.alpha", 1, k);
        if (!cfg.learnPrior()) params.setTrainable("prior.alpha", false);
        top = k;
    }

    /**
     * Sum the ELBO over each image's {@code m} most probable components only (0 or ≥ K: all K, the
     * study's exact sum). The decoder runs on B·m codes instead of B·K, which is most of a step's cost.
     *
     * <p>Still a lower bound on log p(x): the ELBO holds for any q(c|x), and this one is q(c|x)
     * renormalised over the m components with the largest logits (and 0 elsewhere); its sum over
     * those m is exact. The selection itself carries no gradient. A component outside an image's top
     * m gets no gradient from that image, which is what its q(c|x) ≈ 0 gave it anyway. Training-time
     * only: {@link #posterior} is always the full softmax over K.
     */
    public void sumOverTop(int m) {
        top = m <= 0 || m >= k ? k : m;
    }

    @Override public GmvaeConfig config() { return cfg; }
    @Override public Params params() { return params; }
    @Override public int k() { return k; }
    @Override public int inputDim() { return dim; }
    @Override public int noiseSize(int batch) { return batch * top * zDim; }
    @Override public boolean pretrains() { return true; }

    @Override
    public MarginalGmvae twin() {
        MarginalGmvae t = TrainableGmvae.sharingValues(new MarginalGmvae(cfg, 0), this);
        t.top = top;
        return t;
    }

    @Override
    public Loss loss(Tape t, Tensor x, float[] eps) {
        int b = x.rows();
        Tensor h = trunk.forward(t, x);
        Tensor logits = catHead.forward(t, h);                                    // q(c|x) logits [B,K]
        // one row per (image, component): [B, K·2z] seen as [B·K, 2z] = [μ_c(x) | log σ²_c(x)]
        Tensor heads = t.reshape(gaussHead.forward(t, h), b * k, 2 * zDim);
        Tensor logPi = t.logSoftmax(priorAlpha);                                  // log p(c) [1,K]
        int m = top;
        // the (image, component) pairs summed over: row b·m + j is image b's j-th component
        int[] componentOfRow = new int[b * m], imageOfRow = new int[b * m];
        Tensor logQ;
        if (m == k) {
            for (int i = 0; i < b * k; i++) { imageOfRow[i] = i / k; componentOfRow[i] = i % k; }
            logQ = t.logSoftmax(logits);                                          // log q(c|x) [B,K]
        } else {
            int[] pairRow = new int[b * m];
            for (int i = 0; i < b; i++) {
                topComponents(logits, i, m, componentOfRow, i * m);
                for (int j = 0; j < m; j++) { imageOfRow[i * m + j] = i; pairRow[i * m + j] = i * k + componentOfRow[i * m + j]; }
            }
            // q(c|x) renormalised over the chosen m: log-softmax of their logits [B,m]
            logQ = t.logSoftmax(t.reshape(t.gatherRows(t.reshape(logits, b * k, 1), pairRow), b, m));
            heads = t.gatherRows(heads, pairRow);                                 // [B·m, 2z]
            logPi = t.reshape(t.gatherRows(t.reshape(logPi, k, 1), componentOfRow), b, m);
        }
        Tensor mu = t.sliceCols(heads, 0, zDim);
        Tensor logVar = Clamp.apply(t, t.sliceCols(heads, zDim, 2 * zDim), MixtureGmvae.LOGVAR_MIN, MixtureGmvae.LOGVAR_MAX);
        // z_c = μ_c(x) + σ_c(x) ⊙ ε_c
        Tensor z = t.add(mu, t.mul(t.exp(t.mul(logVar, 0.5f)), t.input(eps, 0, b * m, zDim)));
        // the decoder on all B·m codes at once; targets: each image repeated m times
        Tensor bce = t.reshape(t.bceWithLogits(decoder.forward(t, z), t.gatherRows(x, imageOfRow)), b, m);
        // KL( N(μ_c(x), σ²_c(x)) ‖ N(μ_c, σ²_c) ) per pair: the prior rows of each pair's component
        Tensor priorLv = Clamp.apply(t, priorLogVar, MixtureGmvae.LOGVAR_MIN, MixtureGmvae.LOGVAR_MAX);
        Tensor kl = t.reshape(t.gaussianKl(mu, logVar, t.gatherRows(priorMu, componentOfRow),
                t.gatherRows(priorLv, componentOfRow)), b, m);
        MarginalElbo.Terms terms = MarginalElbo.terms(t, logQ, bce, kl, logPi);
        Map<String, Tensor> parts = new LinkedHashMap<>();
        parts.put("rec", t.mean(terms.reconstruction()));
        parts.put("kl_z", t.mean(terms.zPrior()));
        parts.put("cat", t.mean(terms.categorical()));
        Tensor total = t.add(t.add(parts.get("rec"), parts.get("kl_z")), parts.get("cat"));
        return new Loss(total, parts);
    }

    /** The m largest logits of row i, by decreasing value (ties: the lower index), written to out[at..at+m). */
    private static void topComponents(Tensor logits, int i, int m, int[] out, int at) {
        int k = logits.cols();
        for (int j = 0; j < m; j++) {
            int best = -1;
            for (int c = 0; c < k; c++) {
                if (best >= 0 && logits.get(i, c) <= logits.get(i, best)) continue;
                boolean taken = false;
                for (int p = at; p < at + j; p++) if (out[p] == c) { taken = true; break; }
                if (!taken) best = c;
            }
            if (best < 0) throw new NonFiniteException("the q(c|x) logits of an image are not finite");
            out[at + j] = best;
        }
    }

    /**
     * The autoencoder's encoder mean: the trunk, then component 0's μ columns of the Gaussian head.
     * Pretraining trains exactly these weights, so nothing outside the model's own parameters is
     * needed (and nothing extra is saved).
     */
    private Tensor pretrainedMean(Tape t, Tensor x) {
        Tensor h = trunk.forward(t, x);
        return t.linear(h, t.sliceCols(gaussHead.weight, 0, zDim), t.sliceCols(gaussHead.bias, 0, zDim));
    }

    @Override
    public Tensor pretrainLoss(Tape t, Tensor x) {
        return t.mean(t.bceWithLogits(decoder.forward(t, pretrainedMean(t, x)), x));
    }

    /**
     * Cross-entropy of q(c|x) against target probabilities [B,K] (the GMM's responsibilities), averaged
     * over the batch. The trunk runs without gradients: only the q(c|x) head is fitted, so the latent
     * means the GMM was fitted on stay exactly where they were.
     */
    Tensor classifierLoss(Tape t, Tensor x, Tensor target) {
        Tensor h;
        try (var g = t.noGrad()) { h = trunk.forward(t, x); }
        Tensor logQ = t.logSoftmax(catHead.forward(t, h));
        return t.neg(t.mean(t.sum(t.mul(target, logQ), 1)));
    }

    /**
     * Makes the q(c|x) logits a linear function of the pretrained code μ(x) (component 0's μ head):
     * logit_c = Σ_j μ_j(x)·a[j,c] + offset_c. Since μ(x) = h·W₀ + b₀ is itself linear in the trunk's
     * output h, this is exactly the head weight W₀·a and bias b₀·a + offset.
     *
     * @param a      z × K, row-major
     * @param offset K
     */
    void startClassifierLinearInCode(float[] a, float[] offset) {
        int cols = k * 2 * zDim;
        for (int c = 0; c < k; c++) {
            for (int r = 0; r < catHead.in; r++) {
                double s = 0;
                for (int j = 0; j < zDim; j++) s += (double) gaussHead.weight.get(r * cols + j) * a[j * k + c];
                catHead.weight.set(r * k + c, (float) s);
            }
            double s = offset[c];
            for (int j = 0; j < zDim; j++) s += (double) gaussHead.bias.get(j) * a[j * k + c];
            catHead.bias.set(c, (float) s);
        }
    }

    /**
     * Starts every component's Gaussian head at q(z|x,c) = N(μ(x), diag σ²): the μ columns become
     * copies of component 0's (the pretrained encoder mean), the log-variance columns a constant
     * (weights 0, bias log σ²_j). See {@link MarginalStart} for why.
     */
    void startHeadsAt(float[] variances) {
        int cols = k * 2 * zDim;
        for (int c = 0; c < k; c++) {
            for (int r = 0; r < gaussHead.in; r++)
                for (int j = 0; j < zDim; j++) {
                    gaussHead.weight.set(r * cols + c * 2 * zDim + j, gaussHead.weight.get(r * cols + j));
                    gaussHead.weight.set(r * cols + c * 2 * zDim + zDim + j, 0f);
                }
            for (int j = 0; j < zDim; j++) {
                gaussHead.bias.set(c * 2 * zDim + j, gaussHead.bias.get(j));
                gaussHead.bias.set(c * 2 * zDim + zDim + j, (float) Math.log(variances[j]));
            }
        }
    }

    @Override
    public float[] posterior(byte[] pixels, int n) {
        return NoGradBatches.rows(pixels, n, dim, k, (t, x) -> t.softmax(catHead.forward(t, trunk.forward(t, x))));
    }

    /**
     * Component 0's μ head: the autoencoder's latent means during pretraining, which the prior is
     * initialised on. (After training each component has its own μ_c(x); this is then only one of them.)
     */
    @Override
    public float[] latentMeans(byte[] pixels, int n) {
        return NoGradBatches.rows(pixels, n, dim, zDim, this::pretrainedMean);
    }

    @Override
    public float[] sample(int component, int n, long seed) {
        return NoGradBatches.sampleComponent(priorMu, priorLogVar, zDim, k, decoder, component, n, seed);
    }

    @Override
    public void setPrior(float[] means, float[] variances, double[] weights) {
        priorMu.copyFrom(means, 0);
        for (int i = 0; i < k * zDim; i++)
            priorLogVar.set(i, Math.min(MixtureGmvae.LOGVAR_MAX, Math.max(MixtureGmvae.LOGVAR_MIN, (float) Math.log(variances[i]))));
        for (int c = 0; c < k; c++) priorAlpha.set(c, cfg.learnPrior() ? (float) Math.log(weights[c]) : 0f);
    }

    @Override
    public float[] latentMean(byte[] image, int component) {
        return NoGradBatches.rows(image, 1, dim, zDim, (t, x) -> {
            Tensor heads = t.reshape(gaussHead.forward(t, trunk.forward(t, x)), k, 2 * zDim);
            return t.sliceCols(t.gatherRows(heads, new int[] {component}), 0, zDim);
        });
    }

    /**
     * Re-seeds dead component c as a copy of component {@code like} (its q(c|x) column, its Gaussian
     * head, its prior variances and weight) with the prior mean moved to {@code mean}. The two then
     * tie on like's images, and the ELBO separates them: each image's KL now prefers the prior mean
     * it lies nearer to.
     */
    @Override
    public void moveComponent(int c, float[] mean, int like) {
        for (int j = 0; j < zDim; j++) {
            priorMu.set(c * zDim + j, mean[j]);
            priorLogVar.set(c * zDim + j, priorLogVar.get(like * zDim + j));
        }
        if (cfg.learnPrior()) priorAlpha.set(c, priorAlpha.get(like));
        for (int r = 0; r < catHead.in; r++) catHead.weight.set(r * k + c, catHead.weight.get(r * k + like));
        catHead.bias.set(c, catHead.bias.get(like));
        int w = 2 * zDim, cols = k * w;
        for (int r = 0; r < gaussHead.in; r++)
            for (int j = 0; j < w; j++) gaussHead.weight.set(r * cols + c * w + j, gaussHead.weight.get(r * cols + like * w + j));
        for (int j = 0; j < w; j++) gaussHead.bias.set(c * w + j, gaussHead.bias.get(like * w + j));
    }
}
