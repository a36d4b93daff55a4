package gmvae4j.cli.baseline;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Fits run on one thread, side by side (see {@link XgboostClassifier#oneCore}), which is only
 * allowed if the baseline stays the same baseline: one thread and two grow the same trees, so
 * every prediction is the same.
 */
class XgboostThreadsTest {

    @Test void oneThreadAndTwoPredictTheSame() throws Exception {
        assertNull(XgboostClassifier.unavailableReason(), "XGBoost4J must load here (CI installs it with the build)");
        int n = 150, dim = 40, classes = 4, m = 600;
        SplittableRandom r = new SplittableRandom(7);
        float[] centres = new float[classes * dim];
        for (int i = 0; i < centres.length; i++) centres[i] = (float) r.nextDouble();
        float[] x = new float[n * dim], test = new float[m * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int j = 0; j < dim; j++) x[i * dim + j] = centres[y[i] * dim + j] + (float) (0.6 * r.nextGaussian());
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < dim; j++) test[i * dim + j] = centres[(i % classes) * dim + j] + (float) (0.6 * r.nextGaussian());
        int[][] predictions = new int[2][];
        for (int t = 1; t <= 2; t++) {
            XgboostClassifier c = new XgboostClassifier();
            try {
                c.fit(x, n, dim, y, classes, 3, t);
                predictions[t - 1] = c.predict(test, m);
            } finally {
                c.close();
            }
        }
        assertArrayEquals(predictions[0], predictions[1]);
        int right = 0;
        for (int i = 0; i < m; i++) if (predictions[0][i] == i % classes) right++;
        assertTrue(right > m / 2, "the fit learned something: " + right + " of " + m);
        assertTrue(new XgboostClassifier().oneCore(100_000));
    }
}
