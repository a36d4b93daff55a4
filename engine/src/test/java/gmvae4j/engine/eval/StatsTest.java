package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test void studentQuantilesMatchTables() {
        assertEquals(12.706, StudentT.quantile(0.975, 1), 1e-3);
        assertEquals(4.303, StudentT.quantile(0.975, 2), 1e-3);
        assertEquals(2.776, StudentT.quantile(0.975, 4), 1e-3);
        assertEquals(2.228, StudentT.quantile(0.975, 10), 1e-3);
        assertEquals(2.042, StudentT.quantile(0.975, 30), 1e-3);
        assertEquals(1.960, StudentT.quantile(0.975, 100_000), 1e-3);
        assertEquals(4.604, StudentT.quantile(0.995, 4), 1e-3);
        assertEquals(3.747, StudentT.quantile(0.99, 4), 1e-3);
    }

    /**
     * The CDF and quantiles against the closed forms for 1, 2 and 4 degrees of freedom, to 1e-9:
     * tables to 3 decimals let the continued fraction and the bisection be wrong in the 4th.
     */
    @Test void studentCdfAndQuantilesMatchClosedForms() {
        for (double t : new double[] {-30, -7.5, -2.2, -0.9, -0.01, 0, 0.01, 0.3, 1, 1.7, 2.776, 4.9, 12.7, 80}) {
            assertEquals(0.5 + Math.atan(t) / Math.PI, StudentT.cdf(t, 1), 1e-9, "df 1, t " + t);
            assertEquals(0.5 + t / (2 * Math.sqrt(2 + t * t)), StudentT.cdf(t, 2), 1e-9, "df 2, t " + t);
            double x = 4 / (4 + t * t);   // df 4: P(T > |t|) = ½ I_x(2, ½), and I_x(2, ½) = 1 − √(1−x)·(1 + x/2)
            double tail = 0.5 * (1 - Math.sqrt(1 - x) * (1 + 0.5 * x));
            assertEquals(t >= 0 ? 1 - tail : tail, StudentT.cdf(t, 4), 1e-9, "df 4, t " + t);
        }
        for (double p : new double[] {0.5, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999}) {
            assertEquals(Math.tan(Math.PI * (p - 0.5)), StudentT.quantile(p, 1), 1e-9 * Math.max(1, Math.tan(Math.PI * (p - 0.5))), "df 1, p " + p);
            double a = 4 * p * (1 - p);
            assertEquals((2 * p - 1) * Math.sqrt(2 / a), StudentT.quantile(p, 2), 1e-9, "df 2, p " + p);
        }
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.975, 0));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(0.4, 3));
        assertThrows(IllegalArgumentException.class, () -> StudentT.quantile(1, 3));
    }

    @Test void meanAndCi() {
        Stats s = Stats.of(new double[] {0.80, 0.82, 0.78, 0.81, 0.79});
        assertEquals(5, s.n());
        assertEquals(0.80, s.mean(), 1e-12);
        double sd = Math.sqrt((0 + 0.0004 + 0.0004 + 0.0001 + 0.0001) / 4);
        assertEquals(sd, s.sd(), 1e-12);
        assertEquals(2.7764451 * sd / Math.sqrt(5), s.ci95(), 1e-6);
    }

    @Test void skippedRunsAreIgnored() {
        Stats s = Stats.of(new double[] {Double.NaN, 0.5});
        assertEquals(1, s.n());
        assertEquals(0.5, s.mean());
        assertTrue(Double.isNaN(s.ci95()));
        assertEquals(0, Stats.of(new double[] {Double.NaN}).n());
    }
}
