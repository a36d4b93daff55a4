package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/**
 * CoverageBounds' building blocks against values worked out by hand or in exact integer
 * arithmetic (the end-to-end bracketing checks live in {@link CoverageBoundsTest}).
 */
class CoverageBoundsExactTest {

    @Test void fractionsAreCountsOverPoints() {
        CoverageBounds.Equal e = CoverageBounds.equal(2, 200, 0.05);
        assertEquals(2, e.handPicked());
        assertEquals(6, e.exact());          // 1 − 2^(1−n) ≥ 0.95 ⇔ n ≥ 6
        assertEquals(8, e.unionBound());     // ⌈2 ln 40⌉ = ⌈7.38⌉
        assertEquals(2 / 200.0, e.handPickedFraction());
        assertEquals(6 / 200.0, e.exactFraction());
        assertEquals(8 / 200.0, e.unionBoundFraction());

        CoverageBounds.Actual a = new CoverageBounds.Actual(3, 400, 0.05, 10, 20, 30, 100, 7);
        assertEquals(10 / 400.0, a.lowerFraction());
        assertEquals(20 / 400.0, a.monteCarloFraction());
        assertEquals(30 / 400.0, a.upperFraction());
    }

    @Test void coverageProbabilityIsTheSurjectionCountOverKToTheN() {
        // surjections of n draws onto k clusters = k!·S(n,k); e.g. k = 3, n = 5: 150 of 243
        assertEquals(0, new BigDecimal(150).divide(new BigDecimal(243), MathContext.DECIMAL128)
                .compareTo(CoverageBounds.coverageProbability(3, 5)));
        assertEquals(0, BigDecimal.ZERO.compareTo(CoverageBounds.coverageProbability(3, 2)));
        assertEquals(0, BigDecimal.ONE.compareTo(CoverageBounds.coverageProbability(1, 7)));
        // k = 4, n = 6: 4!·S(6,4) = 24·65 = 1560 of 4096
        assertEquals(0, new BigDecimal(1560).divide(new BigDecimal(4096), MathContext.DECIMAL128)
                .compareTo(CoverageBounds.coverageProbability(4, 6)));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.coverageProbability(2, Integer.MAX_VALUE + 1L));
    }

    @Test void missProbabilityMatchesExactArithmetic() {
        for (int k : new int[] {2, 3, 5, 8})
            for (int n = k; n <= 40; n += 3) {
                double exact = BigDecimal.ONE.subtract(CoverageBounds.coverageProbability(k, n)).doubleValue();
                double got = CoverageBounds.missProbability(k, n);
                // the series is only claimed accurate once K(1−1/K)^n ≤ 1
                if (k * Math.pow(1 - 1.0 / k, n) <= 1) assertEquals(exact, got, 1e-12 * Math.max(exact, 1e-300) + 1e-300, "k=" + k + " n=" + n);
                assertTrue(got >= 0 && got <= 1);
            }
        // k = 2: P(miss) = 2·2^−n exactly
        assertEquals(2 * Math.pow(0.5, 10), CoverageBounds.missProbability(2, 10), 1e-18);
    }

    @Test void exactEqualAtTheEdgesOfTheAllowedRange() {
        assertEquals(1, CoverageBounds.exactEqual(1, 0.05));
        // δ = 1/2 with k = 2: two draws cover with probability exactly 1/2
        assertEquals(2, CoverageBounds.exactEqual(2, 0.5));
        // k = 3, δ = 1/2: P(all | n) = 1 − 3(2/3)^n + 3(1/3)^n; n = 4: 36/81 < .5, n = 5: 150/243 ≥ .5
        assertEquals(5, CoverageBounds.exactEqual(3, 0.5));
        assertDoesNotThrow(() -> CoverageBounds.equal(CoverageBounds.MAX_K, 1_000_000, CoverageBounds.MAX_DELTA));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(-1, 10, 0.05));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(2, 10, Math.nextUp(0.5)));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(2, 10, Double.NaN));
    }

    /**
     * At large K the answer is the smallest n whose series is at most δ (there the series is exact: see
     * missProbability), so the search must land exactly on it wherever it starts its bracket.
     */
    @Test void exactEqualIsTheSmallestNByTheSeriesAtLargeK() {
        for (int k : new int[] {50, 100, 333, 1000, CoverageBounds.MAX_K})
            for (double delta : new double[] {0.5, 0.2, 0.05, 0.01, 1e-6}) {
                long n = CoverageBounds.exactEqual(k, delta);
                assertTrue(CoverageBounds.missProbability(k, n) <= delta, "k=" + k + " δ=" + delta + " n=" + n);
                assertTrue(CoverageBounds.missProbability(k, n - 1) > delta, "k=" + k + " δ=" + delta + " n=" + n);
            }
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.exactEqual(0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.exactEqual(2, 0.7));
    }

    @Test void unionAndBonferroniSumsByHand() {
        double[] p = {0.5, 0.3, 0.2};
        // n = 2: .25 + .49 + .64 = 1.38; pairs (.2)², (.3)², (.5)² = .38; two draws cannot cover three clusters
        assertEquals(1.38, CoverageBounds.unionMiss(p, 2), 1e-13);
        assertEquals(1.0, CoverageBounds.bonferroniMissLower(p, 2), 1e-13);
        // n = 3: .125 + .343 + .512 − (.008 + .027 + .125) = 0.82; exact P(miss) = 1 − 3!·.5·.3·.2 = 0.82
        assertEquals(0.82, CoverageBounds.bonferroniMissLower(p, 3), 1e-13);
        // a pair that covers everything (1 − p_c − p_d = 0) adds no term: two halves, P(miss) = 2·2^−n exactly
        assertEquals(2 * Math.pow(0.5, 4), CoverageBounds.bonferroniMissLower(new double[] {0.5, 0.5}, 4), 1e-18);
        assertEquals(2 * Math.pow(0.5, 4), CoverageBounds.unionMiss(new double[] {0.5, 0.5}, 4), 1e-18);
    }

    @Test void lowerBoundOnTwoHalvesIsTheExactAnswer() {
        double[] p = {0.5, 0.5};
        // smallest cluster alone: 2^−n ≤ .05 ⇔ n ≥ 5; Bonferroni (exact here): 2·2^−n ≤ .05 ⇔ n ≥ 6
        assertEquals(6, CoverageBounds.lowerBound(p, 0.05, 1000));
        assertEquals(5, CoverageBounds.lowerBound(p, 0.05, 5), "never past the upper bound");
        // δ = 0.1: smallest cluster alone n ≥ 4 (2^−4 ≤ .1); Bonferroni 2·2^−4 = .125 > .1, 2·2^−5 ≤ .1: 5
        assertEquals(5, CoverageBounds.lowerBound(p, 0.1, 1000));
    }

    @Test void lowerBoundSkipsThePairTermsWhenThereAreTooMany() {
        // 8000 equal clusters: 64e6 pair terms per n exceed the 50e6 budget, so only the smallest-cluster bound
        double[] p = new double[8000];
        java.util.Arrays.fill(p, 1.0 / 8000);
        long m = 1;
        while (Math.exp(m * Math.log1p(-1.0 / 8000)) > 0.05) m++;
        assertEquals(m, CoverageBounds.lowerBound(p, 0.05, Long.MAX_VALUE));
    }

    @Test void upperBoundIsTheSmallestNForTheUnionBound() {
        // two halves: Σ (1/2)^n = 2^(1−n) ≤ .05 ⇔ n ≥ 6 (also the exact answer)
        CoverageBounds.Actual a = CoverageBounds.actual(new long[] {0, 7, 7}, 0.05, 2000, 5);
        assertEquals(2, a.nonEmpty());
        assertEquals(14, a.n());
        assertEquals(7, a.smallestCluster());
        assertEquals(6, a.upperBound());
        assertEquals(6, a.lowerBound());
        assertEquals(0.05, a.delta());
        assertEquals(2000, a.trials());
        // one cluster: a single label always covers it
        CoverageBounds.Actual one = CoverageBounds.actual(new long[] {5}, 0.3, 50, 1);
        assertEquals(1, one.upperBound());
        assertEquals(1, one.lowerBound());
        assertEquals(1, one.monteCarlo());
    }

    @Test void monteCarloQuantileOfTwoHalves() {
        // T = draws until both halves are hit: P(T ≤ n) = 1 − 2^(1−n); P(T = 2) = 1/2, P(T ≤ 3) = 3/4
        double[] p = {0.5, 0.5};
        assertEquals(2, CoverageBounds.monteCarloQuantile(p, 1e-9, 1000, 1)); // the smallest time
        assertEquals(2, CoverageBounds.monteCarloQuantile(p, 0.4, 4000, 2));
        assertEquals(3, CoverageBounds.monteCarloQuantile(p, 0.65, 4000, 3));
        assertEquals(4, CoverageBounds.monteCarloQuantile(p, 0.82, 4000, 4)); // P(T ≤ 4) = 7/8
        // q = 1: the largest of the trials, at least the 0.99 quantile
        assertTrue(CoverageBounds.monteCarloQuantile(p, 1, 4000, 5) >= CoverageBounds.monteCarloQuantile(p, 0.99, 4000, 5));
        // an uneven pair: P(T ≤ n) = 1 − .9^n − .1^n for n ≥ 1, so the median is the first n with .9^n ≤ ~.5: 7
        double[] q = {0.9, 0.1};
        long med = CoverageBounds.monteCarloQuantile(q, 0.5, 20000, 6);
        long want = 1;
        while (1 - Math.pow(0.9, want) - Math.pow(0.1, want) < 0.5) want++;
        assertEquals(want, med);
        assertEquals(7, want);
        // two trials: the 0.5 quantile is the smaller time, the 1.0 quantile the larger; they differ for some seed
        boolean differ = false;
        for (long seed = 1; seed <= 20; seed++) {
            long lo = CoverageBounds.monteCarloQuantile(p, 0.5, 2, seed), hi = CoverageBounds.monteCarloQuantile(p, 1, 2, seed);
            assertTrue(lo <= hi);
            differ |= lo < hi;
        }
        assertTrue(differ);
    }

    @Test void actualRejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.actual(new long[] {3, -1}, 0.05, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.actual(new long[] {3}, 0, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.actual(new long[] {3}, 1, 10, 1));
        assertDoesNotThrow(() -> CoverageBounds.actual(new long[] {3, 0}, 0.99, 10, 1));
    }

    @Test void unionBoundFormula() {
        assertEquals((long) Math.ceil(26 * Math.log(26 / 0.01)), CoverageBounds.unionBoundEqual(26, 0.01));
        assertEquals(3, CoverageBounds.unionBoundEqual(1, 0.05)); // ⌈ln 20⌉
    }
}
