package gmvae4j.engine;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Checks analytic gradients against finite differences, tightly enough that a gradient off by
 * 0.1% fails. Shared by every test that owns a backward step, including whole-model checks (put
 * any sampling noise in fixed tensors first).
 *
 * <p>How: {@code f} builds a result y from the inputs on a tape. The scalar checked is
 * L = Σ_i w_i·y_i with fixed random weights w (so every output element matters and y need not be a
 * scalar), summed in double. Analytic: backward from y with seed w. Numeric, for every input
 * element x: central differences D(h) = (L(x⁺) − L(x⁻)) / (x⁺ − x⁻), x± = float(x ± h), dividing
 * by the step actually taken after rounding to float, at two steps h and h/2, combined by
 * Richardson extrapolation (4·D(h/2) − D(h)) / 3: the h² truncation term cancels, what is left is
 * O(h⁴) instead of the 1e-4 relative of one central difference at h = 0.02.
 *
 * <p>Tolerance: |analytic − numeric| ≤ {@link #ATOL} + {@link #RTOL}·max(|analytic|, |numeric|) +
 * {@link #FLOOR}·(the input's largest |gradient|) + noise, with RTOL = 2e-4, five times below the
 * 0.1% an error must not hide in. noise = {@link #NOISE_MARGIN} × the larger of two estimates of
 * what float rounding does to the difference quotient: Σ_i|w_i|·(ulp(y_i⁺) + ulp(y_i⁻)) / step
 * (the outputs' own rounding) and the change of D(h/2) when the step changes by 3% (rounding
 * inside the op, e.g. the cancellation in BCE at large logits, which the outputs' ulps do not
 * show; the truncation error moves far less). Measured over 1,500 random cases of the two
 * hardest checks (BCE, and a reparameterised sample through the pairs density and a
 * log-sum-exp) the worst error was 0.51 of its tolerance, while a gradient scaled by 1.001 fails
 * ({@code GradCheckTest}; by hand, the KL op's d/dlogvar2 and the pairs op's d/dlogvar scaled by
 * 1.001 fail {@code OpGradientProperties}). At a kink (relu at 0, a clamp edge) the two disagree
 * by design: callers keep inputs at least a few h away from kinks (e.g. with jqwik
 * {@code Assume.that}).
 */
public final class GradCheck {
    private GradCheck() {}

    public static final double H = 2e-2;
    public static final double RTOL = 2e-4;
    public static final double ATOL = 1e-6;
    /** Safety factor on both estimates of the rounding noise (see the class comment). */
    public static final double NOISE_MARGIN = 3;
    /** Elements are compared on at least this fraction of their input's largest gradient. */
    public static final double FLOOR = 1e-4;

    /** Outcome: the worst element found (ratio of its error to its tolerance, > 1 means failure). */
    public record Result(double worstRatio, String worst, int checked) {
        public boolean ok() { return worstRatio <= 1; }
    }

    /** Checks with the default step; throws AssertionError naming the worst element on failure. */
    public static Result check(Function<Tape, Tensor> f, List<Tensor> inputs) {
        Result r = measure(f, inputs, H);
        if (!r.ok()) throw new AssertionError("gradient check failed: " + r.worst());
        return r;
    }

    /**
     * Checks at most {@code perInput} elements of each input (chosen at random with a fixed seed, all
     * of them when the input is smaller): for whole models, where checking every weight would take
     * two forward passes per weight. Throws AssertionError on failure.
     */
    public static Result checkSampled(Function<Tape, Tensor> f, List<Tensor> inputs, int perInput) {
        Result r = measure(f, inputs, H, perInput);
        if (!r.ok()) throw new AssertionError("gradient check failed: " + r.worst());
        return r;
    }

    /** Measures every element without throwing; every input must {@link Tensor#requireGrad() require a gradient}. */
    public static Result measure(Function<Tape, Tensor> f, List<Tensor> inputs, double h) {
        return measure(f, inputs, h, Integer.MAX_VALUE);
    }

    /** Measures up to {@code perInput} elements per input without throwing. */
    public static Result measure(Function<Tape, Tensor> f, List<Tensor> inputs, double h, int perInput) {
        Tape tape = new Tape();
        for (Tensor x : inputs) {
            if (!x.requiresGrad()) throw new IllegalArgumentException("gradcheck input does not require a gradient");
            x.zeroGrad();
        }
        Tensor y = f.apply(tape);
        float[] w = new float[y.size()];
        SplittableRandom rng = new SplittableRandom(12345);
        for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextDouble() * 2 - 1);
        tape.backward(y, w);

        double worst = 0;
        String worstText = "none";
        int checked = 0;
        for (int in = 0; in < inputs.size(); in++) {
            Tensor x = inputs.get(in);
            float[] analytic = x.gradToArray();
            double largest = 0;
            for (float g : analytic) largest = Math.max(largest, Math.abs(g));
            int count = Math.min(perInput, x.size());
            for (int c = 0; c < count; c++) {
                int i = count == x.size() ? c : rng.nextInt(x.size());
                double[] wide = difference(tape, f, w, x, i, h), narrow = difference(tape, f, w, x, i, h / 2);
                double numeric = (4 * narrow[0] - wide[0]) / 3;
                // Rounding inside the op (cancellation, as in BCE at large logits) can exceed the
                // outputs' own ulps: measure it as the change of D under a 3% change of step,
                // which moves the truncation error by far less than the tolerance.
                double jitter = Math.abs(difference(tape, f, w, x, i, h / 2 * 1.03)[0] - narrow[0]);
                double noise = NOISE_MARGIN * Math.max((4 * narrow[1] + wide[1]) / 3, 4 * jitter / 3);
                double a = analytic[i];
                double tol = ATOL + RTOL * Math.max(Math.abs(a), Math.abs(numeric)) + FLOOR * largest + noise;
                double ratio = Math.abs(a - numeric) / tol;
                if (!(ratio <= worst)) {   // also catches NaN
                    worst = Double.isNaN(ratio) ? Double.POSITIVE_INFINITY : ratio;
                    worstText = "input " + in + " element " + i + " (value " + x.get(i) + "): analytic " + a + ", numeric " + numeric
                            + ", tolerance " + tol;
                }
                checked++;
            }
        }
        return new Result(worst, worstText, checked);
    }

    /**
     * {central difference quotient of L in element i of x with step h, the bound on what rounding
     * the outputs to float can do to it}; x is left as it was.
     */
    private static double[] difference(Tape tape, Function<Tape, Tensor> f, float[] w, Tensor x, int i, double h) {
        float orig = x.get(i);
        float xp = (float) (orig + h), xm = (float) (orig - h);
        x.set(i, xp);
        double[] lp = weighted(tape, f, w);
        x.set(i, xm);
        double[] lm = weighted(tape, f, w);
        x.set(i, orig);
        double step = (double) xp - xm;
        return new double[] {(lp[0] - lm[0]) / step, (lp[1] + lm[1]) / step};
    }

    /** {L = Σ w_i·y_i in double, Σ |w_i|·ulp(y_i)}. */
    private static double[] weighted(Tape tape, Function<Tape, Tensor> f, float[] w) {
        tape.reset();
        try (var g = tape.noGrad()) {
            Tensor y = f.apply(tape);
            double s = 0, ulps = 0;
            for (int i = 0; i < w.length; i++) {
                float yi = y.get(i);
                s += (double) w[i] * yi;
                ulps += Math.abs(w[i]) * Math.ulp(yi);
            }
            return new double[] {s, ulps};
        }
    }
}
