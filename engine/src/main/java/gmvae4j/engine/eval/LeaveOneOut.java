package gmvae4j.engine.eval;

/**
 * How accurate a decision rule is, estimated from the labels alone: each labeled point is
 * decoded by the rule fitted to all the others, and the estimate is the fraction right.
 * Soft-dot ({@link #softDotAccuracy}) and latent propagation ({@link #latentPropagationAccuracy}),
 * so that the estimate a person sees is that of the rule that labels their images.
 *
 * <p>Soft-dot:
 *
 * <pre>
 *   S(ℓ) = Σ_{x ∈ L_ℓ} q(·|x),  n_ℓ = |L_ℓ|
 *   m_{−i}(ℓ) = (S(ℓ) − [ℓ = y_i]·q(·|x_i)) / (n_ℓ − [ℓ = y_i])      the profile without point i
 *   right_i = argmax_ℓ m_{−i}(ℓ) · q(·|x_i) == y_i
 * </pre>
 *
 * Fitting once and subtracting each point makes it O(n·k·classes) instead of n fits. A class
 * with a single label is lost when that label is left out, so the first label of a class always
 * counts as wrong: the estimate is pessimistic early, as it should be (an unseen class is an
 * error the model cannot avoid). The labeled points a person chose are not a random sample,
 * so this is an estimate of the accuracy on points like the asked ones, not a measurement.
 */
public final class LeaveOneOut {
    private LeaveOneOut() {}

    /** The estimated accuracy, NaN when there is no label. */
    public static double softDotAccuracy(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses) {
        return softDotAccuracy(q, k, labeledIdx, labels, numClasses, null);
    }

    /**
     * The same over the points with scored[j] only (null = all): each of them is decoded by the
     * rule fitted to every other point, scored or not. NaN when none is scored.
     */
    public static double softDotAccuracy(float[] q, int k, int[] labeledIdx, int[] labels, int numClasses, boolean[] scored) {
        if (labeledIdx.length != labels.length) throw new IllegalArgumentException("indices and labels differ in length");
        checkScored(scored, labeledIdx.length);
        if (scoredCount(scored, labeledIdx.length) == 0) return Double.NaN;
        double[][] sum = new double[numClasses][k];
        int[] count = new int[numClasses];
        for (int i = 0; i < labeledIdx.length; i++) {
            int l = labels[i];
            if (l < 0 || l >= numClasses) throw new IllegalArgumentException("label " + l + " outside [0," + numClasses + ")");
            count[l]++;
            for (int c = 0; c < k; c++) sum[l][c] += q[labeledIdx[i] * k + c];
        }
        int right = 0;
        for (int i = 0; i < labeledIdx.length; i++) {
            if (scored != null && !scored[i]) continue;
            int off = labeledIdx[i] * k, y = labels[i], best = -1;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < numClasses; l++) {
                int n = count[l] - (l == y ? 1 : 0);
                if (n == 0) continue;
                double dot = 0;
                for (int c = 0; c < k; c++) {
                    double s = sum[l][c] - (l == y ? q[off + c] : 0);
                    dot += s * q[off + c];
                }
                dot /= n;
                if (dot > bestScore) { bestScore = dot; best = l; }
            }
            if (best == y) right++;
        }
        return right / (double) scoredCount(scored, labeledIdx.length);
    }

    private static void checkScored(boolean[] scored, int m) {
        if (scored != null && scored.length != m) throw new IllegalArgumentException(scored.length + " scored flags for " + m + " points");
    }

    private static int scoredCount(boolean[] scored, int m) {
        if (scored == null) return m;
        int c = 0;
        for (boolean b : scored) if (b) c++;
        return c;
    }

    /** Folds of {@link #latentPropagationAccuracy}: at most this many propagations per estimate. */
    public static final int MAX_FOLDS = 10;

    /**
     * The estimated accuracy of {@link LatentPropagation#decide} (NaN when there is no label).
     * Refitting it without each point would cost one propagation over every image per point, so
     * the points are left out in {@value #MAX_FOLDS} folds: point j of component c (argmax q), the
     * r-th labeled there, goes to fold (r + c) mod {@value #MAX_FOLDS}. A fold then holds about a
     * tenth of the points and at most one per component (while no component holds more than
     * {@value #MAX_FOLDS}), and a propagation without the fold decides each of its points as if
     * only that point were missing: the prior of a cluster is its own answers' mix, and the
     * neighbour graph searches an image's few most likely components, so a point left out
     * elsewhere barely reaches it. With disconnected components it is exactly leave-one-out
     * (tested). A point whose class has no other label in the rest counts as wrong, as in
     * soft-dot's estimate.
     */
    public static double latentPropagationAccuracy(float[] q, int k, LatentNeighbours graph, int[] labeledIdx, int[] labels, int numClasses) {
        return latentPropagationAccuracy(q, k, graph, labeledIdx, labels, numClasses, null);
    }

    /**
     * The same over the points with scored[j] only (null = all): only they are left out (in the
     * folds above) and scored; the others are in every fit. NaN when none is scored.
     */
    public static double latentPropagationAccuracy(float[] q, int k, LatentNeighbours graph, int[] labeledIdx, int[] labels, int numClasses,
                                                   boolean[] scored) {
        int m = labeledIdx.length;
        if (m != labels.length) throw new IllegalArgumentException("indices and labels differ in length");
        checkScored(scored, m);
        int total = scoredCount(scored, m);
        if (total == 0) return Double.NaN;
        int[] fold = new int[m], perComponent = new int[k];
        int folds = 0;
        for (int j = 0; j < m; j++) {
            if (labels[j] < 0 || labels[j] >= numClasses) throw new IllegalArgumentException("label " + labels[j] + " outside [0," + numClasses + ")");
            if (scored != null && !scored[j]) { fold[j] = -1; continue; }   // always in the fit
            int c = Rows.argmax(q, labeledIdx[j] * k, k);
            fold[j] = (perComponent[c]++ + c) % MAX_FOLDS;
            folds = Math.max(folds, fold[j] + 1);
        }
        int right = 0;
        for (int f = 0; f < folds; f++) {
            int rest = 0;
            for (int j = 0; j < m; j++) if (fold[j] != f) rest++;
            if (rest == 0) continue;                              // nothing left to decide by: all wrong
            int[] idx = new int[rest], lab = new int[rest];
            for (int j = 0, r = 0; j < m; j++) if (fold[j] != f) { idx[r] = labeledIdx[j]; lab[r++] = labels[j]; }
            LabelMap map = LabelMap.fit(q, k, idx, lab, numClasses);
            Decisions d = LatentPropagation.decide(map, q, graph, idx, lab);
            for (int j = 0; j < m; j++)
                if (fold[j] == f && map.classCount(labels[j]) > 0 && d.label()[labeledIdx[j]] == labels[j]) right++;
        }
        return right / (double) total;
    }
}
