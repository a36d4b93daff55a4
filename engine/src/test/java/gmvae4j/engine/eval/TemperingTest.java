package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemperingTest {

    // 3 clusters: 0 and 1 hold class 0, 2 holds class 1. Row 0 (class 0) is the only label in
    // cluster 0 and leaks a little more to cluster 2 (class 1) than to cluster 1 (class 0); but
    // row 1, its classmate, leans towards cluster 0, which only shows once posteriors are flattened.
    static final float[] Q = {
            0.970f, 0.010f, 0.020f,
            0.001f, 0.999f, 0.000f,
            0.000f, 0.001f, 0.999f,
            0.000f, 0.001f, 0.999f,
    };
    static final int K = 3;
    static final int[] ROWS = {0, 1, 2, 3}, LABELS = {0, 0, 1, 1};

    @Test void temperingFlattensRowsButKeepsTheirOrderAndZeros() {
        double[] t1 = new double[K], t4 = new double[K];
        Tempering.temper(Q, K, K, 1f, t1);
        Tempering.temper(Q, K, K, 4f, t4);
        for (int c = 0; c < K; c++) assertEquals(Q[K + c], t1[c], 1e-7, "T = 1 leaves q as it is");
        assertEquals(1.0, t4[0] + t4[1] + t4[2], 1e-12);
        assertTrue(t4[1] < t1[1] && t4[0] > t1[0], "mass moves from the top cluster to the others");
        assertTrue(t4[1] > t4[0], "order kept");
        assertEquals(0.0, t4[2], "a zero stays zero");
        // q^(1/T) normalised: the ratio of two entries is the ratio of q to the power 1/T
        assertEquals(Math.pow(0.999 / 0.001, 0.25), t4[1] / t4[0], 1e-3);
    }

    @Test void leaveOneOutPicksTheSmallestTemperatureThatNamesMostLabels() {
        // T = 1: row 0 left out, class 0's profile is row 1 (0.001 on cluster 0, 0.999 on 1) and
        // class 1's is (0, 0.001, 0.999): dot 0.0110 vs 0.0200, row 0 is called class 1.
        assertEquals(3, correctAt(1f));
        assertEquals(3, correctAt(2f));
        assertEquals(4, correctAt(3f), "flat enough: row 1's lean towards cluster 0 now outweighs the leak");
        assertEquals(3f, Tempering.chooseByLeaveOneOut(Q, K, ROWS, LABELS, 2));
    }

    private static int correctAt(float t) {
        double[] qt = new double[ROWS.length * K], row = new double[K];
        for (int i = 0; i < ROWS.length; i++) {
            Tempering.temper(Q, ROWS[i] * K, K, t, row);
            System.arraycopy(row, 0, qt, i * K, K);
        }
        return Tempering.leaveOneOutCorrect(qt, K, LABELS, 2);
    }

    @Test void tiesGoToTheStudysRule() {
        // every point already decoded right at T = 1: nothing to gain, T stays 1
        float[] q = {0.9f, 0.1f, 0.8f, 0.2f, 0.1f, 0.9f, 0.3f, 0.7f};
        assertEquals(1f, Tempering.chooseByLeaveOneOut(q, 2, new int[] {0, 1, 2, 3}, new int[] {0, 0, 1, 1}, 2));
    }

    @Test void temperedDecoderIsSoftDotOnTemperedRowsAndSurvivesASaveAndLoad(@TempDir Path dir) throws Exception {
        TemperedSoftDecoder d = new TemperedSoftDecoder();
        LabelMap m = d.fit(Q, K, ROWS, LABELS, 2);
        assertEquals(3f, m.temperature());
        assertEquals(1f, LabelMap.fit(Q, K, ROWS, LABELS, 2).temperature(), "the plain map is the study's");
        float[] x = {0.2f, 0.3f, 0.5f};
        double[] xt = new double[K], scores = d.scores(m, x, 0);
        Tempering.temper(x, 0, K, 3f, xt);
        for (int l = 0; l < 2; l++) {
            double dot = 0, mean = 0;
            for (int c = 0; c < K; c++) dot += m.temperedProfile(l, c) * xt[c];
            assertEquals(dot, scores[l], 1e-12);
            // m_T(ℓ) is the mean of the tempered rows of class ℓ
            double[] r0 = new double[K], r1 = new double[K];
            Tempering.temper(Q, ROWS[2 * l] * K, K, 3f, r0);
            Tempering.temper(Q, ROWS[2 * l + 1] * K, K, 3f, r1);
            assertEquals((r0[1] + r1[1]) / 2, m.temperedProfile(l, 1), 1e-6);
        }
        Path f = dir.resolve("t.labelmap");
        m.save(f);
        LabelMap r = LabelMap.load(f);
        assertEquals(m.temperature(), r.temperature());
        for (int l = 0; l < 2; l++) for (int c = 0; c < K; c++) assertEquals(m.temperedProfile(l, c), r.temperedProfile(l, c));
        assertArrayEquals(d.scores(m, x, 0), d.scores(r, x, 0));
    }
}
