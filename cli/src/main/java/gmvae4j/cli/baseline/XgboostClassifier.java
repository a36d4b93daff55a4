package gmvae4j.cli.baseline;

import gmvae4j.engine.eval.baseline.PixelClassifier;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * The XGBoost baseline on raw pixels through XGBoost4J (the study's strongest baseline):
 * 200 rounds, depth 6, eta 0.1, subsample 0.9, colsample_bytree 0.9, tree_method hist,
 * multi:softprob; one thread per core from {@value #ONE_THREAD_BELOW} training images up, one
 * thread below (see {@link #threads}). It lives in the CLI because it is the one baseline that
 * needs an outside library (and a native one): {@link #unavailableReason()} says why it cannot
 * run on this machine, so the report can leave its row out with one line instead of failing.
 */
public final class XgboostClassifier implements PixelClassifier {
    public static final int ROUNDS = 200;

    private Booster booster;
    private int numClasses;

    @Override public String name() { return "xgboost"; }

    /** Null when XGBoost4J and its native library load here, else a one-line reason. */
    public static String unavailableReason() {
        try {
            DMatrix m = new DMatrix(new float[] {0f, 1f}, 2, 1, Float.NaN);
            m.dispose();
            return null;
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, XGBoostError: all mean "not here"
            String msg = t.getMessage() == null ? "" : ": " + t.getMessage().lines().findFirst().orElse("");
            return "XGBoost4J could not load its native library (" + t.getClass().getSimpleName() + msg + ")";
        }
    }

    /**
     * Below this many training images one thread fits faster than all of them. hist's cost per
     * tree node is a histogram over every feature's bins, nearly independent of the row count, and
     * with few rows its per-node OpenMP work is too small to share: measured on 2 cores (glyphs,
     * 784 pixels, 26 classes, one fit each, the same trees and the same predictions either way):
     * 52 images 1.05 s on one thread against 2.11 s on two, 104 images 1.81 s against 3.12 s,
     * 416 images 10.2 s against 11.3 s, 832 images 22.1 s against 20.4 s.
     */
    public static final int ONE_THREAD_BELOW = 600;

    @Override public boolean oneCore(int n) { return threads(n) == 1; }

    /** OpenMP threads for a fit on n images. */
    static int threads(int n) {
        return n < ONE_THREAD_BELOW ? 1 : Runtime.getRuntime().availableProcessors();
    }

    static Map<String, Object> params(int numClasses, long seed, int threads) {
        Map<String, Object> p = new HashMap<>();
        p.put("objective", "multi:softprob");
        p.put("num_class", numClasses);
        p.put("max_depth", 6);
        p.put("eta", 0.1);
        p.put("subsample", 0.9);
        p.put("colsample_bytree", 0.9);
        p.put("tree_method", "hist");
        p.put("nthread", threads);
        p.put("seed", (int) seed);
        p.put("verbosity", 0);
        return p;
    }

    @Override public void fit(float[] x, int n, int dim, int[] y, int numClasses, long seed) throws Exception {
        fit(x, n, dim, y, numClasses, seed, threads(n));
    }

    /** {@link #fit} on a given number of threads. */
    void fit(float[] x, int n, int dim, int[] y, int numClasses, long seed, int threads) throws Exception {
        this.numClasses = numClasses;
        DMatrix train = new DMatrix(x, n, dim, Float.NaN); // 0 is a pixel value, not "missing"
        try {
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) labels[i] = y[i];
            train.setLabel(labels);
            booster = XGBoost.train(train, params(numClasses, seed, threads), ROUNDS, new HashMap<>(), null, null);
        } finally {
            train.dispose();
        }
    }

    @Override public void close() {
        if (booster != null) booster.dispose();
        booster = null;
    }

    @Override public int[] predict(float[] x, int n) throws Exception {
        int dim = x.length / Math.max(1, n);
        DMatrix m = new DMatrix(x, n, dim, Float.NaN);
        try {
            booster.setParam("nthread", Runtime.getRuntime().availableProcessors());   // predicting many rows shares well
            float[][] p = booster.predict(m);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int c = 1; c < numClasses; c++) if (p[i][c] > p[i][best]) best = c;
                out[i] = best;
            }
            return out;
        } finally {
            m.dispose();
        }
    }
}
