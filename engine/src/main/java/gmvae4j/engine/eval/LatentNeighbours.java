package gmvae4j.engine.eval;

/**
 * Each image's nearest neighbours in the model's latent space (Euclidean distance between the
 * encoder means μ(x)), searched only among the members of its two most likely components.
 *
 * <p>Why: a cluster is named by its majority, so the images of an impure cluster that belong
 * to another class are wrong however many labels the cluster gets. Inside the cluster they
 * still sit next to their own kind in latent space, and a few answers there can reach them
 * along the neighbour graph ({@link LatentPropagation}). Restricting the search to the top two
 * components keeps it at about n·(2n/K)·d operations instead of n²·d (seconds, not minutes,
 * for 70,000 images) and loses little: a near neighbour almost always shares one of them.
 */
public final class LatentNeighbours {
    private final int n, knn;
    private final int[] index;
    private final float[] dist2;

    private LatentNeighbours(int n, int knn, int[] index, float[] dist2) {
        this.n = n;
        this.knn = knn;
        this.index = index;
        this.dist2 = dist2;
    }

    /**
     * @param z   latent means, n × d, row-major
     * @param q   posteriors, n × k (for each image's two most likely components)
     * @param knn neighbours per image (fewer when the two components hold fewer images)
     */
    public static LatentNeighbours build(float[] z, int n, int d, float[] q, int k, int knn) {
        if ((long) n * d != z.length) throw new IllegalArgumentException(z.length + " latent values for " + n + " x " + d);
        Rows.checkShape(q, n, k);
        int[] first = new int[n], second = new int[n], size = new int[k];
        for (int i = 0; i < n; i++) {
            int a = -1, b = -1;
            for (int c = 0; c < k; c++) {
                float v = q[i * k + c];
                if (a < 0 || v > q[i * k + a]) { b = a; a = c; } else if (b < 0 || v > q[i * k + b]) b = c;
            }
            first[i] = a;
            second[i] = b < 0 ? a : b;
            size[a]++;
        }
        int[][] members = new int[k][];
        for (int c = 0; c < k; c++) members[c] = new int[size[c]];
        int[] fill = new int[k];
        for (int i = 0; i < n; i++) members[first[i]][fill[first[i]]++] = i;
        int[] index = new int[n * knn];
        java.util.Arrays.fill(index, -1);
        float[] dist2 = new float[n * knn];
        float[] bestD = new float[knn];
        int[] bestI = new int[knn];
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(bestD, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(bestI, -1);
            for (int pass = 0; pass < 2; pass++) {
                if (pass == 1 && second[i] == first[i]) break;
                for (int j : members[pass == 0 ? first[i] : second[i]]) {
                    if (j == i) continue;
                    float dist = 0;
                    for (int t = 0, oi = i * d, oj = j * d; t < d; t++) { float e = z[oi + t] - z[oj + t]; dist += e * e; }
                    if (dist >= bestD[knn - 1]) continue;
                    int p = knn - 1;                       // insertion into the sorted list of the best so far
                    while (p > 0 && bestD[p - 1] > dist) { bestD[p] = bestD[p - 1]; bestI[p] = bestI[p - 1]; p--; }
                    bestD[p] = dist;
                    bestI[p] = j;
                }
            }
            System.arraycopy(bestI, 0, index, i * knn, knn);
            System.arraycopy(bestD, 0, dist2, i * knn, knn);
        }
        return new LatentNeighbours(n, knn, index, dist2);
    }

    public int n() { return n; }

    public int knn() { return knn; }

    /** The j-th nearest neighbour of image i, or -1 where there were fewer candidates. */
    public int neighbour(int i, int j) { return index[i * knn + j]; }

    /** The squared latent distance from image i to its j-th nearest neighbour (infinite where there is none). */
    public float distance2(int i, int j) { return dist2[i * knn + j]; }
}
