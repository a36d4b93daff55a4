package gmvae4j.engine.eval;

/**
 * Tempered posteriors for soft decoding, and the choice of the temperature from the labels alone.
 *
 * <pre>
 *   q_T(c|x) = q(c|x)^(1/T) / Σ_c' q(c'|x)^(1/T)          T >= 1
 * </pre>
 *
 * Why: soft decoding helps exactly when an image's own cluster got no label and some of its
 * posterior mass sits on neighbouring clusters that did. A trained GMVAE evaluated at z = μ(x) is
 * very sure of itself (on MNIST most rows put over 0.99 on one component), so that neighbouring
 * mass is tiny and noisy. Raising the temperature flattens every row in the same monotone way
 * (the argmax, hence hard decoding, is unchanged), so the second and third clusters of an image get
 * a real say. Since q(c|x) ∝ π_c N(z; μ_c, σ²_c), this is the same as decoding with every
 * log-likelihood divided by T: each component's reach widened by √T.
 *
 * <p>How much is right depends on the model and on how many labels there are, so T is not a
 * constant: {@link #chooseByLeaveOneOut} picks it from a small grid by leave-one-out accuracy of
 * soft-dot decoding on the labeled points themselves. Leaving a point out is exactly the situation
 * that matters: a point whose cluster holds no other label must be named by its neighbours. No
 * unlabeled point's class is ever looked at. Ties go to the smaller T, so T = 1 (the study's rule)
 * wins unless a flatter posterior does strictly better.
 */
public final class Tempering {
    private Tempering() {}

    /** The temperatures leave-one-out chooses from. */
    public static final float[] GRID = {1f, 1.5f, 2f, 3f, 4f, 6f};

    /** q_T of one posterior row, in double, into out[0..k). A zero entry stays zero. */
    public static void temper(float[] q, int off, int k, float t, double[] out) {
        double inv = 1.0 / t, total = 0;
        for (int c = 0; c < k; c++) {
            double v = q[off + c];
            out[c] = v > 0 ? (t == 1f ? v : Math.exp(Math.log(v) * inv)) : 0;
            total += out[c];
        }
        if (total > 0) for (int c = 0; c < k; c++) out[c] /= total;
    }

    /**
     * The temperature in {@link #GRID} whose soft-dot decoding names the most labeled points
     * correctly when each is left out of its own class profile (ties: the smaller T).
     *
     * @param q          posterior matrix, rows × k
     * @param labeledIdx rows of q that carry a label; labels[i] is the class of row labeledIdx[i]
     */
    public static float chooseByLeaveOneOut(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        int n = labeledIdx.length;
        float best = 1f;
        int bestCorrect = -1;
        double[] qt = new double[n * k], row = new double[k];
        for (float t : GRID) {
            for (int i = 0; i < n; i++) {
                temper(q, labeledIdx[i] * k, k, t, row);
                System.arraycopy(row, 0, qt, i * k, k);
            }
            int correct = leaveOneOutCorrect(qt, k, labels, numClasses);
            if (correct > bestCorrect) { bestCorrect = correct; best = t; }
        }
        return best;
    }

    /** How many of the n rows of qt soft-dot names correctly with their own row left out of m(ℓ). */
    static int leaveOneOutCorrect(double[] qt, int k, int[] labels, int numClasses) {
        int n = labels.length;
        double[][] sums = new double[numClasses][k];
        int[] perClass = new int[numClasses];
        for (int i = 0; i < n; i++) {
            perClass[labels[i]]++;
            for (int c = 0; c < k; c++) sums[labels[i]][c] += qt[i * k + c];
        }
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int y = labels[i], best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < numClasses; l++) {
                int count = perClass[l] - (l == y ? 1 : 0);
                if (count == 0) continue;                       // a class with no other label cannot be named
                double dot = 0;
                for (int c = 0; c < k; c++) {
                    double m = sums[l][c] - (l == y ? qt[i * k + c] : 0);
                    dot += m * qt[i * k + c];
                }
                dot /= count;
                if (dot > bestScore) { bestScore = dot; best = l; }
            }
            if (best == y) correct++;
        }
        return correct;
    }
}
