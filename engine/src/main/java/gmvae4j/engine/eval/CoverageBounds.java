package gmvae4j.engine.eval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.SplittableRandom;

/**
 * How many labels it takes before every cluster has at least one: the theory behind "K labels
 * could be enough".
 *
 * <ul>
 *   <li><b>Hand-picked:</b> with K pure, equal clusters and one well-chosen point per cluster,
 *       K labels suffice: a fraction K/N.</li>
 *   <li><b>Random, equal clusters:</b> the smallest n with P(all K covered) ≥ 1−δ when each
 *       label falls in a uniformly random cluster. Exact by inclusion–exclusion,
 *       <pre>  P(all covered) = Σ_{j=0..K} (−1)^j C(K,j) (1 − j/K)^n</pre>
 *       evaluated in doubles only for n large enough that its terms shrink fast and nothing cancels
 *       (see {@link #exactEqual}; {@link #coverageProbability} keeps the exact integer form, the reference).
 *       Also the classical sufficient bound n ≥ K·ln(K/δ) (union bound, (1−1/K)^n ≤ e^{−n/K}).
 *       These model draws with replacement; drawing distinct points from a finite pool covers at
 *       least as well (a with-replacement sample is a uniform sample of its distinct points, and
 *       coverage only grows with the sample), so the numbers are sound upper bounds for it.</li>
 *   <li><b>Random, actual cluster sizes p_c:</b> inclusion–exclusion over unequal sizes has 2^K
 *       terms, so instead: the union bound Σ_c (1−p_c)^n ≤ δ gives a sufficient n (upper
 *       bound); the second Bonferroni inequality P(miss) ≥ Σ_c (1−p_c)^n − Σ_{c<d} (1−p_c−p_d)^n
 *       gives n below which 1−δ is provably out of reach (lower bound); and a seeded Monte Carlo
 *       estimate of the (1−δ)-quantile of the coverage time estimates the answer itself. Empty clusters
 *       are left out: they need no label.</li>
 * </ul>
 */
public final class CoverageBounds {
    private CoverageBounds() {}

    /** The largest K the equal-cluster results are computed for. */
    public static final int MAX_K = 5000;
    /** δ at most 1/2 (a confidence of at least 50%): the series is only evaluated where it is safe (see exactEqual). */
    public static final double MAX_DELTA = 0.5;

    /** The equal-cluster results for K clusters, N points, confidence 1−δ. */
    public record Equal(int k, long n, double delta, int handPicked, long exact, long unionBound) {
        public double handPickedFraction() { return handPicked / (double) n; }
        public double exactFraction() { return exact / (double) n; }
        public double unionBoundFraction() { return unionBound / (double) n; }
    }

    /**
     * The actual-size results: nonEmpty clusters, a sound lower and upper bound, and the Monte Carlo
     * estimate of the true size (a sample quantile: it can stray slightly outside the bounds when
     * they are tight, which happens when the smallest cluster dominates).
     */
    public record Actual(int nonEmpty, long n, double delta, long lowerBound, long monteCarlo, long upperBound,
                         int trials, long smallestCluster) {
        public double lowerFraction() { return lowerBound / (double) n; }
        public double monteCarloFraction() { return monteCarlo / (double) n; }
        public double upperFraction() { return upperBound / (double) n; }
    }

    public static Equal equal(int k, long n, double delta) {
        check(k, delta);
        return new Equal(k, n, delta, k, exactEqual(k, delta), unionBoundEqual(k, delta));
    }

    /** ⌈K·ln(K/δ)⌉. */
    public static long unionBoundEqual(int k, double delta) {
        return (long) Math.ceil(k * Math.log(k / delta));
    }

    /** P(all K equal clusters covered by n uniform draws), exactly, as a BigDecimal. */
    public static BigDecimal coverageProbability(int k, long n) {
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("n too large");
        BigInteger[] num = numeratorTerms(k, (int) n);
        BigInteger sum = BigInteger.ZERO;
        for (BigInteger t : num) sum = sum.add(t);
        return new BigDecimal(sum).divide(new BigDecimal(BigInteger.valueOf(k).pow((int) n)), MathContext.DECIMAL128);
    }

    /**
     * Smallest n with P(all covered) ≥ 1−δ: a binary search over n, each step the inclusion–exclusion
     * series of {@link #missProbability} in doubles. O(K log K) at worst; K = 5000 takes milliseconds.
     *
     * <p>The search starts where the series is numerically safe. With x = K(1−1/K)^n the expected
     * number of missed clusters, P(miss) ≥ x/(1+x) (the second-moment bound: E[X²] ≤ x + x²), so no
     * n with x > δ/(1−δ) can reach 1−δ; for δ ≤ 1/2 that leaves only n with x ≤ 1, where the terms
     * of the series shrink at least as fast as x^j/j! and the alternating sum loses nothing.
     */
    public static long exactEqual(int k, double delta) {
        check(k, delta);
        if (k == 1) return 1;
        double log1m = Math.log1p(-1.0 / k);
        // the last n with x = K(1-1/K)^n > δ/(1-δ): there and below, coverage with confidence 1-δ is impossible
        long lo = Math.max(k - 1, (long) Math.floor(Math.log(delta / (1 - delta) / k) / log1m) - 1);
        long hi = Math.max(lo + 1, unionBoundEqual(k, delta));   // x ≤ δ there: the union bound suffices
        while (missProbability(k, hi) > delta) hi *= 2;
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (missProbability(k, mid) <= delta) hi = mid; else lo = mid;
        }
        return hi;
    }

    /**
     * P(some of K equal clusters missed by n uniform draws) = Σ_{j≥1} (−1)^{j+1} C(K,j) (1−j/K)^n,
     * summed in log space while the terms matter. Accurate where the expected number of missed
     * clusters K(1−1/K)^n is at most 1 (the terms then decrease at least like x^j/j!, and the
     * partial sums bracket the answer: Bonferroni); {@link #exactEqual} only asks there.
     */
    static double missProbability(int k, long n) {
        double sum = 0, logBinom = 0;
        for (int j = 1; j < k; j++) {
            logBinom += Math.log((double) (k - j + 1) / j);
            double term = Math.exp(logBinom + n * Math.log1p(-(double) j / k));
            sum += (j % 2 == 1) ? term : -term;
            if (term < 1e-18 * Math.max(sum, Double.MIN_NORMAL)) break;
        }
        return Math.max(0, Math.min(1, sum));
    }

    /** (−1)^j C(K,j) (K−j)^n for j = 0..K. */
    private static BigInteger[] numeratorTerms(int k, int n) {
        BigInteger[] t = new BigInteger[k + 1];
        BigInteger binom = BigInteger.ONE;
        for (int j = 0; j <= k; j++) {
            BigInteger term = binom.multiply(BigInteger.valueOf(k - j).pow(n));
            t[j] = (j % 2 == 0) ? term : term.negate();
            binom = binom.multiply(BigInteger.valueOf(k - j)).divide(BigInteger.valueOf(j + 1));
        }
        return t;
    }

    /** Bounds and a Monte Carlo estimate for clusters of the given sizes (points per cluster). */
    public static Actual actual(long[] sizes, double delta, int trials, long seed) {
        if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0,1), got " + delta);
        long total = 0;
        int nonEmpty = 0;
        long smallest = Long.MAX_VALUE;
        for (long s : sizes) {
            if (s < 0) throw new IllegalArgumentException("negative cluster size");
            total += s;
            if (s > 0) { nonEmpty++; smallest = Math.min(smallest, s); }
        }
        if (nonEmpty == 0) throw new IllegalArgumentException("every cluster is empty");
        double[] p = new double[nonEmpty];
        int j = 0;
        for (long s : sizes) if (s > 0) p[j++] = s / (double) total;
        long upper = smallestN(n -> unionMiss(p, n) <= delta, nonEmpty);
        long mc = monteCarloQuantile(p, 1 - delta, trials, seed);
        return new Actual(nonEmpty, total, delta, lowerBound(p, delta, upper), mc, upper, trials, smallest);
    }

    /**
     * A size below which coverage with confidence 1−δ is impossible. Two lower bounds on P(miss):
     * the smallest cluster alone, max_c (1−p_c)^n, which decreases with n (so a binary search finds
     * where it drops to δ); then the second Bonferroni inequality, which is sharper but not monotone
     * (negative, hence useless, for small n), so it is scanned upward from there: every n it keeps
     * above δ is also impossible.
     */
    static long lowerBound(double[] p, double delta, long upper) {
        double pMin = 1;
        for (double pc : p) pMin = Math.min(pMin, pc);
        final double pm = pMin;
        long n = smallestN(m -> Math.exp(m * Math.log1p(-pm)) <= delta, 1);
        long budget = 50_000_000L / Math.max(1, (long) p.length * p.length); // pair terms we are willing to evaluate
        while (n < upper && budget-- > 0 && bonferroniMissLower(p, n) > delta) n++;
        return n;
    }

    /** Σ_c (1−p_c)^n: an upper bound on P(some cluster missed). */
    static double unionMiss(double[] p, long n) {
        double s = 0;
        for (double pc : p) s += Math.exp(n * Math.log1p(-pc));
        return s;
    }

    /** Σ_c (1−p_c)^n − Σ_{c<d} (1−p_c−p_d)^n: a lower bound on P(some cluster missed). */
    static double bonferroniMissLower(double[] p, long n) {
        double s = unionMiss(p, n);
        for (int c = 0; c < p.length; c++)
            for (int d = c + 1; d < p.length; d++) {
                double r = 1 - p[c] - p[d];
                if (r > 0) s -= Math.exp(n * Math.log(r));
            }
        return s;
    }

    private interface Test { boolean ok(long n); }

    /** Smallest n ≥ from with ok(n), for a predicate that becomes and stays true as n grows. */
    private static long smallestN(Test ok, long from) {
        long lo = from - 1, hi = Math.max(from, 1);
        while (!ok.ok(hi)) { lo = hi; hi *= 2; if (hi > (1L << 50)) return Long.MAX_VALUE; }
        while (hi - lo > 1) {
            long mid = (lo + hi) >>> 1;
            if (ok.ok(mid)) hi = mid; else lo = mid;
        }
        return hi;
    }

    /** The q-quantile of the number of draws until every cluster is hit, over seeded trials. */
    static long monteCarloQuantile(double[] p, double q, int trials, long seed) {
        double[] cum = new double[p.length];
        double acc = 0;
        for (int i = 0; i < p.length; i++) { acc += p[i]; cum[i] = acc; }
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] times = new long[trials];
        boolean[] hit = new boolean[p.length];
        for (int t = 0; t < trials; t++) {
            java.util.Arrays.fill(hit, false);
            int missing = p.length;
            long draws = 0;
            while (missing > 0) {
                draws++;
                int c = java.util.Arrays.binarySearch(cum, rnd.nextDouble() * acc);
                if (c < 0) c = -c - 1;
                if (c >= p.length) c = p.length - 1;
                if (!hit[c]) { hit[c] = true; missing--; }
            }
            times[t] = draws;
        }
        java.util.Arrays.sort(times);
        return times[(int) Math.min(trials - 1, Math.ceil(q * trials) - 1)];
    }

    private static void check(int k, double delta) {
        if (k <= 0 || k > MAX_K) throw new IllegalArgumentException("k must be in 1.." + MAX_K + ", got " + k);
        if (!(delta > 0 && delta <= MAX_DELTA))
            throw new IllegalArgumentException("delta must be in (0, " + MAX_DELTA + "], got " + delta);
    }
}
