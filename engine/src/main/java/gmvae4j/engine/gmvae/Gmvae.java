package gmvae4j.engine.gmvae;

/**
 * What every GMVAE variant offers the rest of the product. Decoders, reports and the CLI only
 * need q(c|x) and samples, so they never care which variant ({@code mixture} or
 * {@code marginal}) produced them.
 */
public interface Gmvae {

    /** Number of mixture components K. */
    int k();

    /** Pixels per image the model was built for (784 for 28x28). */
    int inputDim();

    /**
     * q(c|x) for n images given as unsigned bytes (n × inputDim, image i at i·inputDim),
     * computed without gradients, in batches. Returns an n × k row-major matrix whose rows sum
     * to 1.
     */
    float[] posterior(byte[] pixels, int n);

    /**
     * n images generated from component c: z ~ p(z|c), decoded to Bernoulli means in [0,1].
     * Returns n × inputDim, row-major. Deterministic given the seed.
     */
    float[] sample(int component, int n, long seed);
}
