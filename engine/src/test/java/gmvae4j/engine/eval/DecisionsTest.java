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
}
