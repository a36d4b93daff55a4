package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoverageBoundsTest {

    /** P(all k covered) by enumerating all k^n equally likely draw sequences. */
    static double bruteForce(int k, int n) {
        int total = (int) Math.pow(k, n), ok = 0;
        for (int code = 0; code < total; code++) {
            int seen = 0, c = code;
            for (int i = 0; i < n; i++) { seen |= 1 << (c % k); c /= k; }
            if (seen == (1 << k) - 1) ok++;
        }
        return ok / (double) total;
    }

    @Test void exactProbabilityMatchesEnumeration() {
        for (int k = 1; k <= 4; k++)
            for (int n = 0; n <= 8; n++)
                assertEquals(bruteForce(k, n), CoverageBounds.coverageProbability(k, n).doubleValue(), 1e-12, "k=" + k + " n=" + n);
    }

    @Test void exactSizeIsTheSmallestThatCovers() {
        for (int k : new int[] {2, 3, 4, 10, 26, 100}) {
            long n = CoverageBounds.exactEqual(k, 0.05);
            assertTrue(CoverageBounds.coverageProbability(k, n).doubleValue() >= 0.95);
            assertTrue(CoverageBounds.coverageProbability(k, n - 1).doubleValue() < 0.95);
            assertTrue(n <= CoverageBounds.unionBoundEqual(k, 0.05), "the K ln(K/δ) bound is sufficient");
        }
        // k=2: P = 1 - 2^(1-n) >= .95 <=> n >= 6
        assertEquals(6, CoverageBounds.exactEqual(2, 0.05));
    }

    /**
     * Issue 12: the exact search (BigInteger over every n) did not finish in 40 s at K = 5000. The
     * double series must give exactly the integer arithmetic's answer wherever that is affordable,
     * at every confidence the flags allow.
     */
    @Test void doubleSeriesAgreesWithExactIntegerArithmetic() {
        for (double delta : new double[] {0.5, 0.3, 0.1, 0.05, 0.01, 1e-4, 1e-9})
            for (int k = 1; k <= 40; k += (k < 10 ? 1 : 7)) {
                long n = CoverageBounds.exactEqual(k, delta);
                BigDecimalCheck.assertSmallest(k, n, delta);
            }
    }

    /** The smallest n: covers at n, does not at n − 1, by the exact BigInteger reference. */
    static final class BigDecimalCheck {
        static void assertSmallest(int k, long n, double delta) {
            java.math.BigDecimal need = java.math.BigDecimal.ONE.subtract(new java.math.BigDecimal(delta));
            assertTrue(CoverageBounds.coverageProbability(k, n).compareTo(need) >= 0, "k=" + k + " δ=" + delta + " n=" + n);
            if (n > 1) assertTrue(CoverageBounds.coverageProbability(k, n - 1).compareTo(need) < 0, "k=" + k + " δ=" + delta + " n=" + n);
        }
    }

    @Test void theDocumentedMaximumKIsComputedAndSane() {
        long n = CoverageBounds.exactEqual(CoverageBounds.MAX_K, 0.05);
        long union = CoverageBounds.unionBoundEqual(CoverageBounds.MAX_K, 0.05);
        // P(miss) ≈ 1 − exp(−K e^{−n/K}) (Poisson limit): the answer sits just below the union bound
        assertTrue(n <= union && n > union - CoverageBounds.MAX_K / 10, n + " vs " + union);
        assertTrue(CoverageBounds.missProbability(CoverageBounds.MAX_K, n) <= 0.05);
        assertTrue(CoverageBounds.missProbability(CoverageBounds.MAX_K, n - 1) > 0.05);
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(CoverageBounds.MAX_K + 1, 1_000_000, 0.05));
    }

    @Test void studyScale() {
        CoverageBounds.Equal e = CoverageBounds.equal(100, 145_600, 0.05);
        assertEquals(100, e.handPicked());
        assertEquals(761, e.unionBound()); // 100 ln(2000) = 760.1
        assertTrue(e.exact() > 600 && e.exact() < 761, "exact " + e.exact());
    }

    /** P(all covered) for unequal p by inclusion–exclusion over all subsets (small k only). */
    static double exactUnequal(double[] p, int n) {
        int k = p.length;
        double s = 0;
        for (int mask = 0; mask < (1 << k); mask++) {
            double miss = 0;
            for (int c = 0; c < k; c++) if ((mask & (1 << c)) != 0) miss += p[c];
            s += (Integer.bitCount(mask) % 2 == 0 ? 1 : -1) * Math.pow(1 - miss, n);
        }
        return s;
    }

    @Test void unequalBoundsBracketTheExactAnswer() {
        long[] sizes = {50, 20, 10, 10, 5, 3, 2, 0};
        double[] p = {50 / 100.0, 20 / 100.0, .1, .1, .05, .03, .02};
        int exact = 1;
        while (exactUnequal(p, exact) < 0.95) exact++;
        CoverageBounds.Actual a = CoverageBounds.actual(sizes, 0.05, 4000, 7);
        assertEquals(7, a.nonEmpty());
        assertEquals(2, a.smallestCluster());
        assertTrue(a.lowerBound() <= exact && exact <= a.upperBound(), a + " exact " + exact);
        assertEquals(exact, a.monteCarlo(), exact * 0.08, "Monte Carlo close to exact " + exact);
    }

    @Test void lowerBoundIsInformativeWhenTheSmallestClusterDominates() {
        long[] sizes = new long[100];
        java.util.Arrays.fill(sizes, 30);
        sizes[0] = 8;
        CoverageBounds.Actual a = CoverageBounds.actual(sizes, 0.05, 300, 3);
        // the size-8 cluster alone needs n with (1 - 8/2978)^n <= 0.05, i.e. n >= 1114
        assertTrue(a.lowerBound() >= 1114, a.toString());
        assertTrue(a.lowerBound() <= a.upperBound());
    }

    @Test void equalSizesAgreeWithTheExactEqualCase() {
        long[] sizes = new long[10];
        java.util.Arrays.fill(sizes, 100);
        CoverageBounds.Actual a = CoverageBounds.actual(sizes, 0.05, 4000, 1);
        long exact = CoverageBounds.exactEqual(10, 0.05);
        assertTrue(a.lowerBound() <= exact && exact <= a.upperBound());
        assertEquals(exact, a.monteCarlo(), exact * 0.08);
    }

    @Test void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(0, 10, 0.05));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(10, 10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.equal(10, 10, 0.6));
        assertThrows(IllegalArgumentException.class, () -> CoverageBounds.actual(new long[] {0, 0}, 0.05, 10, 1));
    }
}
