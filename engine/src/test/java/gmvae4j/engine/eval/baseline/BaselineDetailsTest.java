package gmvae4j.engine.eval.baseline;

import static org.junit.jupiter.api.Assertions.*;

import gmvae4j.engine.Tape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The baselines' exact behaviour on problems small enough to solve by hand or in doubles. */
class BaselineDetailsTest {

    /**
     * One feature, two classes, not separable: x = (−1, 0, 1, 2, 3), y = (0, 1, 0, 1, 1). Softmax regression
     * with two classes depends only on v = w₁ − w₀ and c = b₁ − b₀, and the penalty ‖W‖²/(2n) is smallest
     * at w₀ = −w₁ = −v/2, where it is v²/(4n). So the fit is the binary logistic regression
     * <pre>  min (1/n) Σ log(1 + exp(−s_i (v x_i + c))) + v²/(4n),   s_i = ±1</pre>
     * solved here by Newton's method in doubles; the decision boundary is x* = −c/v (≈ 0.332; 0.429 without
     * the penalty, 0.237 with it doubled).
     */
    static final float[] X = {-1, 0, 1, 2, 3};
    static final int[] Y = {0, 1, 0, 1, 1};

    static double newtonBoundary() {
        int n = X.length;
        double pen = 1.0 / (2 * n), v = 0, c = 0;
        for (int it = 0; it < 50; it++) {
            double gv = pen * v, gc = 0, hvv = pen, hvc = 0, hcc = 0;
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(-(v * X[i] + c))), r = p - Y[i], w = p * (1 - p) / n;
                gv += r * X[i] / n;
                gc += r / n;
                hvv += w * X[i] * X[i];
                hvc += w * X[i];
                hcc += w;
            }
            double det = hvv * hcc - hvc * hvc;
            v -= (hcc * gv - hvc * gc) / det;
            c -= (hvv * gc - hvc * gv) / det;
        }
        return -c / v;
    }

    @Test void logisticRegressionBoundaryMatchesTheNewtonSolution() {
        double want = newtonBoundary();
        assertEquals(0.3323, want, 1e-3); // the reference itself, against the hand-run value above
        LogisticRegression lr = new LogisticRegression();
        lr.fit(X, X.length, 1, Y, 2, 7);
        // scan a grid for the first point called class 1
        int m = 3001;
        float[] grid = new float[m];
        for (int i = 0; i < m; i++) grid[i] = -1 + i * 0.001f;
        int[] pred = lr.predict(grid, m);
        int first = 0;
        while (first < m && pred[first] == 0) first++;
        for (int i = first; i < m; i++) assertEquals(1, pred[i], "one boundary");
        assertEquals(want, grid[first] - 0.0005, 0.003);
        assertEquals("logreg", lr.name());
    }

    @Test void logisticRegressionThreeClassesOnALine() {
        // classes at −2, 0, 2 (two points each): the middle class wins around 0, the outer ones outside
        float[] x = {-2.2f, -1.8f, -0.2f, 0.2f, 1.8f, 2.2f};
        int[] y = {0, 0, 1, 1, 2, 2};
        LogisticRegression lr = new LogisticRegression();
        lr.fit(x, 6, 1, y, 3, 1);
        assertArrayEquals(new int[] {0, 1, 2}, lr.predict(new float[] {-3, 0, 3}, 3));
    }

    @Test void mlpNameAndArgmaxTakesTheFirstOfTies() {
        assertEquals("mlp", new MlpClassifier().name());
        Tape tape = new Tape();
        float[] logits = {1, 3, 3, 0, 5, 5, 5, 0, -1, -2, -1, -3};
        assertArrayEquals(new int[] {1, 0, 0}, MlpClassifier.argmaxRows(tape.input(logits, 0, 3, 4)));
        assertArrayEquals(new int[] {1, 3}, MlpClassifier.argmaxRows(tape.input(new float[] {0, 2, 1, 0, 0, 1, 2, 3}, 0, 2, 4)));
    }

    @Test void mlpFitIsDeterministicAndLearnsALine() {
        // 60 points (hold-out of 6, early stopping) and 20 (no hold-out) on a one-feature threshold problem
        for (int n : new int[] {20, 60}) {
            float[] x = new float[n];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) { x[i] = -1 + 2f * i / (n - 1); y[i] = x[i] > 0 ? 1 : 0; }
            MlpClassifier a = new MlpClassifier(), b = new MlpClassifier();
            a.fit(x, n, 1, y, 2, 5);
            b.fit(x, n, 1, y, 2, 5);
            float[] probe = {-1, -0.6f, -0.4f, 0.4f, 0.6f, 1};
            assertArrayEquals(a.predict(probe, 6), b.predict(probe, 6));
            assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, a.predict(probe, 6), "n=" + n);
        }
    }

    /** A stand-in classifier that records what it was given and predicts round(255·x) mod 7 of the first feature. */
    static final class Recorder implements PixelClassifier {
        static final List<Long> seeds = new ArrayList<>();
        static float[] lastX;
        @Override public String name() { return "recorder"; }
        @Override public void fit(float[] x, int n, int dim, int[] y, int numClasses, long seed) {
            seeds.add(seed);
            lastX = x.clone();
        }
        @Override public int[] predict(float[] x, int n) {
            int[] out = new int[n];
            for (int i = 0; i < n; i++) out[i] = Math.round(255 * x[i * 2]) % 7;
            return out;
        }
    }

    @Test void pixelMethodPredictsEveryChunkAndCountsItsFits() throws Exception {
        int images = 9000, dim = 2; // more than two 4096-image chunks
        byte[] px = new byte[images * dim];
        for (int i = 0; i < images; i++) { px[i * dim] = (byte) (i % 251); px[i * dim + 1] = (byte) (i % 13); }
        Recorder.seeds.clear();
        PixelMethod raw = new PixelMethod(Recorder::new, px, dim, 7, 100, false);
        assertEquals("recorder", raw.name());
        int[] evalIdx = new int[images - 10];
        for (int i = 0; i < evalIdx.length; i++) evalIdx[i] = images - 1 - i; // reversed, to catch index slips
        int[] out = raw.predict(new int[] {0, 3, 7}, new int[] {0, 1, 2}, evalIdx);
        for (int i = 0; i < evalIdx.length; i++) assertEquals((evalIdx[i] % 251) % 7, out[i], "item " + i);
        assertArrayEquals(new float[] {0, 0, 3 / 255f, 3 / 255f, 7 / 255f, 7 / 255f}, Recorder.lastX);
        raw.predict(new int[] {0}, new int[] {0}, new int[] {1});
        assertEquals(List.of(1000L, 1001L), Recorder.seeds);

        // standardised: the labeled rows come out with mean 0 and unit variance per pixel
        PixelMethod std = new PixelMethod(Recorder::new, px, dim, 7, 100, true);
        std.predict(new int[] {1, 2, 3}, new int[] {0, 1, 2}, new int[] {4});
        // pixel 0 over rows 1..3: 1, 2, 3 (/255): mean 2/255, sd sqrt(2/3)/255
        double z = 1 / Math.sqrt(2.0 / 3);
        float[] fx = Recorder.lastX;
        assertEquals(-z, fx[0], 1e-4);
        assertEquals(0, fx[2], 1e-4);
        assertEquals(z, fx[4], 1e-4);
    }
}
