package gmvae4j.engine.gmvae;

import java.util.stream.IntStream;

/**
 * A Gaussian mixture with diagonal covariances fitted by a few EM steps, started from a k-means
 * solution. Sets the GMVAE prior p(z|c) = N(μ_c, diag σ²_c) on the autoencoder's latent means.
 *
 * <p>Variances never go below {@code varFloor}: an unbounded M-step can shrink a component onto
 * a single point (σ² → 0, likelihood → ∞). The floored M-step is still the exact maximiser
 * under the constraint σ² ≥ floor (the likelihood is unimodal in each σ²), so EM still never
 * decreases the log-likelihood.
 *
 * <p>Deterministic for any thread count: points are processed in fixed chunks of
 * {@value #CHUNK} whose partial sums are combined in chunk order.
 */
public final class DiagonalGmm {

    static final int CHUNK = 4096;
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /**
     * @param weights   π_c (sums to 1)
     * @param means     μ_c, k·d
     * @param variances σ²_c, k·d (each ≥ the floor)
     * @param logLikelihood average log-likelihood per point before EM (index 0) and after each step
     */
    public record Fit(int k, int d, double[] weights, float[] means, float[] variances, double[] logLikelihood) {

        /** Index of the most responsible component for point x[off..off+d). */
        public int assign(float[] x, int off) {
            double[] lp = new double[k];
            logJoint(x, off, this, lp);
            int best = 0;
            for (int c = 1; c < k; c++) if (lp[c] > lp[best]) best = c;
            return best;
        }
    }

    /**
     * The responsibilities p(c | x_i) under a fit, n × k row-major (each row a softmax of
     * log π_c + log N(x_i; μ_c, σ²_c), taken with the max subtracted).
     */
    public static float[] responsibilities(float[] x, int n, Fit fit) {
        int k = fit.k(), d = fit.d();
        float[] out = new float[n * k];
        Cache cache = Cache.of(fit);
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel().forEach(ch -> {
            double[] lp = new double[k];
            for (int i = ch * CHUNK; i < Math.min(n, (ch + 1) * CHUNK); i++) {
                logJoint(x, i * d, fit, cache, lp);
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (double v : lp) max = Math.max(max, v);
                for (int c = 0; c < k; c++) sum += Math.exp(lp[c] - max);
                for (int c = 0; c < k; c++) out[i * k + c] = (float) (Math.exp(lp[c] - max) / sum);
            }
        });
        return out;
    }

    private DiagonalGmm() {}

    /** Floor used by the GMVAE: a small fraction of the data's mean per-dimension variance. */
    public static float defaultFloor(float[] x, int n, int d) {
        double total = 0;
        for (int t = 0; t < d; t++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) { double v = x[i * d + t]; s += v; s2 += v * v; }
            double m = s / n;
            total += Math.max(s2 / n - m * m, 0);
        }
        return (float) Math.max(1e-3 * total / d, 1e-6);
    }

    /** Starts from the k-means clusters (their sizes, means and floored variances) and runs {@code steps} EM steps. */
    public static Fit fit(float[] x, int n, int d, KMeans.Result init, int steps, float varFloor) {
        int k = init.k();
        double[] w = new double[k];
        double[] s = new double[k * d], s2 = new double[k * d];
        for (int i = 0; i < n; i++) {
            int c = init.assign()[i];
            w[c]++;
            for (int t = 0; t < d; t++) { double v = x[i * d + t]; s[c * d + t] += v; s2[c * d + t] += v * v; }
        }
        Fit fit = fromStatistics(k, d, w, s, s2, n, varFloor, init.centers());
        double[] ll = new double[steps + 1];
        for (int step = 0; step < steps; step++) {
            Stats st = eStep(x, n, d, fit);
            ll[step] = st.logLik / n;
            fit = fromStatistics(k, d, st.w, st.s, st.s2, n, varFloor, fit.means());
        }
        ll[steps] = eStep(x, n, d, fit).logLik / n;
        return new Fit(k, d, fit.weights(), fit.means(), fit.variances(), ll);
    }

    /** Average log-likelihood per point under the mixture. */
    public static double logLikelihood(float[] x, int n, int d, Fit fit) {
        return eStep(x, n, d, fit).logLik / n;
    }

    private record Stats(double[] w, double[] s, double[] s2, double logLik) {}

    /** E-step: responsibilities r_ic = π_c N(x_i; μ_c, σ²_c) / Σ_c' (...), summed into Σr, Σr·x, Σr·x². */
    private static Stats eStep(float[] x, int n, int d, Fit fit) {
        int k = fit.k();
        int chunks = (n + CHUNK - 1) / CHUNK;
        Stats[] part = new Stats[chunks];
        Cache cache = Cache.of(fit);
        IntStream.range(0, chunks).parallel().forEach(ch -> {
            double[] w = new double[k], s = new double[k * d], s2 = new double[k * d];
            double[] lp = new double[k];
            double ll = 0;
            for (int i = ch * CHUNK; i < Math.min(n, (ch + 1) * CHUNK); i++) {
                logJoint(x, i * d, fit, cache, lp);
                double max = Double.NEGATIVE_INFINITY;
                for (double v : lp) max = Math.max(max, v);
                double z = 0;
                for (int c = 0; c < k; c++) z += Math.exp(lp[c] - max);
                double lse = max + Math.log(z);
                ll += lse;
                for (int c = 0; c < k; c++) {
                    double r = Math.exp(lp[c] - lse);
                    if (r < 1e-12) continue;
                    w[c] += r;
                    for (int t = 0; t < d; t++) {
                        double v = x[i * d + t];
                        s[c * d + t] += r * v;
                        s2[c * d + t] += r * v * v;
                    }
                }
            }
            part[ch] = new Stats(w, s, s2, ll);
        });
        double[] w = new double[k], s = new double[k * d], s2 = new double[k * d];
        double ll = 0;
        for (Stats p : part) {
            for (int c = 0; c < k; c++) w[c] += p.w[c];
            for (int j = 0; j < k * d; j++) { s[j] += p.s[j]; s2[j] += p.s2[j]; }
            ll += p.logLik;
        }
        return new Stats(w, s, s2, ll);
    }

    /** M-step: π_c = N_c/n, μ_c = Σr·x/N_c, σ²_c = max(Σr·x²/N_c − μ_c², floor). A component with no mass keeps its mean. */
    private static Fit fromStatistics(int k, int d, double[] w, double[] s, double[] s2, int n, float floor,
                                      float[] oldMeans) {
        double[] pi = new double[k];
        float[] mu = new float[k * d], var = new float[k * d];
        double tiny = 1e-10;
        double total = 0;
        for (int c = 0; c < k; c++) { pi[c] = Math.max(w[c], tiny); total += pi[c]; }
        for (int c = 0; c < k; c++) {
            pi[c] /= total;
            for (int t = 0; t < d; t++) {
                int j = c * d + t;
                if (w[c] > tiny) {
                    double m = s[j] / w[c];
                    mu[j] = (float) m;
                    var[j] = (float) Math.max(s2[j] / w[c] - m * m, floor);
                } else {
                    mu[j] = oldMeans[j];
                    var[j] = floor;
                }
            }
        }
        return new Fit(k, d, pi, mu, var, new double[0]);
    }

    /** lp[c] = log π_c + log N(x; μ_c, diag σ²_c). */
    static void logJoint(float[] x, int off, Fit fit, double[] lp) {
        logJoint(x, off, fit, Cache.of(fit), lp);
    }

    /**
     * Per-component constants of the log-density, computed once per EM step instead of once per
     * point: log π_c − ½ Σ_j (log 2π + log σ²_cj), and the precisions 1/σ²_cj.
     */
    record Cache(double[] constant, float[] precision) {
        static Cache of(Fit fit) {
            int k = fit.k(), d = fit.d();
            double[] cst = new double[k];
            float[] prec = new float[k * d];
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    double var = fit.variances()[c * d + t];
                    s += LOG_2PI + Math.log(var);
                    prec[c * d + t] = (float) (1 / var);
                }
                cst[c] = Math.log(fit.weights()[c]) - 0.5 * s;
            }
            return new Cache(cst, prec);
        }
    }

    static void logJoint(float[] x, int off, Fit fit, Cache cache, double[] lp) {
        int k = fit.k(), d = fit.d();
        float[] mu = fit.means(), prec = cache.precision();
        for (int c = 0; c < k; c++) {
            double q = 0;
            for (int t = 0; t < d; t++) {
                double diff = x[off + t] - mu[c * d + t];
                q += diff * diff * prec[c * d + t];
            }
            lp[c] = cache.constant()[c] - 0.5 * q;
        }
    }
}
