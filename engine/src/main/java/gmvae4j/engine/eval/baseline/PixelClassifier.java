package gmvae4j.engine.eval.baseline;

/**
 * A supervised classifier on raw pixel vectors, fitted on the labeled subset only: the
 * baselines the GMVAE's label efficiency is measured against.
 */
public interface PixelClassifier extends AutoCloseable {

    /** Report name, e.g. {@code logreg}. */
    String name();

    /** Fits on n rows of x (n × dim, row-major floats) with labels y in [0, numClasses). */
    void fit(float[] x, int n, int dim, int[] y, int numClasses, long seed) throws Exception;

    /** The predicted class of each of n rows. */
    int[] predict(float[] x, int n) throws Exception;

    /** Whether a fit on n images keeps one core busy and no more (a sweep then runs such fits side by side). */
    default boolean oneCore(int n) { return false; }

    /** Frees what the fitted model holds outside the Java heap (XGBoost's booster). */
    @Override default void close() {}
}
