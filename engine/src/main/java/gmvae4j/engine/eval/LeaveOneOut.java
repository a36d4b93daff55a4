package gmvae4j.engine.eval;

/**
 * How accurate soft-dot decoding is, estimated from the labels alone: each labeled point is
 * decoded by the map fitted to all the others, and the estimate is the fraction right.
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
        if (labeledIdx.length != labels.length) throw new IllegalArgumentException("indices and labels differ in length");
        if (labeledIdx.length == 0) return Double.NaN;
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
        return right / (double) labeledIdx.length;
    }
}
