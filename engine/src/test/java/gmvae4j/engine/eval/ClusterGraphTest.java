package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterGraphTest {

    @Test void discountedVisitsIsTheSeriesItStandsFor() {
        int k = 7;
        SplittableRandom rng = new SplittableRandom(3);
        double[][] p = new double[k][k];
        for (int i = 0; i < k; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) if (j != i) s += p[i][j] = rng.nextDouble();
            for (int j = 0; j < k; j++) p[i][j] /= s;
        }
        double a = 0.9;
        double[][] g = ClusterGraph.discountedVisits(p, a);
        // (1 − α) Σ_t α^t P^t, summed until the terms are negligible
        double[][] sum = new double[k][k], term = new double[k][k];
        for (int i = 0; i < k; i++) term[i][i] = 1 - a;
        for (int t = 0; t < 400; t++) {
            for (int i = 0; i < k; i++) for (int j = 0; j < k; j++) sum[i][j] += term[i][j];
            double[][] next = new double[k][k];
            for (int i = 0; i < k; i++) for (int m = 0; m < k; m++) for (int j = 0; j < k; j++) next[i][j] += a * term[i][m] * p[m][j];
            term = next;
        }
        for (int i = 0; i < k; i++) {
            double row = 0;
            for (int j = 0; j < k; j++) {
                assertEquals(sum[i][j], g[i][j], 1e-9);
                row += g[i][j];
            }
            assertEquals(1.0, row, 1e-9, "a random walk's discounted visits sum to 1");
        }
    }

    // 4 clusters in two groups the unlabeled images link: {0, 1} (class 1) and {2, 3} (class 0).
    // Rows 0..5 are unlabeled images lying between clusters of one group.
    static final float[] Q = {
            0.60f, 0.40f, 0.00f, 0.00f,
            0.30f, 0.70f, 0.00f, 0.00f,
            0.50f, 0.50f, 0.00f, 0.00f,
            0.00f, 0.00f, 0.55f, 0.45f,
            0.00f, 0.00f, 0.35f, 0.65f,
            0.00f, 0.00f, 0.50f, 0.50f,
            1.00f, 0.00f, 0.00f, 0.00f,   // row 6: labeled class 1, cluster 0
            0.00f, 0.00f, 0.00f, 1.00f,   // row 7: labeled class 0, cluster 3
            0.00f, 0.95f, 0.05f, 0.00f,   // row 8: to decode, cluster 1 (no label), a little of cluster 2
    };

    @Test void propagationNamesAClusterNoLabelReached() {
        ClusterGraph g = ClusterGraph.of(Q, 8, 4);
        assertEquals(0.0, g.weight(1, 2), 1e-12, "no image links the two groups");
        assertTrue(g.weight(1, 0) > 0.4, "cluster 1 reaches cluster 0");
        int[] rows = {6, 7}, labels = {1, 0};
        LabelMap plain = LabelMap.fit(Q, 4, rows, labels, 2);
        // soft-dot: row 8 puts no mass on a labeled cluster, both scores are 0 and the tie says class 0
        assertArrayEquals(new double[] {0, 0}, new SoftDecoder(Similarity.DOT).scores(plain, Q, 8 * 4));
        PropagatedSoftDecoder prop = new PropagatedSoftDecoder(g);
        LabelMap map = prop.fit(Q, 4, rows, labels, 2);
        assertEquals(1, prop.predict(map, Q, 8 * 4), "cluster 1 inherits class 1 from its neighbour");
        // F = G·m, row by row
        for (int l = 0; l < 2; l++)
            for (int c = 0; c < 4; c++) {
                double f = 0;
                for (int c2 = 0; c2 < 4; c2++) f += g.weight(c, c2) * plain.profile(l, c2);
                assertEquals(f, map.propagatedProfile(l, c), 1e-6);
            }
    }

    @Test void propagatedProfilesSurviveASaveAndLoad(@TempDir Path dir) throws Exception {
        LabelMap map = new PropagatedSoftDecoder(ClusterGraph.of(Q, 8, 4)).fit(Q, 4, new int[] {6, 7}, new int[] {1, 0}, 2);
        Path f = dir.resolve("p.labelmap");
        map.save(f);
        LabelMap r = LabelMap.load(f);
        for (int l = 0; l < 2; l++) for (int c = 0; c < 4; c++) assertEquals(map.propagatedProfile(l, c), r.propagatedProfile(l, c));
        PropagatedSoftDecoder saved = (PropagatedSoftDecoder) Decoder.byName("soft-prop");
        assertEquals(1, saved.predict(r, Q, 8 * 4), "a saved map decodes without the graph");
        assertThrows(IllegalStateException.class, () -> saved.fit(Q, 4, new int[] {6}, new int[] {0}, 2));
    }

    @Test void badShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClusterGraph.of(new float[7], 2, 4));
        assertThrows(IllegalArgumentException.class, () -> ClusterGraph.of(new float[8], 3, 4));
    }
}
