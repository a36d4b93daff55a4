package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class KMeansTest {

    @Test
    void recoversWellSeparatedBlobs() {
        Blobs b = new Blobs(200, 3, 5, 1);
        KMeans.Result r = KMeans.fit(b.x, b.n, b.d, 5, 50, 7);
        Purity p = Purity.of(r.assign(), b.label, 5, 5);
        assertEquals(1.0, p.purity(), 1e-12);
        assertEquals(5, p.nonEmpty());
        // each centre lies close to its blob's true centre
        for (int c = 0; c < 5; c++) {
            int cl = r.assign()[c]; // point c belongs to blob c
            assertEquals(10.0 * c, r.centers()[cl * 3], 0.5);
        }
    }

    /** Several starts keep the tightest one; one start is plain fit. Overlapping blobs, so starts end apart. */
    @Test
    void fitBestKeepsTheTightestStart() {
        Blobs b = new Blobs(300, 2, 6, 3);
        for (int i = 0; i < b.x.length; i++) b.x[i] *= 0.15f;          // blobs that overlap: several local optima
        double min = Double.POSITIVE_INFINITY, first = 0;
        java.util.Set<Double> seen = new java.util.HashSet<>();
        for (int r = 0; r < 6; r++) {
            double in = KMeans.fit(b.x, b.n, b.d, 9, 30, 40 + r).inertia();
            if (r == 0) first = in;
            min = Math.min(min, in);
            seen.add(in);
        }
        assertTrue(seen.size() > 1, "the starts should end in different optima, or the test shows nothing");
        assertEquals(min, KMeans.fitBest(b.x, b.n, b.d, 9, 30, 40, 6).inertia(), 0.0);
        assertEquals(first, KMeans.fitBest(b.x, b.n, b.d, 9, 30, 40, 1).inertia(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> KMeans.fitBest(b.x, b.n, b.d, 9, 30, 40, 0));
    }

    @Test
    void sameSeedSameResult() {
        Blobs b = new Blobs(100, 4, 6, 2);
        KMeans.Result r1 = KMeans.fit(b.x, b.n, b.d, 8, 20, 3);
        KMeans.Result r2 = KMeans.fit(b.x, b.n, b.d, 8, 20, 3);
        assertArrayEquals(r1.centers(), r2.centers());
        assertArrayEquals(r1.assign(), r2.assign());
    }

    @Test
    void everyClusterIsUsedEvenWithDuplicatePoints() {
        // 30 points but only 3 distinct locations; k = 5 must still give 5 non-empty clusters
        float[] x = new float[30];
        for (int i = 0; i < 30; i++) x[i] = i < 10 ? 0 : i < 20 ? 5 : 9;
        x[0] = 0.1f; x[11] = 5.1f;
        KMeans.Result r = KMeans.fit(x, 30, 1, 5, 20, 1);
        assertEquals(5, Purity.nonEmpty(r.assign(), 5));
    }

    @Test
    void rejectsFewerPointsThanClusters() {
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(new float[4], 2, 2, 3, 10, 1));
    }
}
