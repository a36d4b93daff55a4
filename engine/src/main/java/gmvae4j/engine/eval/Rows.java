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

    /**
     * The images of each component: members[c] lists the i of {@code order} with component[i] = c,
     * in the order they come there (order: distinct images, all of them or some; null = 0, 1, ...,
     * n-1). An image not in order is nobody's member, and its component is never read. One
     * counting pass.
     */
    public static int[][] members(int[] component, int k, int[] order) {
        int placed = order == null ? component.length : order.length;
        int[] size = new int[k];
        for (int t = 0; t < placed; t++) size[component[order == null ? t : order[t]]]++;
        int[][] members = new int[k][];
        for (int c = 0; c < k; c++) members[c] = new int[size[c]];
        int[] fill = new int[k];
        for (int t = 0; t < placed; t++) {
            int i = order == null ? t : order[t];
            members[component[i]][fill[component[i]]++] = i;
        }
        return members;
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
