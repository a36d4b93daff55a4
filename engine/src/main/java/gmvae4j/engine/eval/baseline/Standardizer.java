package gmvae4j.engine.eval.baseline;

/**
 * Per-pixel standardisation fitted on the labeled subset: z = (x/255 − mean) / sd, with sd = 1
 * where a pixel never varies (as scikit-learn's StandardScaler does), so constant border pixels
 * stay 0 instead of dividing by zero.
 */
public final class Standardizer {
    private final float[] mean, invSd;

    private Standardizer(float[] mean, float[] invSd) { this.mean = mean; this.invSd = invSd; }

    /** Statistics of the given rows (image i at i·dim in pixels). */
    public static Standardizer fit(byte[] pixels, int dim, int[] rows) {
        double[] s = new double[dim], ss = new double[dim];
        for (int r : rows)
            for (int j = 0; j < dim; j++) {
                double v = (pixels[r * dim + j] & 0xff) / 255.0;
                s[j] += v;
                ss[j] += v * v;
            }
        float[] mean = new float[dim], inv = new float[dim];
        int n = rows.length;
        for (int j = 0; j < dim; j++) {
            double m = s[j] / n, var = Math.max(0, ss[j] / n - m * m);
            mean[j] = (float) m;
            inv[j] = var > 1e-12 ? (float) (1 / Math.sqrt(var)) : 1f;
        }
        return new Standardizer(mean, inv);
    }

    /** The standardised rows, packed: row i of the result is image rows[from + i]. */
    public float[] transform(byte[] pixels, int dim, int[] rows, int from, int to) {
        float[] out = new float[(to - from) * dim];
        for (int i = from; i < to; i++) {
            int src = rows[i] * dim, dst = (i - from) * dim;
            for (int j = 0; j < dim; j++) out[dst + j] = ((pixels[src + j] & 0xff) / 255f - mean[j]) * invSd[j];
        }
        return out;
    }

    /** Raw [0,1] pixels without standardisation (for tree models, which do not need it). */
    public static float[] raw(byte[] pixels, int dim, int[] rows, int from, int to) {
        float[] out = new float[(to - from) * dim];
        for (int i = from; i < to; i++) {
            int src = rows[i] * dim, dst = (i - from) * dim;
            for (int j = 0; j < dim; j++) out[dst + j] = (pixels[src + j] & 0xff) / 255f;
        }
        return out;
    }
}
