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
