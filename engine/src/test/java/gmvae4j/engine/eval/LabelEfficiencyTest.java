package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelEfficiencyTest {
    static final double[] F = {1e-3, 1e-2, 1e-1};

    @Test void interpolatesInLogFraction() {
        LabelEfficiency.Need n = LabelEfficiency.need(F, new double[] {0.5, 0.7, 0.9}, 0.6);
        assertEquals(LabelEfficiency.Bound.EXACT, n.bound());
        assertEquals(Math.sqrt(1e-3 * 1e-2), n.fraction(), 1e-12); // halfway in log space
        assertEquals(1e-2, LabelEfficiency.need(F, new double[] {0.5, 0.7, 0.9}, 0.7).fraction(), 1e-12);
    }

    @Test void neverReachedIsMoreThanTheLargestFraction() {
        LabelEfficiency.Need n = LabelEfficiency.need(F, new double[] {0.1, 0.2, 0.3}, 0.8);
        assertEquals(LabelEfficiency.Bound.MORE_THAN, n.bound());
        assertEquals(0.1, n.fraction());
        assertEquals("> 10%", n.format());
    }

    @Test void reachedAtOnceIsAtMost() {
        LabelEfficiency.Need n = LabelEfficiency.need(F, new double[] {0.95, 0.96, 0.97}, 0.8);
        assertEquals(LabelEfficiency.Bound.AT_MOST, n.bound());
        assertEquals("≤ 0.1%", n.format());
    }

    @Test void skippedPointsAreSteppedOver() {
        LabelEfficiency.Need n = LabelEfficiency.need(F, new double[] {0.5, Double.NaN, 0.9}, 0.7);
        assertEquals(Math.exp((Math.log(1e-3) + Math.log(1e-1)) / 2), n.fraction(), 1e-12);
        assertEquals(LabelEfficiency.Bound.MORE_THAN, LabelEfficiency.need(F, new double[] {0.5, 0.6, Double.NaN}, 0.7).bound());
        assertEquals(1e-2, LabelEfficiency.need(F, new double[] {0.5, 0.6, Double.NaN}, 0.7).fraction());
    }

    @Test void ratioTable() {
        Stats[] gm = stats(0.5, 0.8, 0.9), xgb = stats(0.2, 0.5, 0.8), lr = stats(0.1, 0.2, 0.3);
        Sweep.Result r = new Sweep.Result(Sweep.Protocol.TRANSDUCTIVE, F, new int[] {1, 10, 100}, 5, 1000, 900, List.of(
                new Sweep.MethodResult("soft-dot", null, gm, 0, List.of()),
                new Sweep.MethodResult("xgboost", null, xgb, 0, List.of()),
                new Sweep.MethodResult("logreg", null, lr, 0, List.of())));
        List<LabelEfficiency.Row> rows = LabelEfficiency.table(r, "soft-dot", 0.8);
        assertEquals(1.0, rows.get(0).ratio(), 1e-12);
        assertEquals(10.0, rows.get(1).ratio(), 1e-9);
        assertEquals("10x", rows.get(1).formatRatio());
        assertEquals(LabelEfficiency.Bound.MORE_THAN, rows.get(2).ratioBound());
        assertEquals("> 10x", rows.get(2).formatRatio());
        assertEquals(0.5, LabelEfficiency.meanAt(F, new double[] {0.5, 0.8, 0.9}, 2e-3), 0); // 1e-3 is closest in log scale
    }

    static Stats[] stats(double... means) {
        Stats[] s = new Stats[means.length];
        for (int i = 0; i < s.length; i++) s[i] = new Stats(5, means[i], 0, 0);
        return s;
    }

    @Test void formatsFractions() {
        assertEquals("0.2%", LabelEfficiency.formatFraction(0.002));
        assertEquals("0.005%", LabelEfficiency.formatFraction(5e-5));
        assertEquals("50%", LabelEfficiency.formatFraction(0.5));
        assertEquals("7%", LabelEfficiency.formatFraction(0.07));
    }
}
