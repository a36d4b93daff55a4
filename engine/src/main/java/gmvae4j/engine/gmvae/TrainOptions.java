package gmvae4j.engine.gmvae;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Everything {@link GmvaeTraining#train} needs to know, with the defaults measured to work for
 * the {@code mixture} variant on MNIST (K = 100, 2 cores). Plain public fields: set what you need,
 * leave the rest.
 */
public final class TrainOptions implements Cloneable {

    /** {@code mixture} (decoder once per image) or {@code marginal} (the study's model). */
    public String variant = "mixture";
    /** Mixture components K. */
    public int k = 100;
    /** Latent dimension. */
    public int z = 10;
    /** Encoder hidden widths (mixture: MLP; marginal: the shared trunk); the decoder mirrors them. */
    public int[] hidden = {512, 512};
    /** Decoder hidden widths; null = {@link #hidden} reversed. */
    public int[] decoderHidden = null;
    /** {@code mlp} or {@code conv} (mixture only, when the engine has convolutions). */
    public String arch = "mlp";
    /**
     * Learn the mixing weights π = softmax(α) (initialised from the GMM's weights) instead of the
     * study's uniform π. MNIST digits are not equally frequent and neither are their styles: with
     * π learned, 200 epochs on the pool reached 96.6% purity and soft-dot 93.2% / 95.0% with 70 /
     * 140 labels, against 96.0% and 92.0% / 94.6% with π uniform.
     */
    public boolean learnPrior = true;

    /**
     * GMVAE epochs (after pretraining). Measured on the MNIST pool (70,000, K = 100, 2 cores, quiet
     * machine, about 2.2 s per epoch), uniform π: purity 95.1% at epoch 20, 95.7% at 50 to 100;
     * learned π: 96.3% at 100, 96.6% at 200 (what {@code experiment} runs).
     */
    public int epochs = 50;
    /** Wall-clock budget in minutes for the whole run (pretraining included); 0 = none. */
    public double minutes = 0;
    public int batch = 128;
    /**
     * Pieces each batch is cut into, their forward and backward passes side by side on two cores
     * ({@link BatchShards}); 1 is one pass over the whole batch; 0 (the default) picks
     * {@link BatchShards#defaultCount}: 2 on exactly two threads, else 1. The model depends on the
     * count (the order of a gradient's sums), never on the threads as such: two shards on one core
     * give the bits they give on two. Set it to train the same model on machines of any size.
     */
    public int shards = 0;
    /** Adam learning rate, multiplied by {@link #lrDecay} every {@link #lrDecayEvery} epochs, never below {@link #lrFloor}. */
    public double lr = 2e-3;
    public double lrDecay = 0.9;
    public int lrDecayEvery = 10;
    public double lrFloor = 2e-4;
    /**
     * The marginal variant's GMVAE-phase learning rate (pretraining uses {@link #lr}). Its q(c|x) and
     * Gaussian heads are wide linear maps of the trunk's unnormalised features, and a fresh Adam moves
     * every weight by about ±lr per step: at 2e-3 that moved the codes by more than a component's
     * width (the pretrained components are narrow), and on 4,000 MNIST images (K = 100, 2 pretraining
     * epochs) 41 of 100 components emptied in the first epoch; at 5e-4, 2.
     */
    public double marginalLr = 5e-4;
    /**
     * How the {@code marginal} variant starts ({@link MarginalStart}): {@code full} (default:
     * pretraining, GMM prior, q(c|x) head fitted to the GMM, every μ head at the pretrained encoder
     * mean), {@code classifier} (without the μ heads), {@code prior} (pretraining and GMM prior
     * only) or {@code none} (the study's: random weights, no pretraining). Ignored by {@code mixture}.
     */
    public String marginalStart = "full";
    /**
     * Marginal variant: sum the ELBO over each image's this many most probable components (0 = all
     * K, the study's exact sum). See {@link MarginalGmvae#sumOverTop}. 5 of K = 100 makes a step
     * about 20 times cheaper in the decoder, the bulk of its cost.
     */
    public int topComponents = 5;
    /** Passes and Adam learning rate of the q(c|x) head's fit to the GMM responsibilities (marginal). */
    public int classifierEpochs = 2;
    public double classifierLr = 5e-3;
    /**
     * β, the weight of the prior terms (z-prior, entropy, categorical: KL(q(z,c|x) ‖ p(z,c))) against
     * the reconstruction in the GMVAE epochs of the mixture variant; 1 = the ELBO itself. Above 1
     * the encoder is pushed harder to put images where the mixture expects them (β-VAE).
     */
    public double beta = 1;
    /**
     * The mixture components' covariance: {@code diag} (N(μ_c, diag σ²_c), the study's) or
     * {@code full} (the Cholesky factor of each precision is learned: ellipsoids at any angle;
     * mixture variant only). Initialised from the same diagonal GMM either way.
     */
    public String covariance = "diag";
    public static final double MAX_BETA = 100;
    /** Plain autoencoder epochs before the mixture is initialised. */
    public int pretrainEpochs = 10;
    /** k-means Lloyd iterations and diagonal-GMM EM steps of the initialisation. */
    public int kmeansIterations = 25;
    /**
     * k-means++ starts (seeds seed, seed+1, ...); the one with the least inertia (an unsupervised
     * choice) initialises the mixture. Each costs about a second on 26,000 images (K = 100, z = 10).
     */
    public int kmeansRestarts = 1;
    public static final int MAX_KMEANS_RESTARTS = 100;
    public int emSteps = 10;
    /** Re-seed components that lost all their members (at the end of each epoch). */
    public boolean reseedDead = true;
    /** Seeds everything: weights, shuffling, noise, k-means. */
    public long seed = 1;
    /**
     * Compute the posterior over the whole data set (purity, exact non-empty count; empty
     * components re-seeded) after every this many epochs and after the last; 0: after the last
     * only. A pass costs about a tenth of an epoch (an encoder pass against the step's encoder,
     * decoder and backward), and the report reads only the last one.
     */
    public int evaluateEvery = 1;

    /**
     * Kernels the training steps run on; null = the process-wide {@link gmvae4j.kernels.Backends#get()}.
     * Both the scalar and the vector backend give bitwise the same model for the same seed and
     * thread count, whether their code runs interpreted or JIT-compiled (see GmvaeTrainingTest).
     */
    public gmvae4j.kernels.Kernels kernels = null;

    /**
     * Where the images came from (e.g. {@code images.folder}, {@code images.layout}, counts and
     * conversion options for a folder of pictures), recorded in the saved model's progress section.
     */
    public java.util.Map<String, String> dataSource = java.util.Map.of();

    /** Save the model here at the end and after every epoch (atomically); null = do not save. */
    public Path out = null;
    /** Continue from this model file, optimizer state included; null = start fresh. */
    public Path resume = null;

    /** Decoder widths actually used. */
    public int[] decoderWidths() {
        if (decoderHidden != null) return decoderHidden;
        int[] d = hidden.clone();
        for (int i = 0; i < d.length / 2; i++) { int t = d[i]; d[i] = d[d.length - 1 - i]; d[d.length - 1 - i] = t; }
        return d;
    }

    /** Learning rate for a (0-based) GMVAE epoch: {@link #lr} ({@link #marginalLr} for marginal), decayed, floored. */
    public double lrAt(int epoch) {
        double base = variant.equals("marginal") ? marginalLr : lr;
        return Math.max(Math.min(base, lrFloor), base * Math.pow(lrDecay, epoch / Math.max(1, lrDecayEvery)));
    }

    /**
     * These options with other kernels: a copy (the arrays and the map are shared; nothing changes
     * them once training starts), for a model trained beside another on a core of its own.
     */
    public TrainOptions withKernels(gmvae4j.kernels.Kernels k) {
        try {
            TrainOptions c = (TrainOptions) clone();
            c.kernels = k;
            return c;
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Upper bounds on every size a flag sets. Beyond them an array size overflows (a batch of
     * 2^31 - 1 images) or the model cannot fit any heap; refusing them up front gives one clear
     * line instead of NegativeArraySizeException or an out-of-memory after minutes of loading.
     */
    public static final int MAX_K = 5000, MAX_Z = 1024, MAX_WIDTH = 16384, MAX_LAYERS = 16, MAX_BATCH = 8192,
            MAX_EPOCHS = 1_000_000, MAX_SHARDS = 256;

    /** Throws IllegalArgumentException with a one-line reason for an impossible setting. */
    public void validate() {
        if (!variant.equals("mixture") && !variant.equals("marginal"))
            throw new IllegalArgumentException("variant must be mixture or marginal, got '" + variant + "'");
        if (!arch.equals("mlp") && !arch.equals("conv"))
            throw new IllegalArgumentException("arch must be mlp or conv, got '" + arch + "'");
        if (k < 1 || k > MAX_K) throw new IllegalArgumentException("k must be in 1.." + MAX_K + ", got " + k);
        if (z < 1 || z > MAX_Z) throw new IllegalArgumentException("z must be in 1.." + MAX_Z + ", got " + z);
        if (hidden.length == 0) throw new IllegalArgumentException("hidden needs at least one width");
        if (hidden.length > MAX_LAYERS || decoderWidths().length > MAX_LAYERS)
            throw new IllegalArgumentException("at most " + MAX_LAYERS + " hidden layers");
        for (int h : hidden) if (h < 1 || h > MAX_WIDTH)
            throw new IllegalArgumentException("hidden widths must be in 1.." + MAX_WIDTH + ": " + Arrays.toString(hidden));
        for (int h : decoderWidths()) if (h < 1 || h > MAX_WIDTH)
            throw new IllegalArgumentException("decoder widths must be in 1.." + MAX_WIDTH + ": " + Arrays.toString(decoderWidths()));
        if (epochs < 0 || epochs > MAX_EPOCHS) throw new IllegalArgumentException("epochs must be in 0.." + MAX_EPOCHS + ", got " + epochs);
        if (batch < 1 || batch > MAX_BATCH) throw new IllegalArgumentException("batch must be in 1.." + MAX_BATCH + ", got " + batch);
        if (shards < 0 || shards > MAX_SHARDS) throw new IllegalArgumentException("shards must be in 0.." + MAX_SHARDS + ", got " + shards);
        if (!(lr > 0)) throw new IllegalArgumentException("lr must be positive, got " + lr);
        if (!(marginalLr > 0)) throw new IllegalArgumentException("marginal lr must be positive, got " + marginalLr);
        if (pretrainEpochs < 0 || pretrainEpochs > MAX_EPOCHS)
            throw new IllegalArgumentException("pretrain epochs must be in 0.." + MAX_EPOCHS + ", got " + pretrainEpochs);
        if (!(beta > 0 && beta <= MAX_BETA)) throw new IllegalArgumentException("beta must be in (0, " + (int) MAX_BETA + "], got " + beta);
        if (beta != 1 && !variant.equals("mixture"))
            throw new IllegalArgumentException("beta is only available for the mixture variant");
        if (!covariance.equals("diag") && !covariance.equals("full"))
            throw new IllegalArgumentException("covariance must be diag or full, got '" + covariance + "'");
        if (covariance.equals("full") && !variant.equals("mixture"))
            throw new IllegalArgumentException("full covariance is only available for the mixture variant");
        if (minutes < 0) throw new IllegalArgumentException("minutes must be ≥ 0");
        if (kmeansRestarts < 1 || kmeansRestarts > MAX_KMEANS_RESTARTS)
            throw new IllegalArgumentException("k-means restarts must be in 1.." + MAX_KMEANS_RESTARTS + ", got " + kmeansRestarts);
        MarginalStart.Level.parse(marginalStart);
        if (topComponents < 0) throw new IllegalArgumentException("top components must be ≥ 0, got " + topComponents);
        if (classifierEpochs < 0) throw new IllegalArgumentException("classifier epochs must be ≥ 0");
        if (!(classifierLr > 0)) throw new IllegalArgumentException("classifier lr must be positive, got " + classifierLr);
    }
}
