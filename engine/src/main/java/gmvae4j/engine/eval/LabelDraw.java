package gmvae4j.engine.eval;

import java.util.SplittableRandom;

/**
 * Which points get a label: n = round(f·N) of N candidates, uniformly at random, at least one.
 *
 * <p>Draw s is the first n entries of one random permutation of the candidates seeded by s.
 * So every method sees exactly the same labeled points for a given (seed, fraction), and the
 * labeled sets of one seed are nested across fractions (each prefix of a uniform random
 * permutation is itself a uniform random subset), which makes the curves less noisy without
 * changing what each point estimates.
 */
public final class LabelDraw {
    private LabelDraw() {}

    /** n = round(f·N), clamped to [1, N]. */
    public static int size(double fraction, int candidates) {
        if (!(fraction > 0) || fraction > 1) throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        if (candidates <= 0) throw new IllegalArgumentException("no candidates to draw labels from");
        return (int) Math.max(1, Math.min(candidates, Math.round(fraction * candidates)));
    }

    /** A uniformly random permutation of 0..candidates-1, fixed by the seed. */
    public static int[] permutation(int candidates, long seed) {
        int[] p = new int[candidates];
        for (int i = 0; i < candidates; i++) p[i] = i;
        SplittableRandom rnd = new SplittableRandom(0x9E3779B97F4A7C15L ^ seed);
        for (int i = candidates - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }

    /** The n = size(fraction, candidates) labeled indices of draw {@code seed}. */
    public static int[] draw(double fraction, int candidates, long seed) {
        return java.util.Arrays.copyOf(permutation(candidates, seed), size(fraction, candidates));
    }
}
