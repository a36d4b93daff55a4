package gmvae4j.engine.gmvae;

import gmvae4j.engine.Params;
import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;

import java.util.Map;

/**
 * A {@link Gmvae} that {@link GmvaeTraining} can train, save and resume: both variants implement it.
 */
public interface TrainableGmvae extends Gmvae {

    /**
     * A batch's loss on a tape. {@code total} (shape [1,1]) is what is minimised: the negative
     * ELBO per image, averaged over the batch. {@code terms} are its parts (also batch means,
     * [1,1] each), by name, in the order of the formula; they sum to {@code total}.
     */
    record Loss(Tensor total, Map<String, Tensor> terms) {}

    GmvaeConfig config();

    /** All trainable (and frozen) parameters, in one flat buffer. */
    Params params();

    /**
     * A second model built like this one whose parameter values are this model's own array
     * ({@link Params#shareValues}: an update to either is seen by both) and whose gradients are its
     * own, with this model's training settings (β, the components the ELBO sums over, frozen
     * parameters) as they are now: what {@link BatchShards} runs a shard of a batch on.
     */
    TrainableGmvae twin();

    /** {@code fresh}, a model built from {@code of}'s config, made to read and write of's values: the start of a {@link #twin}. */
    static <T extends TrainableGmvae> T sharingValues(T fresh, TrainableGmvae of) {
        fresh.params().shareValues(of.params());
        return fresh;
    }

    /** How many standard-normal noise values {@link #loss} needs for a batch of {@code batch} images. */
    int noiseSize(int batch);

    /**
     * The negative ELBO of a batch x [B, inputDim] (pixels in [0,1]), with the reparameterisation
     * noise given explicitly (ε ~ N(0, I), {@link #noiseSize} values) so that a run is reproducible and
     * a gradient check can hold it fixed.
     */
    Loss loss(Tape t, Tensor x, float[] eps);

    /** Whether this variant starts with autoencoder pretraining and a k-means/GMM prior initialisation. */
    boolean pretrains();

    /** Plain autoencoder loss for pretraining: BCE(x, dec(μ(x))) averaged over the batch, [1,1]. */
    Tensor pretrainLoss(Tape t, Tensor x);

    /** Encoder means μ(x) for n images (n × z), no gradients: what the prior is initialised on. */
    float[] latentMeans(byte[] pixels, int n);

    /**
     * The latent code of one image (inputDim bytes) as component c's encoder sees it: where a dead
     * component is re-seeded. One encoder (mixture): {@link #latentMeans}; the marginal: μ_c(x).
     */
    default float[] latentMean(byte[] image, int component) { return latentMeans(image, 1); }

    /** Sets p(z|c) = N(means_c, variances_c) and, when π is learned, π = weights. */
    void setPrior(float[] means, float[] variances, double[] weights);

    /** Moves component c onto a new mean, with the variances of component {@code like} (re-seeding a dead component). */
    void moveComponent(int c, float[] mean, int like);
}
