package gmvae4j.engine.gmvae;

import gmvae4j.engine.Init;
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
 * <p>No pretraining: the prior means start as N(0, I) draws and everything trains jointly, as in
 * the study.
 */
public final class MarginalGmvae implements TrainableGmvae {

    private final GmvaeConfig cfg;
    private final Params params = new Params();
    private final Mlp trunk, decoder;
    private final Linear catHead, gaussHead;
    private final Tensor priorMu, priorLogVar, priorAlpha;
    private final int k, zDim, dim;

    public MarginalGmvae(GmvaeConfig cfg, long seed) {
        if (!cfg.variant().equals("marginal")) throw new IllegalArgumentException("not a marginal config: " + cfg.variant());
        if (!cfg.arch().equals("mlp")) throw new IllegalArgumentException("the marginal variant has no '" + cfg.arch() + "' architecture");
        this.cfg = cfg;
        this.k = cfg.k();
        this.zDim = cfg.z();
        this.dim = cfg.inputDim();
        SplittableRandom rng = new SplittableRandom(seed);
        Activation act = MixtureGmvae.activation(cfg.activation());
        int[] h = cfg.hidden();
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
    }

    @Override public GmvaeConfig config() { return cfg; }
    @Override public Params params() { return params; }
    @Override public int k() { return k; }
    @Override public int inputDim() { return dim; }
    @Override public int noiseSize(int batch) { return batch * k * zDim; }
    @Override public boolean pretrains() { return false; }

    @Override
    public Loss loss(Tape t, Tensor x, float[] eps) {
        int b = x.rows();
        Tensor h = trunk.forward(t, x);
        Tensor logQ = t.logSoftmax(catHead.forward(t, h));                       // log q(c|x) [B,K]
        // one row per (image, component): [B, K·2z] seen as [B·K, 2z] = [μ_c(x) | log σ²_c(x)]
        Tensor heads = t.reshape(gaussHead.forward(t, h), b * k, 2 * zDim);
        Tensor mu = t.sliceCols(heads, 0, zDim);
        Tensor logVar = Clamp.apply(t, t.sliceCols(heads, zDim, 2 * zDim), MixtureGmvae.LOGVAR_MIN, MixtureGmvae.LOGVAR_MAX);
        // z_c = μ_c(x) + σ_c(x) ⊙ ε_c
        Tensor z = t.add(mu, t.mul(t.exp(t.mul(logVar, 0.5f)), t.input(eps, 0, b * k, zDim)));
        // the decoder on all B·K codes at once; targets: each image repeated K times
        int[] imageOfRow = new int[b * k], componentOfRow = new int[b * k];
        for (int i = 0; i < b * k; i++) { imageOfRow[i] = i / k; componentOfRow[i] = i % k; }
        Tensor bce = t.reshape(t.bceWithLogits(decoder.forward(t, z), t.gatherRows(x, imageOfRow)), b, k);
        // KL( N(μ_c(x), σ²_c(x)) ‖ N(μ_c, σ²_c) ) per pair: the prior rows of each pair's component
        Tensor priorLv = Clamp.apply(t, priorLogVar, MixtureGmvae.LOGVAR_MIN, MixtureGmvae.LOGVAR_MAX);
        Tensor kl = t.reshape(t.gaussianKl(mu, logVar, t.gatherRows(priorMu, componentOfRow),
                t.gatherRows(priorLv, componentOfRow)), b, k);
        MarginalElbo.Terms terms = MarginalElbo.terms(t, logQ, bce, kl, t.logSoftmax(priorAlpha));
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("rec", t.mean(terms.reconstruction()));
        m.put("kl_z", t.mean(terms.zPrior()));
        m.put("cat", t.mean(terms.categorical()));
        Tensor total = t.add(t.add(m.get("rec"), m.get("kl_z")), m.get("cat"));
        return new Loss(total, m);
    }

    @Override
    public Tensor pretrainLoss(Tape t, Tensor x) {
        throw new UnsupportedOperationException("the marginal variant does not pretrain");
    }

    @Override
    public float[] posterior(byte[] pixels, int n) {
        return NoGradBatches.rows(pixels, n, dim, k, (t, x) -> t.softmax(catHead.forward(t, trunk.forward(t, x))));
    }

    @Override
    public float[] latentMeans(byte[] pixels, int n) {
        throw new UnsupportedOperationException("the marginal variant has one latent mean per component");
    }

    @Override
    public float[] sample(int component, int n, long seed) {
        return NoGradBatches.sampleComponent(priorMu, priorLogVar, zDim, k, decoder, component, n, seed);
    }

    @Override
    public void setPrior(float[] means, float[] variances, double[] weights) {
        priorMu.copyFrom(means, 0);
        for (int i = 0; i < k * zDim; i++) priorLogVar.set(i, (float) Math.log(variances[i]));
    }

    @Override
    public void moveComponent(int c, float[] mean, int like) {
        throw new UnsupportedOperationException("re-seeding is not defined for the marginal variant");
    }
}
