package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DecisionsTest {
    @Test void labelIsTheSoftDotDecisionAndMarginTheGapBetweenTheTwoBestShares() {
        // 3 clusters; class 0 labeled in cluster 0, class 1 in cluster 1.
        float[] q = {
                1f, 0f, 0f,      // labeled, class 0
                0f, 1f, 0f,      // labeled, class 1
                .6f, .4f, 0f,    // leans to class 0: shares .6/.4, margin .2
                .5f, .5f, 0f,    // a tie: margin 0
                0f, 0f, 1f};     // no mass on a labeled cluster: no opinion, score 0
        LabelMap map = LabelMap.fit(q, 3, new int[] {0, 1}, new int[] {0, 1}, 2);
        Decisions d = Decisions.of(new SoftDecoder(Similarity.DOT), map, q, 5);
        assertArrayEquals(new int[] {0, 1, 0, 0, 0}, d.label());
        assertEquals(0.6f, d.score()[2], 1e-6);
        assertEquals(0.2f, d.margin()[2], 1e-6);
        assertEquals(0f, d.margin()[3], 1e-6);
        assertEquals(1f, d.margin()[0], 1e-6);
        assertEquals(0f, d.score()[4]);
        for (int i = 0; i < 5; i++) assertEquals(new SoftDecoder(Similarity.DOT).predict(map, q, i * 3), d.label()[i]);
    }

    @Test void theSparseSoftDotEqualsTheGenericOne() {
        java.util.Random r = new java.util.Random(4);
        int rows = 300, k = 13, nc = 4;
        float[] q = LeaveOneOutTest.randomPosteriors(r, rows, k);
        for (int i = 0; i < q.length; i++) if (r.nextInt(3) == 0) q[i] = 0;   // sparse rows, as a trained model's are
        int[] idx = new int[40], lab = new int[40];
        for (int i = 0; i < 40; i++) { idx[i] = i * 7; lab[i] = i % 3; }      // class 3 has no label
        LabelMap map = LabelMap.fit(q, k, idx, lab, nc);
        Decisions a = Decisions.of(new SoftDecoder(Similarity.DOT), map, q, rows), b = Decisions.softDot(map, q, rows);
        assertArrayEquals(a.label(), b.label());
        assertArrayEquals(a.score(), b.score(), 1e-5f);
        assertArrayEquals(a.margin(), b.margin(), 1e-5f);
        for (int l : b.label()) assertNotEquals(3, l);
    }

    @Test void uncertainQueriesTakeTheSmallestMarginsAtMostOnePerComponent() {
        float[] margin = {.5f, .1f, .2f, .05f, .3f, .01f};
        int[] comp = {0, 1, 1, 2, 0, 2};
        boolean[] excluded = {false, false, false, false, false, true};
        assertArrayEquals(new int[] {3, 1, 4}, UncertainQueries.next(margin, comp, excluded, 5));
        assertArrayEquals(new int[] {3, 1}, UncertainQueries.next(margin, comp, excluded, 2));
        assertThrows(IllegalArgumentException.class, () -> UncertainQueries.next(margin, comp, excluded, 0));
    }

    /**
     * One cluster: a crowd at 0, .01, .02, .03 and three loners at 10, 12, 14 (1-d latent). σ = the
     * distance to the second neighbour: .02, .01, .01, .02 in the crowd, 4, 2, 4 for the loners;
     * median .02. The crowd's image 2 is less doubtful (margin .6) than loner 5 (margin .1), but
     * its key −(1 − .6)·.02/.01 = −.8 comes before the loner's −(1 − .1)·.02/2 = −.009.
     */
    @Test void densityWeightingAsksADoubtfulImageInACrowdBeforeADoubtfulLoner() {
        float[] z = {0, .01f, .02f, .03f, 10, 12, 14};
        float[] q = {1, 1, 1, 1, 1, 1, 1};
        LatentNeighbours g = LatentNeighbours.build(z, 7, 1, q, 1, 2);
        float[] margin = {1, 1, .6f, 1, 1, .1f, 1};
        int[] comp = new int[7];
        float[] key = UncertainQueries.densityWeighted(margin, comp, g, 1);
        assertEquals(-0.8f, key[2], 1e-3f);
        assertEquals(-0.009f, key[5], 1e-5f);
        assertEquals(0f, key[0], 1e-6f);
        boolean[] none = new boolean[7];
        assertArrayEquals(new int[] {2}, UncertainQueries.next(key, comp, none, 3));
        assertArrayEquals(new int[] {5}, UncertainQueries.next(margin, comp, none, 3), "by margin alone the loner comes first");
        assertThrows(IllegalArgumentException.class, () -> UncertainQueries.densityWeighted(margin, comp, g, 2));
    }

    /** softDotScores over many rows (split over the kernels' threads) equals the sum written out row by row. */
    @Test void softDotScoresOfManyRowsEqualTheSumRowByRow() {
        java.util.Random r = new java.util.Random(4);
        int n = 3001, k = 9, nc = 4;
        float[] q = LeaveOneOutTest.randomPosteriors(r, n, k);
        for (int i = 0; i < n; i += 7) q[i * k + 2] = 0f;   // some entries skipped as ≈ 0
        int[] idx = new int[50], lab = new int[50];
        for (int j = 0; j < idx.length; j++) { idx[j] = j * 60; lab[j] = j % nc; }
        LabelMap map = LabelMap.fit(q, k, idx, lab, nc);
        double[] s = Decisions.softDotScores(map, q, n);
        for (int i = 0; i < n; i++)
            for (int l = 0; l < nc; l++) {
                double want = 0;
                for (int c = 0; c < k; c++) if (q[i * k + c] > 1e-7f) want += q[i * k + c] * map.profile(l, c);
                assertEquals(want, s[i * nc + l], 0.0, "row " + i + " class " + l);
            }
    }
}
