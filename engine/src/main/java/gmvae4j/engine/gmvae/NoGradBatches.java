package gmvae4j.engine.gmvae;

import gmvae4j.engine.Tape;
import gmvae4j.engine.Tensor;
import gmvae4j.engine.nn.Layer;
import gmvae4j.kernels.Backends;
import gmvae4j.kernels.Kernels;

import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Inference without gradients, shared by both variants: a function of a batch of images
 * applied to a whole byte data set a batch at a time (one tape, reset per batch, so memory stays
 * one batch's worth), and images drawn from one prior component.
 */
final class NoGradBatches {
    private NoGradBatches() {}

    /** Images per batch: large enough to keep the matmuls efficient, small enough for any heap. */
    static final int BATCH = 500;

    /**
     * Stacks f(x) over n images of dim bytes: f maps a [b, dim] batch in [0,1] to a [b, cols]
     * tensor; the result is n × cols, row-major.
     *
     * <p>The batches are independent, so each of the backend's threads takes every t-th batch with
     * its own tape (kernels called inside a task run on that one thread). Why not one batch at a
     * time with each product split over the threads: at these sizes a split product leaves part
     * of the second core idle at every join; measured on 2 cores, the 200-epoch MNIST mixture
     * model's posteriors and latent means of 60,000 images (warm) took 570-650 ms that way and
     * about 900 ms on one thread. A product's result does not depend on how many threads
     * computed it, so neither does the output.
     */
    static float[] rows(byte[] pixels, int n, int dim, int cols, BiFunction<Tape, Tensor, Tensor> f) {
        float[] out = new float[n * cols];
        Kernels k = Backends.get();
        int batches = (n + BATCH - 1) / BATCH, lanes = Math.max(1, Math.min(k.threads(), batches));
        k.parallelFor(lanes, lane -> {
            Tape t = new Tape(k);
            float[] buf = new float[Math.min(n, BATCH) * dim];
            try (var g = t.noGrad()) {
                for (int b = lane; b < batches; b += lanes) {
                    int from = b * BATCH, size = Math.min(BATCH, n - from);
                    t.reset();
                    Pixels.range(pixels, dim, from, size, buf);
                    Tensor y = f.apply(t, t.input(buf, 0, size, dim));
                    System.arraycopy(y.data, y.off, out, from * cols, size * cols);
                }
            }
        });
        return out;
    }

    /**
     * n images from component c: z ~ N(μ_c, σ²_c) (log-variance clamped like everywhere else),
     * decoded to Bernoulli means. Deterministic given the seed.
     */
    static float[] sampleComponent(Tensor priorMu, Tensor priorLogVar, int zDim, int k, Layer decoder,
                                   int component, int n, long seed) {
        if (component < 0 || component >= k) throw new IllegalArgumentException("component " + component + " is not in 0.." + (k - 1));
        SplittableRandom rng = new SplittableRandom(seed);
        float[] z = new float[n * zDim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < zDim; j++) {
                int cj = component * zDim + j;
                float lv = Math.min(MixtureGmvae.LOGVAR_MAX, Math.max(MixtureGmvae.LOGVAR_MIN, priorLogVar.get(cj)));
                z[i * zDim + j] = priorMu.get(cj) + (float) (Math.exp(0.5 * lv) * rng.nextGaussian());
            }
        }
        return decode(decoder, z, n, zDim);
    }

    /** Bernoulli means of n latent points z (n × zDim). */
    static float[] decode(Layer decoder, float[] z, int n, int zDim) {
        Tape t = new Tape();
        try (var g = t.noGrad()) {
            return t.sigmoid(decoder.forward(t, t.input(z, 0, n, zDim))).toArray();
        }
    }
}
