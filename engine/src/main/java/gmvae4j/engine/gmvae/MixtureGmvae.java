package gmvae4j.engine.gmvae;

import gmvae4j.engine.Init;
import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.nn.Activation;
import gmvae4j.engine.nn.Layer;
import gmvae4j.engine.nn.Mlp;
import gmvae4j.engine.ops.Clamp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The {@code mixture} GMVAE: one encoder q(z|x) = N(μ(x), diag σ²(x)), one decoder run per image,
 * and a learned Gaussian mixture prior p(z) = Σ_c π_c N(μ_c, diag σ²_c). The loss is
 * {@link MixtureElbo}; q(c|x) for decoding is γ at z = μ(x).
 *
 * <p>Architecture {@code mlp} (default) or {@code conv} ({@link ConvNets}). Parameters:
 * {@code encoder.*} (last layer outputs [μ | log σ²], 2z wide), {@code decoder.*} (outputs
 * Bernoulli logits), {@code prior.mu} [K,z], {@code prior.logvar} [K,z], {@code prior.alpha}
 * [1,K] (π = softmax(α); frozen at 0, i.e. uniform, unless π is learned).
 *
 * <p>Covariance {@code diag} (default) or {@code full}: with {@code full}, {@code prior.cholesky}
 * [K, z·z] replaces {@code prior.logvar}: the lower Cholesky factor of each component's precision,
 * its diagonal stored as logs ({@code GaussianFull}), so that p(z|c) can be an ellipsoid at any
 * angle rather than one aligned with the latent axes. It starts as the diagonal GMM's
 * (L_c = diag σ_c⁻¹) and learns its off-diagonal part in the GMVAE epochs.
 *
 * <p>Log-variances, of the encoder and of the prior, are clamped to [{@value #LOGVAR_MIN},
 * {@value #LOGVAR_MAX}] (σ from 0.0067 to 148): wide enough never to bind in a healthy run, narrow
 * enough that exp(±logσ²) stays far from float overflow when a run goes wrong.
 */
public final class MixtureGmvae implements TrainableGmvae {

    public static final float LOGVAR_MIN = -10f, LOGVAR_MAX = 10f;

    private final GmvaeConfig cfg;
    private final Params params;
    private final Layer encoder, decoder;   // an Mlp each, or the ConvNets pair
    private final Tensor priorMu, priorLogVar, priorAlpha;   // priorLogVar null with full covariance
    private final Tensor priorCholesky;                      // null with diagonal covariance
    private final int k, zDim, dim;

    /** A fresh model with weights drawn from {@code seed}. */
    public MixtureGmvae(GmvaeConfig cfg, long seed) {
        this(cfg, seed, new Params());
    }

    /** Built into {@code params} (a {@link Params#capped capped} one when loading a file). */
    MixtureGmvae(GmvaeConfig cfg, long seed, Params params) {
        this.params = params;
        if (!cfg.variant().equals("mixture")) throw new IllegalArgumentException("not a mixture config: " + cfg.variant());
        this.cfg = cfg;
        this.k = cfg.k();
        this.zDim = cfg.z();
        this.dim = cfg.inputDim();
        SplittableRandom rng = new SplittableRandom(seed);
        Activation act = activation(cfg.activation());
        switch (cfg.arch()) {
            case "mlp" -> {
                encoder = Mlp.builder("encoder").sizes(widths(dim, cfg.hidden(), 2 * zDim)).hidden(act).build(params, rng);
                decoder = Mlp.builder("decoder").sizes(widths(zDim, cfg.decoderHidden(), dim)).hidden(act).build(params, rng);
            }
            case "conv" -> {
                encoder = new ConvNets.Encoder(params, cfg.rows(), cfg.cols(), cfg.hidden(), 2 * zDim, act, rng);
                decoder = new ConvNets.Decoder(params, zDim, cfg.decoderHidden(), cfg.rows(), cfg.cols(), act, rng);
            }
            default -> throw new IllegalArgumentException("unknown architecture '" + cfg.arch() + "' (mlp or conv)");
        }
        priorMu = params.add("prior.mu", k, zDim);
        Init.normal(priorMu, 1.0, rng);          // replaced by the k-means/GMM initialisation
        if (cfg.covariance().equals("full")) {
            priorLogVar = null;
            priorCholesky = params.add("prior.cholesky", k, zDim * zDim);
        } else {
            priorLogVar = params.add("prior.logvar", k, zDim);
            priorCholesky = null;
        }
        priorAlpha = params.add("prior.alpha", 1, k);
        if (!cfg.learnPrior()) params.setTrainable("prior.alpha", false);
    }

    static Activation activation(String name) {
        return switch (name) {
            case "relu" -> Activation.RELU;
            case "tanh" -> Activation.TANH;
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
        };
    }

    static int[] widths(int in, int[] hidden, int out) {
        int[] s = new int[hidden.length + 2];
        s[0] = in;
        System.arraycopy(hidden, 0, s, 1, hidden.length);
        s[s.length - 1] = out;
        return s;
    }

    @Override public GmvaeConfig config() { return cfg; }
    @Override public Params params() { return params; }
    @Override public int k() { return k; }
    @Override public int inputDim() { return dim; }
    @Override public int noiseSize(int batch) { return batch * zDim; }
    @Override public boolean pretrains() { return true; }

    @Override
    public MixtureGmvae twin() {
        MixtureGmvae t = TrainableGmvae.sharingValues(new MixtureGmvae(cfg, 0), this);
        t.beta = beta;
        return t;
    }

    /** μ(x) and the clamped log σ²(x). */
    private record Encoded(Tensor mu, Tensor logVar) {}

    private Encoded encode(Tape t, Tensor x) {
        Tensor h = encoder.forward(t, x);
        Tensor mu = t.sliceCols(h, 0, zDim);
        Tensor logVar = Clamp.apply(t, t.sliceCols(h, zDim, 2 * zDim), LOGVAR_MIN, LOGVAR_MAX);
        return new Encoded(mu, logVar);
    }

    private Tensor priorLogVar(Tape t) { return Clamp.apply(t, priorLogVar, LOGVAR_MIN, LOGVAR_MAX); }

    /** p(z|c) for the ELBO and the responsibilities: diagonal or full. */
    private MixtureElbo.Components components(Tape t) {
        return priorCholesky != null ? new MixtureElbo.Full(priorMu, priorCholesky) : new MixtureElbo.Diagonal(priorMu, priorLogVar(t));
    }

    private Tensor logPi(Tape t) { return t.logSoftmax(priorAlpha); }

    /** β of {@link TrainOptions#beta}: set by the training run, 1 (the ELBO) otherwise. */
    private float beta = 1f;
    void beta(float beta) { this.beta = beta; }

    @Override
    public Loss loss(Tape t, Tensor x, float[] eps) {
        int b = x.rows();
        Encoded e = encode(t, x);
        // z = μ + σ ⊙ ε, σ = exp(½ log σ²)
        Tensor z = t.add(e.mu(), t.mul(t.exp(t.mul(e.logVar(), 0.5f)), t.input(eps, 0, b, zDim)));
        Tensor logits = decoder.forward(t, z);
        MixtureElbo.Terms terms = MixtureElbo.terms(t, x, logits, e.mu(), e.logVar(), z, components(t), logPi(t));
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("rec", t.mean(terms.reconstruction()));
        m.put("z_prior", t.mean(terms.zPrior()));
        m.put("entropy", t.mean(terms.entropy()));
        m.put("cat", t.mean(terms.categorical()));
        Tensor total = null;
        for (Tensor v : m.values()) total = total == null ? v : t.add(total, v);
        // rec + β·(z_prior + entropy + cat); the terms are reported unweighted, total is what is minimised
        if (beta != 1f) total = t.add(m.get("rec"), t.mul(t.sub(total, m.get("rec")), beta));
        return new Loss(total, m);
    }

    @Override
    public Tensor pretrainLoss(Tape t, Tensor x) {
        return t.mean(t.bceWithLogits(decoder.forward(t, encode(t, x).mu()), x));
    }

    @Override
    public float[] posterior(byte[] pixels, int n) {
        return NoGradBatches.rows(pixels, n, dim, k,
                (t, x) -> MixtureElbo.responsibilities(t, encode(t, x).mu(), components(t), logPi(t)));
    }

    @Override
    public float[] latentMeans(byte[] pixels, int n) {
        return NoGradBatches.rows(pixels, n, dim, zDim, (t, x) -> encode(t, x).mu());
    }

    /** q(c|x) (n × K) and μ(x) (n × z) of the same images. */
    public record Encoding(float[] posterior, float[] means) {}

    /** Images per batch of {@link #encodeAll} (and every pass without gradients): a warm-up that wants the same code compiled uses this size. */
    public static final int ENCODE_BATCH = NoGradBatches.BATCH;

    /**
     * {@link #posterior} and {@link #latentMeans} from one encoder pass: the labeling page needs
     * both for every image before its first question, and the encoder is most of the cost.
     */
    public Encoding encodeAll(byte[] pixels, int n) {
        float[] both = NoGradBatches.rows(pixels, n, dim, zDim + k, (t, x) -> {
            Tensor mu = encode(t, x).mu();
            return t.concatCols(java.util.List.of(mu, MixtureElbo.responsibilities(t, mu, components(t), logPi(t))));
        });
        float[] q = new float[n * k], mu = new float[n * zDim];
        for (int i = 0, w = zDim + k; i < n; i++) {
            System.arraycopy(both, i * w, mu, i * zDim, zDim);
            System.arraycopy(both, i * w + zDim, q, i * k, k);
        }
        return new Encoding(q, mu);
    }

    /**
     * log N(μ(x_i); μ_c, σ²_c) for c = component[i]: how central image i lies in that component in
     * latent space (constants dropped: only comparisons within a component use it). Used to pick
     * the most typical member of each component to label ({@code LabelSelection.Representative.CENTRAL}).
     */
    public double[] latentLogDensity(byte[] pixels, int n, int[] component) {
        return latentLogDensity(latentMeans(pixels, n), n, component);
    }

    /** {@link #latentLogDensity(byte[], int, int[])} from latent means already computed (n × z). */
    public double[] latentLogDensity(float[] mu, int n, int[] component) {
        if ((long) n * zDim != mu.length) throw new IllegalArgumentException(mu.length + " latent values for " + n + " x " + zDim);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            int c = component[i];
            double s = 0;
            if (priorCholesky != null) {   // log det P_c / 2 − ½ ‖L_cᵀ (μ − μ_c)‖²
                for (int j = 0; j < zDim; j++) {
                    double v = 0;
                    for (int r = j; r < zDim; r++) v += factor(c, r, j) * (mu[i * zDim + r] - priorMu.get(c * zDim + r));
                    s += Math.log(factor(c, j, j)) - 0.5 * v * v;
                }
                out[i] = s;
                continue;
            }
            for (int j = 0; j < zDim; j++) {
                double lv = priorLogVar(c, j);
                double d = mu[i * zDim + j] - priorMu.get(c * zDim + j);
                s -= 0.5 * (lv + d * d / Math.exp(lv));
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * Every component's precision factor L_c (P_c = L_c L_cᵀ = Σ_c⁻¹), K × z × z, row-major, lower
     * triangular: for diagonal components L_c = diag(σ_c⁻¹).
     */
    public float[] precisionFactors() {
        float[] out = new float[k * zDim * zDim];
        for (int c = 0; c < k; c++)
            for (int r = 0; r < zDim; r++)
                for (int j = 0; j <= r; j++) {
                    double v;
                    if (priorCholesky != null) v = factor(c, r, j);
                    else v = r != j ? 0 : Math.exp(-0.5 * priorLogVar(c, j));
                    out[(c * zDim + r) * zDim + j] = (float) v;
                }
        return out;
    }

    /** The clamped log σ²_c of coordinate j (diagonal components): {@link #priorLogVar(Tape)}'s value, outside a tape. */
    private double priorLogVar(int c, int j) {
        return Math.min(LOGVAR_MAX, Math.max(LOGVAR_MIN, priorLogVar.get(c * zDim + j)));
    }

    /** L_c's entry (r, j), by {@link gmvae4j.engine.ops.GaussianFull#factor}'s rule. */
    private double factor(int c, int r, int j) {
        return gmvae4j.engine.ops.GaussianFull.factor(priorCholesky.get(c * zDim * zDim + r * zDim + j), r, j);
    }

    @Override
    public float[] sample(int component, int n, long seed) {
        if (priorCholesky == null) return NoGradBatches.sampleComponent(priorMu, priorLogVar, zDim, k, decoder, component, n, seed);
        return NoGradBatches.decode(decoder, drawLatent(component, n, seed), n, zDim);
    }

    /** n latent points z ~ N(μ_c, (L_c L_cᵀ)⁻¹) of a full-covariance model (n × z). */
    float[] drawLatent(int component, int n, long seed) {
        if (component < 0 || component >= k) throw new IllegalArgumentException("component " + component + " is not in 0.." + (k - 1));
        // z = μ_c + w with L_cᵀ w = ε, ε ~ N(0, I): Cov(w) = (L_c L_cᵀ)⁻¹ = Σ_c. Lᵀ is upper triangular:
        // back substitution from the last coordinate.
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[n * zDim];
        double[] w = new double[zDim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < zDim; j++) w[j] = rng.nextGaussian();
            for (int r = zDim - 1; r >= 0; r--) {
                double s = w[r];
                for (int j = r + 1; j < zDim; j++) s -= factor(component, j, r) * w[j];
                w[r] = s / factor(component, r, r);
            }
            for (int j = 0; j < zDim; j++) z[i * zDim + j] = priorMu.get(component * zDim + j) + (float) w[j];
        }
        return z;
    }

    @Override
    public void setPrior(float[] means, float[] variances, double[] weights) {
        priorMu.copyFrom(means, 0);
        for (int i = 0; i < k * zDim; i++) {
            float lv = Math.min(LOGVAR_MAX, Math.max(LOGVAR_MIN, (float) Math.log(variances[i])));
            if (priorCholesky == null) priorLogVar.set(i, lv);
            else {   // L_c = diag(σ_c⁻¹): the stored diagonal is log σ⁻¹ = −½ log σ², nothing off it
                int c = i / zDim, j = i % zDim;
                for (int r = 0; r < zDim; r++) priorCholesky.set(c * zDim * zDim + j * zDim + r, r == j ? -0.5f * lv : 0f);
            }
        }
        for (int c = 0; c < k; c++) priorAlpha.set(c, cfg.learnPrior() ? (float) Math.log(weights[c]) : 0f);
    }

    @Override
    public void moveComponent(int c, float[] mean, int like) {
        for (int j = 0; j < zDim; j++) {
            priorMu.set(c * zDim + j, mean[j]);
            if (priorLogVar != null) priorLogVar.set(c * zDim + j, priorLogVar.get(like * zDim + j));
        }
        if (priorCholesky != null)
            for (int j = 0; j < zDim * zDim; j++) priorCholesky.set(c * zDim * zDim + j, priorCholesky.get(like * zDim * zDim + j));
        if (cfg.learnPrior()) priorAlpha.set(c, priorAlpha.get(like));
    }
}
