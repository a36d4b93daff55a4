package gmvae4j.engine.eval;

/**
 * Summary of repeated measurements (accuracies of the random label draws): mean and the
 * half-width of the 95% confidence interval of the mean, t(0.975, n−1)·sd/√n with the sample
 * standard deviation (n−1 in the denominator). NaN values (skipped runs) are ignored.
 *
 * @param n    how many finite values went in
 * @param ci95 half-width; NaN with fewer than two values
 */
public record Stats(int n, double mean, double sd, double ci95) {

    public static Stats of(double[] values) {
        int n = 0;
        double sum = 0;
        for (double v : values) if (!Double.isNaN(v)) { n++; sum += v; }
        if (n == 0) return new Stats(0, Double.NaN, Double.NaN, Double.NaN);
        double mean = sum / n;
        if (n == 1) return new Stats(1, mean, Double.NaN, Double.NaN);
        double ss = 0;
        for (double v : values) if (!Double.isNaN(v)) ss += (v - mean) * (v - mean);
        double sd = Math.sqrt(ss / (n - 1));
        return new Stats(n, mean, sd, StudentT.quantile(0.975, n - 1) * sd / Math.sqrt(n));
    }
}
