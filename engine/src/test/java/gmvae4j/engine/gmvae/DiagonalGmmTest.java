package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DiagonalGmmTest {

    @Test
    void emNeverDecreasesLogLikelihoodAndFindsTheBlobs() {
        Blobs b = new Blobs(300, 2, 4, 5);
        // a deliberately poor start: k-means with a single Lloyd iteration
        KMeans.Result init = KMeans.fit(b.x, b.n, b.d, 4, 1, 11);
        DiagonalGmm.Fit fit = DiagonalGmm.fit(b.x, b.n, b.d, init, 10, 1e-3f);
        double[] ll = fit.logLikelihood();
        assertEquals(11, ll.length);
        for (int i = 1; i < ll.length; i++) assertTrue(ll[i] >= ll[i - 1] - 1e-9, "step " + i + ": " + ll[i - 1] + " -> " + ll[i]);
        int[] assign = new int[b.n];
        for (int i = 0; i < b.n; i++) assign[i] = fit.assign(b.x, i * b.d);
        assertEquals(1.0, Purity.of(assign, b.label, 4, 4).purity(), 1e-12);
        // blob c has standard deviation 0.5 + 0.2c: the fitted variances should match
        for (int i = 0; i < 4; i++) {
            int c = assign[i];
            double sd = 0.5 + 0.2 * i;
            assertEquals(sd * sd, fit.variances()[c * 2], 0.25 * sd * sd);
            assertEquals(0.25, fit.weights()[c], 0.02);
        }
    }

    @Test
    void varianceFloorHolds() {
        // one cluster is a single repeated point: without a floor its variance would be 0
        float[] x = new float[40];
        for (int i = 0; i < 20; i++) x[i] = 3f;
        for (int i = 20; i < 40; i++) x[i] = (float) (i - 30);
        KMeans.Result init = KMeans.fit(x, 40, 1, 2, 20, 1);
        DiagonalGmm.Fit fit = DiagonalGmm.fit(x, 40, 1, init, 5, 0.01f);
        for (float v : fit.variances()) assertTrue(v >= 0.01f, "variance " + v);
        for (double l : fit.logLikelihood()) assertTrue(Double.isFinite(l));
    }
}
