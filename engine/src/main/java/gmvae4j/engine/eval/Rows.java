package gmvae4j.engine.eval;

/** Small helpers over row-major posterior matrices q (n × k): row i lives at i·k. */
public final class Rows {
    private Rows() {}

    /** Index of the largest entry of q[off .. off+k); the first one on ties. */
    public static int argmax(float[] q, int off, int k) {
        int best = 0;
        float bv = q[off];
        for (int c = 1; c < k; c++) if (q[off + c] > bv) { bv = q[off + c]; best = c; }
        return best;
    }

    /** Argmax cluster of every row of an n × k matrix. */
    public static int[] argmaxAll(float[] q, int n, int k) {
        checkShape(q, n, k);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = argmax(q, i * k, k);
        return out;
    }

    /** Throws if q cannot be an n × k matrix. */
    public static void checkShape(float[] q, int n, int k) {
        if (k <= 0 || n < 0 || (long) n * k != q.length)
            throw new IllegalArgumentException("posterior has " + q.length + " values, expected " + n + " x " + k);
    }

    /** Fraction of positions where predicted equals truth[idx[i]]. */
    public static double accuracy(int[] predicted, int[] truth, int[] idx) {
        if (predicted.length != idx.length) throw new IllegalArgumentException("predictions and indices differ in length");
        if (idx.length == 0) return Double.NaN;
        int ok = 0;
        for (int i = 0; i < idx.length; i++) if (predicted[i] == truth[idx[i]]) ok++;
        return ok / (double) idx.length;
    }
}
