package gmvae4j.engine;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link GradCheck} is tight enough to catch a gradient off by 0.1% (issue 12 section 6: at 1%
 * tolerance, scaling the KL op's gradient with respect to the prior's log-variance by 1.01 passed
 * every test). The mutation is simulated without touching the op: y + ε·(y − y'), where y' is the
 * same op with one input replaced by a constant copy of its current values, has exactly y's value
 * but a gradient (1 + ε) times the op's with respect to that input alone.
 */
class GradCheckTest {

    /** op(inputs) with the gradient of input {@code which} scaled by 1 + eps. */
    static Tensor scaledGradient(Tape t, BiFunction<Tape, Tensor[], Tensor> op, Tensor[] in, int which, float eps) {
        Tensor y = op.apply(t, in);
        Tensor[] frozen = in.clone();
        frozen[which] = Tensor.of(in[which].toArray(), in[which].shape());   // same values, no gradient
        return t.add(y, t.mul(t.sub(y, op.apply(t, frozen)), eps));
    }

    static double worst(BiFunction<Tape, Tensor[], Tensor> op, Tensor[] in, int which, float eps) {
        return GradCheck.measure(t -> scaledGradient(t, op, in, which, eps), List.of(in), GradCheck.H).worstRatio();
    }

    @Property(tries = 40)
    void aKlGradientOffByATenthOfAPercentFails(@ForAll @IntRange(min = 1, max = 4) int rows, @ForAll @IntRange(min = 1, max = 5) int d,
                                               @ForAll boolean broadcast, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor m1 = OpGradientProperties.leaf(rng, rows, d), l1 = OpGradientProperties.uniform(rng, -1.5, 1.5, rows, d);
        Tensor m2 = OpGradientProperties.leaf(rng, broadcast ? 1 : rows, d);
        Tensor l2 = OpGradientProperties.uniform(rng, -1.5, 1.5, broadcast ? 1 : rows, d);
        BiFunction<Tape, Tensor[], Tensor> kl = (t, x) -> t.gaussianKl(x[0], x[1], x[2], x[3]);
        Tensor[] in = {m1, l1, m2, l2};
        assertTrue(worst(kl, in, 3, 0f) <= 1, "the unmutated op passes");
        double r = worst(kl, in, 3, 1e-3f);   // the prior's log-variance
        assertTrue(r > 1, "a 0.1% error in d KL / d logvar2 passed the check (worst ratio " + r + ")");
    }

    /** The components' means (1) and log-variances (2); z's gradient can be tiny in one-row cases. */
    @Property(tries = 40)
    void aPairsLogDensityGradientOffByATenthOfAPercentFails(@ForAll @IntRange(min = 1, max = 4) int rows,
                                                            @ForAll @IntRange(min = 1, max = 4) int k,
                                                            @ForAll @IntRange(min = 1, max = 4) int d,
                                                            @ForAll @IntRange(min = 1, max = 2) int which, @ForAll long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor z = OpGradientProperties.leaf(rng, rows, d), mu = OpGradientProperties.leaf(rng, k, d);
        Tensor lv = OpGradientProperties.uniform(rng, -1.5, 1.5, k, d);
        BiFunction<Tape, Tensor[], Tensor> pairs = (t, x) -> t.gaussianLogDensityPairs(x[0], x[1], x[2]);
        Tensor[] in = {z, mu, lv};
        assertTrue(worst(pairs, in, which, 0f) <= 1, "the unmutated op passes");
        double r = worst(pairs, in, which, 1e-3f);
        assertTrue(r > 1, "a 0.1% error in the gradient of input " + which + " passed the check (worst ratio " + r + ")");
    }
}
