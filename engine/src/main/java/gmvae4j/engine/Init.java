package gmvae4j.engine;

import java.util.random.RandomGenerator;

/**
 * Weight initialisations. All randomness comes from the generator passed in (make it with a seed,
 * e.g. {@code new SplittableRandom(seed)}), and values are drawn in element order on the calling
 * thread, so the same seed gives the same model whatever the thread count.
 */
public final class Init {
    private Init() {}

    /** Glorot/Xavier uniform: U(−a, a), a = √(6 / (fanIn + fanOut)); keeps variance for linear/tanh/sigmoid layers. */
    public static void xavierUniform(Tensor w, int fanIn, int fanOut, RandomGenerator rng) {
        float a = (float) Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.size(); i++) w.set(i, (float) ((rng.nextDouble() * 2 - 1) * a));
    }

    /** He/Kaiming normal: N(0, 2 / fanIn); keeps variance through ReLU layers. */
    public static void heNormal(Tensor w, int fanIn, RandomGenerator rng) {
        double sd = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.size(); i++) w.set(i, (float) (rng.nextGaussian() * sd));
    }

    /** N(0, sd²) for every element. */
    public static void normal(Tensor w, double sd, RandomGenerator rng) {
        for (int i = 0; i < w.size(); i++) w.set(i, (float) (rng.nextGaussian() * sd));
    }
}
