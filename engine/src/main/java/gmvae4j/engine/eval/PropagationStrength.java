package gmvae4j.engine.eval;

/**
 * How far soft-prop lets labels travel over the cluster graph, chosen from the labels alone.
 *
 * <p>For every α of {@link ClusterGraph#ALPHAS}, each labeled point is left out of its own class
 * profile and decoded by soft-prop with the profiles of the others; the α that names the most
 * labeled points correctly wins, ties to the smaller α. α = 0 is soft-dot itself, so propagation
 * is used only when the labels say it helps: with few labels a left-out point often sits in a
 * cluster no other label reached, which is exactly where propagation names it; with many labels
 * every cluster has its own, and on data whose neighbouring clusters belong to different classes
 * (the glyphs) a large α would blur them, which leave-one-out sees too. The same scheme as
 * {@link Tempering}; no unlabeled point's class is ever looked at.
 *
 * <p>Leaving point i (class y, argmax cluster a) out, soft-prop scores class ℓ by
 * <pre>
 *   s(ℓ) = F₋ᵢ(ℓ) · q_i = m₋ᵢ(ℓ) · r_i = (S(ℓ)·r_i − [ℓ = y] q_i·r_i) / (n_ℓ − [ℓ = y])
 *   r_i  = D q_i + G_αᵀ (I − D) q_i          D = diag(clusters still reached without i)
 * </pre>
 * with S(ℓ) the sum of the labeled rows of class ℓ; D loses a when i was the only label there.
 * The whole choice costs about n·K·(classes + nonzero entries of a row) per α.
 */
public final class PropagationStrength {
    private PropagationStrength() {}

    /**
     * The α in {@link ClusterGraph#ALPHAS} whose soft-prop decoding names the most labeled points
     * correctly when each is left out of its own class profile (ties: the smaller α).
     *
     * @param q          posterior matrix, rows × k
     * @param labeledIdx rows of q that carry a label; labels[i] is the class of row labeledIdx[i]
     */
    public static double chooseByLeaveOneOut(ClusterGraph graph, float[] q, int k, int[] labeledIdx, int[] labels,
                                             int numClasses) {
        double best = 0;
        int bestCorrect = -1;
        for (double alpha : ClusterGraph.ALPHAS) {
            int correct = leaveOneOutCorrect(graph, alpha, q, k, labeledIdx, labels, numClasses);
            if (correct > bestCorrect) { bestCorrect = correct; best = alpha; }
        }
        return best;
    }

    /** How many labeled points soft-prop with strength α names correctly with each left out of its class profile. */
    static int leaveOneOutCorrect(ClusterGraph graph, double alpha, float[] q, int k, int[] labeledIdx, int[] labels,
                                  int numClasses) {
        int n = labeledIdx.length;
        double[][] sums = new double[numClasses][k];
        int[] perClass = new int[numClasses], perCluster = new int[k], top = new int[n];
        for (int i = 0; i < n; i++) {
            int o = labeledIdx[i] * k;
            for (int c = 0; c < k; c++) sums[labels[i]][c] += q[o + c];
            perClass[labels[i]]++;
            top[i] = Rows.argmax(q, o, k);
            perCluster[top[i]]++;
        }
        double[][] g = graph.matrix(alpha);
        double[] r = new double[k];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int o = labeledIdx[i] * k, y = labels[i];
            java.util.Arrays.fill(r, 0);
            for (int c = 0; c < k; c++) {
                double v = q[o + c];
                if (v < 1e-7) continue;                        // most of a row is (almost) zero: skip it
                boolean reached = perCluster[c] - (c == top[i] ? 1 : 0) > 0;
                if (reached) r[c] += v;
                else for (int c2 = 0; c2 < k; c2++) r[c2] += v * g[c][c2];
            }
            double self = 0;                                   // q_i · r_i: point i's own vote
            for (int c = 0; c < k; c++) self += q[o + c] * r[c];
            int bestL = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < numClasses; l++) {
                int count = perClass[l] - (l == y ? 1 : 0);
                if (count == 0) continue;                      // a class with no other label cannot be named
                double dot = 0;
                for (int c = 0; c < k; c++) dot += sums[l][c] * r[c];
                if (l == y) dot -= self;
                dot /= count;
                if (dot > bestScore) { bestScore = dot; bestL = l; }
            }
            if (bestL == y) correct++;
        }
        return correct;
    }
}
