package gmvae4j.engine.eval.baseline;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.eval.Sweep;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    /** Three classes of 8×8 "images": a bright block in one of three places, plus noise. */
    static byte[] pixels;
    static int[] truth;
    static final int DIM = 64;

    static {
        int n = 600;
        SplittableRandom r = new SplittableRandom(11);
        pixels = new byte[n * DIM];
        truth = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            truth[i] = c;
            for (int j = 0; j < DIM; j++) {
                int row = j / 8;
                double v = r.nextDouble() * 90 + (row / 3 == c ? 120 : 0);
                pixels[i * DIM + j] = (byte) Math.min(255, (int) v);
            }
        }
    }

    static double sweepAccuracy(PixelMethod m, double fraction) throws Exception {
        Sweep.Result res = Sweep.run(Sweep.Protocol.TRANSDUCTIVE, truth, truth.length, new double[] {fraction}, 2, List.of(m), null);
        return res.methods().get(0).stats()[0].mean();
    }

    @Test void logisticRegressionLearnsASeparableProblem() throws Exception {
        assertTrue(sweepAccuracy(new PixelMethod(LogisticRegression::new, pixels, DIM, 3, 10_000, true), 0.05) > 0.95);
    }

    @Test void mlpLearnsWithAndWithoutEarlyStopping() throws Exception {
        assertTrue(sweepAccuracy(new PixelMethod(MlpClassifier::new, pixels, DIM, 3, 10_000, true), 0.05) > 0.9); // n=30: no hold-out
        assertTrue(sweepAccuracy(new PixelMethod(MlpClassifier::new, pixels, DIM, 3, 10_000, true), 0.2) > 0.95); // n=120: early stopping
    }

    @Test void protocolHiddenSizes() {
        assertArrayEquals(new int[] {64}, MlpClassifier.hidden(99));
        assertArrayEquals(new int[] {128}, MlpClassifier.hidden(100));
        assertArrayEquals(new int[] {256, 128}, MlpClassifier.hidden(500));
    }

    @Test void lbfgsMinimisesAQuadratic() {
        // f = Σ (i+1)(x_i − i)²
        float[] x = new float[5];
        double f = Lbfgs.minimize((v, g) -> {
            double s = 0;
            for (int i = 0; i < v.length; i++) { s += (i + 1) * (v[i] - i) * (v[i] - i); g[i] = 2 * (i + 1) * (v[i] - i); }
            return s;
        }, x, 100, 5, 1e-6);
        assertEquals(0, f, 1e-8);
        for (int i = 0; i < 5; i++) assertEquals(i, x[i], 1e-3);
    }

    @Test void standardizerUsesUnitScaleForConstantPixels() {
        byte[] px = {0, 10, 0, 20, 0, 30};
        Standardizer s = Standardizer.fit(px, 2, new int[] {0, 1, 2});
        float[] z = s.transform(px, 2, new int[] {0, 1, 2}, 0, 3);
        assertEquals(0f, z[0]);
        assertEquals(0f, z[3], 1e-6); // middle of 10,20,30
        assertEquals(-Math.sqrt(1.5), z[1], 1e-4);
    }

    @Test void capSkips() {
        PixelMethod m = new PixelMethod(LogisticRegression::new, pixels, DIM, 3, 10, true);
        assertNull(m.skipReason(10));
        assertNotNull(m.skipReason(11));
    }
}
