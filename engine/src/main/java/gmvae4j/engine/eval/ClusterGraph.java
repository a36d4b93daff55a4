package gmvae4j.engine.eval;

/**
 * Which clusters the unlabeled data says are neighbours, and label propagation over them.
 *
 * <pre>
 *   W(c,c') = Σ_x q(c|x) · q(c'|x)          over unlabeled images x, c ≠ c'   (shared mass)
 *   P       = W with rows normalised to 1                                     (a random walk)
 *   G_α     = (1 − α) · (I − α·P)^-1 = (1 − α) · Σ_t α^t P^t                  (its discounted visits)
 *   F(ℓ)_c  = m(ℓ)_c                 for a cluster c some label reached      (clamped)
 *           = (G_α · m(ℓ))_c         for the others                          (propagated profiles)
 * </pre>
 *
 * Why: with 70 labels for 100 clusters, a third of the clusters hold no label, and soft-dot can
 * name their images only through the little posterior mass those images put directly on a
 * labeled cluster. But clusters of one class sit next to each other: thousands of unlabeled images
 * lie between them, and W counts exactly that overlap. Propagating m(ℓ) along W lets a labeled
 * cluster vote for its neighbours, their neighbours, and so on, each hop discounted by α: label
 * propagation (Zhou et al., "Learning with local and global consistency", 2004) on a graph of K
 * nodes instead of N images, so it costs nothing next to the GMVAE. Only q(c|x) of unlabeled
 * images is used, never a label beyond the labeled points themselves. A cluster that holds a label
 * keeps its own profile (labeled nodes are clamped, as in Zhu, Ghahramani and Lafferty's harmonic
 * label propagation, 2003): its own labels say more about it than its neighbours do, and so
 * propagation fades by itself as labels cover more clusters.
 *
 * <p>How far labels should travel is not a constant: on MNIST (K = 100, 70 and 140 labels) every
 * α in [0.5, 0.95] gave within 1 point of each other, but on the glyphs (26 letters, upper and
 * lower case in one class, similar letters side by side) α = 0.9 fell up to 9 points below
 * soft-dot once most clusters held a label, because neighbouring clusters there often belong to
 * different letters. So the graph keeps G_α for every α of {@link #ALPHAS} (α = 0 is G = I, plain
 * soft-dot), and {@link PropagationStrength} picks one per labeled set from the labels alone.
 */
public final class ClusterGraph {
    /** Weights of a hop to choose from; α = 0 propagates nothing (soft-dot). 0.99 over-smooths on MNIST. */
    public static final double[] ALPHAS = {0, 0.5, 0.7, 0.8, 0.9, 0.95};

    private final int k;
    private final double[][][] g;   // g[a] = G_α for α = ALPHAS[a]

    private ClusterGraph(int k, double[][][] g) {
        this.k = k;
        this.g = g;
    }

    /** The graph of the first {@code rows} rows of q (the images labels may come from, labeled or not). */
    public static ClusterGraph of(float[] q, int rows, int k) {
        if (k <= 0 || q.length % k != 0) throw new IllegalArgumentException("posterior of " + q.length + " values is not rows x " + k);
        if (rows <= 0 || (long) rows * k > q.length) throw new IllegalArgumentException(rows + " rows of a " + q.length / k + "-row posterior");
        double[][] w = new double[k][k];
        for (int i = 0; i < rows; i++) {
            int o = i * k;
            for (int c = 0; c < k; c++) {
                double v = q[o + c];
                if (v < 1e-7) continue;                 // most of a row is (almost) zero: skip it
                for (int c2 = 0; c2 < k; c2++) w[c][c2] += v * q[o + c2];
            }
        }
        double[][] p = new double[k][k];
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int c2 = 0; c2 < k; c2++) if (c2 != c) s += w[c][c2];
            if (s > 0) for (int c2 = 0; c2 < k; c2++) if (c2 != c) p[c][c2] = w[c][c2] / s;
        }
        double[][][] g = new double[ALPHAS.length][][];
        for (int a = 0; a < ALPHAS.length; a++) g[a] = discountedVisits(p, ALPHAS[a]);
        return new ClusterGraph(k, g);
    }

    public int k() { return k; }

    /** G_α[c][c']: how much of c' 's profile reaches c. Rows sum to 1 for clusters with a neighbour. */
    public double weight(double alpha, int c, int c2) { return g[index(alpha)][c][c2]; }

    /** G_α itself (not a copy: read it, never write it). */
    double[][] matrix(double alpha) { return g[index(alpha)]; }

    /**
     * F(ℓ)[c] for every class row of m (numClasses × k): m(ℓ)[c] where reached[c], else
     * Σ_c' G_α[c][c'] · m(ℓ)[c'].
     */
    public float[][] propagate(float[][] m, double alpha, boolean[] reached) {
        if (reached.length != k) throw new IllegalArgumentException(reached.length + " flags for " + k + " clusters");
        double[][] ga = g[index(alpha)];
        float[][] f = new float[m.length][k];
        for (int l = 0; l < m.length; l++)
            for (int c = 0; c < k; c++) {
                if (reached[c]) { f[l][c] = m[l][c]; continue; }
                double s = 0;
                for (int c2 = 0; c2 < k; c2++) s += ga[c][c2] * m[l][c2];
                f[l][c] = (float) s;
            }
        return f;
    }

    /** The position of alpha in {@link #ALPHAS}. */
    static int index(double alpha) {
        for (int a = 0; a < ALPHAS.length; a++) if (ALPHAS[a] == alpha) return a;
        throw new IllegalArgumentException("α = " + alpha + " is not one of " + java.util.Arrays.toString(ALPHAS));
    }

    /** (1 − α)(I − αP)^-1 by Gauss-Jordan elimination with partial pivoting (I − αP is diagonally dominant). */
    static double[][] discountedVisits(double[][] p, double alpha) {
        int k = p.length;
        double[][] a = new double[k][2 * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) a[i][j] = (i == j ? 1 : 0) - alpha * p[i][j];
            a[i][k + i] = 1 - alpha;
        }
        for (int col = 0; col < k; col++) {
            int piv = col;
            for (int r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
            double[] t = a[col]; a[col] = a[piv]; a[piv] = t;
            double d = a[col][col];
            for (int j = 0; j < 2 * k; j++) a[col][j] /= d;
            for (int r = 0; r < k; r++) {
                double f = a[r][col];
                if (r == col || f == 0) continue;
                for (int j = 0; j < 2 * k; j++) a[r][j] -= f * a[col][j];
            }
        }
        double[][] g = new double[k][k];
        for (int i = 0; i < k; i++) System.arraycopy(a[i], k, g[i], 0, k);
        return g;
    }
}
