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
    // Rows 0..5 are unlabeled images lying between clusters of one group; rows 6..9 are labeled,
    // one in each cluster, so that leaving one out shows whether its neighbour names it.
    static final float[] Q = {
            0.60f, 0.40f, 0.00f, 0.00f,
            0.30f, 0.70f, 0.00f, 0.00f,
            0.50f, 0.50f, 0.00f, 0.00f,
            0.00f, 0.00f, 0.55f, 0.45f,
            0.00f, 0.00f, 0.35f, 0.65f,
            0.00f, 0.00f, 0.50f, 0.50f,
            1.00f, 0.00f, 0.00f, 0.00f,   // row 6: labeled class 1, cluster 0
            0.00f, 0.00f, 0.00f, 1.00f,   // row 7: labeled class 0, cluster 3
            0.00f, 1.00f, 0.00f, 0.00f,   // row 8: labeled class 1, cluster 1
            0.00f, 0.00f, 1.00f, 0.00f,   // row 9: labeled class 0, cluster 2
            0.00f, 0.95f, 0.05f, 0.00f,   // row 10: to decode, cluster 1, a little of cluster 2
    };
    static final int[] ROWS = {6, 7, 8, 9}, LABELS = {1, 0, 1, 0};

    @Test void propagationNamesAClusterNoLabelReached() {
        ClusterGraph g = ClusterGraph.of(Q, 10, 4);
        for (double a : ClusterGraph.ALPHAS) assertEquals(0.0, g.weight(a, 1, 2), 1e-12, "no image links the two groups");
        assertTrue(g.weight(0.9, 1, 0) > 0.4, "cluster 1 reaches cluster 0");
        assertEquals(1.0, g.weight(0, 1, 1), 1e-12, "α = 0 propagates nothing");
        // only rows 6 and 7 labeled: soft-dot sees no mass of row 10 on a labeled cluster, the tie says class 0
        int[] rows = {6, 7}, labels = {1, 0};
        LabelMap plain = LabelMap.fit(Q, 4, rows, labels, 2);
        assertArrayEquals(new double[] {0, 0}, new SoftDecoder(Similarity.DOT).scores(plain, Q, 10 * 4));
        LabelMap map = plain.withPropagation(g, 0.9);
        assertEquals(1, new PropagatedSoftDecoder(g).predict(map, Q, 10 * 4), "cluster 1 inherits class 1 from its neighbour");
        // F = G·m row by row for the clusters no label reached (1 and 2); the labeled ones (0 and 3) keep m
        for (int l = 0; l < 2; l++)
            for (int c = 0; c < 4; c++) {
                double f = 0;
                for (int c2 = 0; c2 < 4; c2++) f += g.weight(0.9, c, c2) * plain.profile(l, c2);
                assertEquals(c == 0 || c == 3 ? plain.profile(l, c) : f, map.propagatedProfile(l, c), 1e-6, "F(" + l + ")_" + c);
            }
    }

    @Test void leaveOneOutPropagatesWhenALeftOutLabelNeedsItsNeighbour() {
        ClusterGraph g = ClusterGraph.of(Q, 10, 4);
        // α = 0: each left-out label sits alone in its cluster, both scores are 0 and the tie says
        // class 0, right for rows 7 and 9 only; any α > 0 lets the neighbouring cluster name it
        assertEquals(2, PropagationStrength.leaveOneOutCorrect(g, 0, Q, 4, ROWS, LABELS, 2));
        assertEquals(4, PropagationStrength.leaveOneOutCorrect(g, 0.5, Q, 4, ROWS, LABELS, 2));
        assertEquals(0.5, PropagationStrength.chooseByLeaveOneOut(g, Q, 4, ROWS, LABELS, 2), "the smallest α that names the most");
        LabelMap map = new PropagatedSoftDecoder(g).fit(Q, 4, ROWS, LABELS, 2);
        assertEquals(0.5f, map.propagationStrength());
    }

    // cluster 2 (class 0) shares its unlabeled images with cluster 1 (class 1) only, the way a glyph
    // cluster can border another letter.
    static final float[] BORDER = {
            0.5f, 0.5f, 0f,  0.5f, 0.5f, 0f,  0.5f, 0.5f, 0f,
            0f, 0.5f, 0.5f,  0f, 0.5f, 0.5f,  0f, 0.5f, 0.5f,
            1f, 0f, 0f,  1f, 0f, 0f,     // rows 6, 7: class 0, cluster 0
            0f, 0f, 1f,  0f, 0f, 1f,     // rows 8, 9: class 0, cluster 2
            0f, 1f, 0f,  0f, 1f, 0f,     // rows 10, 11: class 1, cluster 1
            0f, 0.2f, 0.8f,              // row 12: to decode, cluster 2
    };

    @Test void aClusterWithItsOwnLabelsIsNotBlurredByItsNeighbours() {
        ClusterGraph g = ClusterGraph.of(BORDER, 12, 3);
        int[] rows = {6, 7, 8, 9, 10, 11}, labels = {0, 0, 0, 0, 1, 1};
        for (double a : ClusterGraph.ALPHAS) {
            assertEquals(6, PropagationStrength.leaveOneOutCorrect(g, a, BORDER, 3, rows, labels, 2), "α = " + a);
            LabelMap m = LabelMap.fit(BORDER, 3, rows, labels, 2).withPropagation(g, a);
            assertEquals(0, new PropagatedSoftDecoder(g).predict(m, BORDER, 12 * 3), "cluster 2 keeps its own labels' class");
        }
        assertEquals(0.0, PropagationStrength.chooseByLeaveOneOut(g, BORDER, 3, rows, labels, 2), "all tie: α = 0, soft-dot");
    }

    @Test void propagationThatNamesAnUnreachedClusterWrongIsNotChosen() {
        // one label in cluster 2: left out, only propagation can name it, and its neighbour says class 1
        ClusterGraph g = ClusterGraph.of(BORDER, 12, 3);
        int[] rows = {6, 7, 8, 10, 11}, labels = {0, 0, 0, 1, 1};
        // α = 0: row 8 left out puts no mass on a reached cluster, the tie says class 0 (right, by luck)
        assertEquals(5, PropagationStrength.leaveOneOutCorrect(g, 0, BORDER, 3, rows, labels, 2));
        assertEquals(4, PropagationStrength.leaveOneOutCorrect(g, 0.9, BORDER, 3, rows, labels, 2), "cluster 1 names it class 1");
        assertEquals(0.0, PropagationStrength.chooseByLeaveOneOut(g, BORDER, 3, rows, labels, 2));
    }

    @Test void leaveOneOutCountsWhatRefittingWithoutEachPointDecodes() {
        // the closed form (H = G·S, minus the point's own vote) against refitting the map n times
        SplittableRandom rng = new SplittableRandom(11);
        int k = 9, nc = 4, rows = 60;
        float[] q = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            int top = rng.nextInt(k);
            for (int c = 0; c < k; c++) s += q[i * k + c] = (float) (0.01 + rng.nextDouble() * (c == top ? 6 : 1));
            for (int c = 0; c < k; c++) q[i * k + c] /= (float) s;
        }
        int[] idx = new int[25], lab = new int[25];
        for (int i = 0; i < idx.length; i++) { idx[i] = 2 * i; lab[i] = rng.nextInt(nc); }
        ClusterGraph g = ClusterGraph.of(q, rows, k);
        PropagatedSoftDecoder d = new PropagatedSoftDecoder(g);
        for (double a : ClusterGraph.ALPHAS) {
            int brute = 0;
            for (int i = 0; i < idx.length; i++) {
                int[] oi = new int[idx.length - 1], ol = new int[idx.length - 1];
                for (int j = 0, t = 0; j < idx.length; j++) if (j != i) { oi[t] = idx[j]; ol[t++] = lab[j]; }
                LabelMap m = LabelMap.fit(q, k, oi, ol, nc).withPropagation(g, a);
                if (d.predict(m, q, idx[i] * k) == lab[i]) brute++;
            }
            assertEquals(brute, PropagationStrength.leaveOneOutCorrect(g, a, q, k, idx, lab, nc), "α = " + a);
        }
    }

    @Test void propagatedProfilesAndStrengthSurviveASaveAndLoad(@TempDir Path dir) throws Exception {
        LabelMap map = new PropagatedSoftDecoder(ClusterGraph.of(Q, 10, 4)).fit(Q, 4, ROWS, LABELS, 2);
        Path f = dir.resolve("p.labelmap");
        map.save(f);
        LabelMap r = LabelMap.load(f);
        for (int l = 0; l < 2; l++) for (int c = 0; c < 4; c++) assertEquals(map.propagatedProfile(l, c), r.propagatedProfile(l, c));
        assertEquals(map.propagationStrength(), r.propagationStrength());
        PropagatedSoftDecoder saved = (PropagatedSoftDecoder) Decoder.byName("soft-prop");
        assertEquals(1, saved.predict(r, Q, 10 * 4), "a saved map decodes without the graph");
        assertThrows(IllegalStateException.class, () -> saved.fit(Q, 4, new int[] {6}, new int[] {0}, 2));
    }

    @Test void badShapesAndUnknownStrengthsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClusterGraph.of(Q, 10, 4).weight(0.42, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> ClusterGraph.of(new float[7], 2, 4));
        assertThrows(IllegalArgumentException.class, () -> ClusterGraph.of(new float[8], 3, 4));
    }
}
