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
 * multi:softprob, one thread per core. It lives in the CLI because it is the one baseline that
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

    static Map<String, Object> params(int numClasses, long seed) {
        Map<String, Object> p = new HashMap<>();
        p.put("objective", "multi:softprob");
        p.put("num_class", numClasses);
        p.put("max_depth", 6);
        p.put("eta", 0.1);
        p.put("subsample", 0.9);
        p.put("colsample_bytree", 0.9);
        p.put("tree_method", "hist");
        p.put("nthread", Runtime.getRuntime().availableProcessors());
        p.put("seed", (int) seed);
        p.put("verbosity", 0);
        return p;
    }

    @Override public void fit(float[] x, int n, int dim, int[] y, int numClasses, long seed) throws Exception {
        this.numClasses = numClasses;
        DMatrix train = new DMatrix(x, n, dim, Float.NaN); // 0 is a pixel value, not "missing"
        try {
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) labels[i] = y[i];
            train.setLabel(labels);
            booster = XGBoost.train(train, params(numClasses, seed), ROUNDS, new HashMap<>(), null, null);
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
