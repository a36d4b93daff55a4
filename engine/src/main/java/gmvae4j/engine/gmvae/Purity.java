package gmvae4j.engine.gmvae;

/**
 * How well clusters match labels. Each component takes the majority label of its members
 * (members = images whose argmax of q(c|x) is that component); purity is the fraction of images
 * whose component's majority label is their own label, i.e. the accuracy of that labelling.
 *
 * @param purity   Σ_c max_ℓ count[c][ℓ] / n (0 when n = 0)
 * @param nonEmpty components with at least one member
 * @param sizes    members per component
 * @param majority majority label per component (-1 when empty; ties go to the smaller label)
 * @param share    fraction of the component's members that carry its majority label (0 when empty)
 */
public record Purity(double purity, int nonEmpty, int[] sizes, int[] majority, double[] share) {

    /** Purity of hard assignments {@code assign[i] ∈ [0,k)} against {@code labels[i] ∈ [0,classes)}. */
    public static Purity of(int[] assign, int[] labels, int k, int classes) {
        if (assign.length != labels.length)
            throw new IllegalArgumentException(assign.length + " assignments for " + labels.length + " labels");
        int[][] count = new int[k][classes];
        int[] sizes = new int[k];
        for (int i = 0; i < assign.length; i++) {
            count[assign[i]][labels[i]]++;
            sizes[assign[i]]++;
        }
        int[] majority = new int[k];
        double[] share = new double[k];
        long correct = 0;
        int nonEmpty = 0;
        for (int c = 0; c < k; c++) {
            if (sizes[c] == 0) { majority[c] = -1; continue; }
            nonEmpty++;
            int best = 0;
            for (int l = 1; l < classes; l++) if (count[c][l] > count[c][best]) best = l;
            majority[c] = best;
            share[c] = (double) count[c][best] / sizes[c];
            correct += count[c][best];
        }
        return new Purity(assign.length == 0 ? 0 : (double) correct / assign.length, nonEmpty, sizes, majority, share);
    }

    /** Purity of the argmax of a row-major n×k posterior. */
    public static Purity ofPosterior(float[] q, int n, int k, int[] labels, int classes) {
        return of(argmax(q, n, k), labels, k, classes);
    }

    /** Row-wise argmax of an n×k matrix (first maximum on ties). */
    public static int[] argmax(float[] q, int n, int k) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) if (q[i * k + c] > q[i * k + best]) best = c;
            a[i] = best;
        }
        return a;
    }

    /** Components with at least one argmax member. */
    public static int nonEmpty(int[] assign, int k) {
        boolean[] used = new boolean[k];
        int count = 0;
        for (int a : assign) if (!used[a]) { used[a] = true; count++; }
        return count;
    }
}
