package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DecodersTest {

    // 3 clusters, 3 classes. Labeled rows 0..3; rows 4.. are to be decoded.
    static final int K = 3;
    static final float[] Q = {
            0.9f, 0.1f, 0.0f,   // row 0: cluster 0, labeled class 2
            0.8f, 0.2f, 0.0f,   // row 1: cluster 0, labeled class 2
            0.7f, 0.3f, 0.0f,   // row 2: cluster 0, labeled class 1 (minority)
            0.1f, 0.9f, 0.0f,   // row 3: cluster 1, labeled class 1
            0.6f, 0.2f, 0.2f,   // row 4: cluster 0
            0.1f, 0.7f, 0.2f,   // row 5: cluster 1
            0.1f, 0.4f, 0.5f,   // row 6: cluster 2: no labeled point
    };
    static final int[] LABELED = {0, 1, 2, 3};
    static final int[] LABELS = {2, 2, 1, 1};

    static LabelMap map() { return LabelMap.fit(Q, K, LABELED, LABELS, 3); }

    @Test void labelMapCountsMajoritiesAndProfiles() {
        LabelMap m = map();
        assertEquals(2, m.hardLabel(0));
        assertEquals(1, m.hardLabel(1));
        assertEquals(LabelMap.NONE, m.hardLabel(2));
        assertEquals(2, m.count(0, 2));
        assertEquals(1, m.count(0, 1));
        assertEquals(2, m.reachedClusters());
        // m(2) = mean of rows 0,1 = (0.85, 0.15, 0); m(1) = mean of rows 2,3 = (0.4, 0.6, 0)
        assertEquals(0.85f, m.profile(2, 0), 1e-6);
        assertEquals(0.6f, m.profile(1, 1), 1e-6);
        assertEquals(0f, m.profile(0, 0)); // class 0 has no labels
        assertEquals(0, m.classCount(0));
    }

    @Test void hardUsesMajorityAndStudyRuleForUnreachedClusters() {
        int[] p = new HardDecoder().predict(map(), Q, new int[] {4, 5, 6});
        assertArrayEquals(new int[] {2, 1, HardDecoder.UNREACHED_CLASS}, p);
    }

    @Test void fallbackDecodesUnreachedClustersSoftly() {
        LabelMap m = map();
        int[] p = new HardFallbackDecoder().predict(m, Q, new int[] {4, 5, 6});
        // row 6: dot with m(2) = 0.1*0.85+0.4*0.15 = 0.145, with m(1) = 0.1*0.4+0.4*0.6 = 0.28 -> class 1
        assertArrayEquals(new int[] {2, 1, 1}, p);
        assertEquals(1, new SoftDecoder(Similarity.DOT).predict(m, Q, 6 * K));
    }

    /**
     * Regression (issue 12 section 6): the fallback falling back to cosine instead of dot passed
     * every test. Here the two disagree on an image of an unreached cluster: class 0 sits in one
     * cluster, class 1 is spread, so cosine favours the spread class and dot the concentrated one.
     */
    @Test void fallbackIsTheDotProductNotTheCosine() {
        float[] q = {
                1.0f, 0.0f, 0.0f, 0.0f,      // labeled class 0
                0.0f, 0.5f, 0.45f, 0.05f,    // labeled class 1
                0.35f, 0.0f, 0.6f, 0.05f};   // argmax cluster 2: no labeled point there
        LabelMap m = LabelMap.fit(q, 4, new int[] {0, 1}, new int[] {0, 1}, 2);
        assertEquals(LabelMap.NONE, m.hardLabel(2));
        int dot = new SoftDecoder(Similarity.DOT).predict(m, q, 8), cosine = new SoftDecoder(Similarity.COSINE).predict(m, q, 8);
        assertEquals(0, dot);      // 0.35 against 0.2725
        assertEquals(1, cosine);   // 0.35 against 0.2725 / 0.6745 = 0.404 (both over |q|)
        assertEquals(dot, new HardFallbackDecoder().predict(m, q, 8));
    }

    /**
     * Regression (issue 12 section 6): n = round(f·N), not truncated. The study's 0.05% of EMNIST
     * Letters' 145,600 images is 72.8, which is its "73 labels".
     */
    @Test void labelDrawSizeRoundsToTheNearest() {
        assertEquals(73, LabelDraw.size(0.0005, 145_600));
        assertEquals(3, LabelDraw.size(0.25, 10));     // 2.5 rounds up
        assertEquals(2, LabelDraw.size(0.24, 10));     // 2.4 rounds down
        assertEquals(73, LabelDraw.draw(0.0005, 145_600, 1).length);
    }

    @Test void softNeverPredictsClassesWithoutLabels() {
        double[] s = new SoftDecoder(Similarity.DOT).scores(map(), Q, 4 * K);
        assertEquals(Double.NEGATIVE_INFINITY, s[0]);
        assertEquals(0.6 * 0.85 + 0.2 * 0.15, s[2], 1e-6);
    }

    @Test void dotAndCosineDifferWhenProfilesDifferInConcentration() {
        // class 0 sits entirely in cluster 0, class 1 is spread over clusters 1 and 2
        float[] q = {
                1f, 0f, 0f,
                0f, .5f, .5f,
                .4f, .3f, .3f};
        LabelMap m = LabelMap.fit(q, 3, new int[] {0, 1}, new int[] {0, 1}, 2);
        // dot: 0.4 vs 0.3 -> class 0; cosine: 0.686 vs 0.728 -> class 1
        assertEquals(0, new SoftDecoder(Similarity.DOT).predict(m, q, 6));
        assertEquals(1, new SoftDecoder(Similarity.COSINE).predict(m, q, 6));
        double[] cos = new SoftDecoder(Similarity.COSINE).scores(m, q, 6);
        double qn = Math.sqrt(.16 + .09 + .09);
        assertEquals(0.4 / qn, cos[0], 1e-6);
        assertEquals(0.3 / (Math.sqrt(.5) * qn), cos[1], 1e-6);
    }

    @Test void decodersAreFoundByName() {
        for (Decoder d : Decoder.all()) assertEquals(d.name(), Decoder.byName(d.name()).name());
        assertThrows(IllegalArgumentException.class, () -> Decoder.byName("nope"));
    }

    @Test void badLabelsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LabelMap.fit(Q, K, new int[] {0}, new int[] {3}, 3));
        assertThrows(IllegalArgumentException.class, () -> LabelMap.fit(Q, K, new int[] {0, 1}, new int[] {1}, 3));
    }

    /** Many rows at once (split over the kernels' threads) give what each row gives alone, for every decoder. */
    @Test void decodingManyRowsEqualsOneRowAtATime() {
        java.util.Random r = new java.util.Random(9);
        int n = 5003, k = 12, nc = 5;
        float[] q = LeaveOneOutTest.randomPosteriors(r, n, k);
        int[] labeled = new int[60], labels = new int[60];
        for (int j = 0; j < labeled.length; j++) { labeled[j] = j * 80; labels[j] = r.nextInt(nc); }
        int[] rows = new int[n - 7];
        for (int i = 0; i < rows.length; i++) rows[i] = (i * 31 + 7) % n;   // not in order
        for (Decoder d : Decoder.all(ClusterGraph.of(q, n, k))) {
            LabelMap map = d.fit(q, k, labeled, labels, nc);
            int[] many = d.predict(map, q, rows);
            int differ = 0;
            for (int i = 0; i < rows.length; i++) {
                assertEquals(d.predict(map, q, rows[i] * k), many[i], d.name() + " row " + rows[i]);
                if (many[i] != many[0]) differ++;
            }
            assertTrue(differ > 0, d.name() + " decodes more than one class here");
        }
    }
}
