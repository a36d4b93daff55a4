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
 * multi:softprob; one thread per fit, fits side by side in a sweep (see {@link #oneCore}). It lives in the CLI because it is the one baseline that
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
     * Every fit runs on one thread, and a sweep runs fits side by side (a label count's draws, a
     * fit beside the other methods, or beside the next count's fit): hist's per-node work shares
     * poorly between threads.
     * Measured on 2 cores (one fit each, the same trees and predictions either way, see
     * XgboostThreadsTest), glyphs, 26 classes: 52 images 1.05 s on one thread against 2.11 s on
     * two, 104 images 1.81 s against 3.12 s, 416 images 10.2 s against 11.3 s, 832 images 22.1 s
     * against 20.4 s; MNIST, 10 classes, one thread / two threads / two one-thread fits side by
     * side (per fit): 832 images 9.5 / 8.1 / 4.3 s, 2,000 images 23.1 / 17.8 / 12.2 s, 5,000
     * images 51.7 / 38.5 / 27.0 s. Side by side, one thread each gets 1.4-1.9x the fits done.
     */
    @Override public boolean oneCore(int n) { return true; }

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
        fit(x, n, dim, y, numClasses, seed, 1);
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
