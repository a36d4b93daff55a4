package gmvae4j.engine.eval;

/**
 * Soft-dot decisions refined by label propagation over the latent neighbour graph
 * ({@link LatentNeighbours}), seeded by the labeled images:
 *
 * <pre>
 *   P(x)   = one-hot(label)             for a labeled image
 *          = soft-dot shares of x        otherwise (what the clusters say)
 *   F ← (1 − α)·P + α · mean_{x' ∈ N(x)} F(x')        {@value #STEPS} steps, labeled rows kept at P
 *   ŷ(x) = argmax_ℓ F(x)_ℓ
 * </pre>
 *
 * (Zhou et al. 2004, with the cluster decision as the prior.) Far from any label F stays close
 * to soft-dot; near a labeled image its label spreads to its latent neighbours, also across
 * the border of an impure cluster, which is what soft-dot cannot do: it gives every member of
 * a cluster the same vote. α = {@value #ALPHA}.
 */
public final class LatentPropagation {
    public static final double ALPHA = 0.95;
    public static final int STEPS = 30;

    private LatentPropagation() {}

    public static Decisions decide(LabelMap map, float[] q, LatentNeighbours graph, int[] labeledIdx, int[] labels) {
        int n = graph.n(), nc = map.numClasses(), knn = graph.knn();
        double[] raw = Decisions.softDotScores(map, q, n);
        float[] prior = new float[n * nc];
        for (int i = 0; i < n; i++) {
            double total = 0;
            for (int c = 0; c < nc; c++) total += raw[i * nc + c];
            if (total > 0) for (int c = 0; c < nc; c++) prior[i * nc + c] = (float) (raw[i * nc + c] / total);   // soft-dot shares
        }
        boolean[] fixed = new boolean[n];
        for (int j = 0; j < labeledIdx.length; j++) {
            int i = labeledIdx[j];
            java.util.Arrays.fill(prior, i * nc, (i + 1) * nc, 0f);
            prior[i * nc + labels[j]] = 1f;
            fixed[i] = true;
        }
        float[] f = prior.clone(), next = new float[n * nc];
        for (int step = 0; step < STEPS; step++) {
            for (int i = 0; i < n; i++) {
                int o = i * nc;
                if (fixed[i]) { System.arraycopy(prior, o, next, o, nc); continue; }
                int count = 0;
                for (int c = 0; c < nc; c++) next[o + c] = 0;
                for (int t = 0; t < knn; t++) {
                    int j = graph.neighbour(i, t);
                    if (j < 0) break;
                    count++;
                    for (int c = 0, oj = j * nc; c < nc; c++) next[o + c] += f[oj + c];
                }
                for (int c = 0; c < nc; c++)
                    next[o + c] = (float) ((1 - ALPHA) * prior[o + c] + (count == 0 ? ALPHA * prior[o + c] : ALPHA * next[o + c] / count));
            }
            float[] t = f; f = next; next = t;
        }
        Decisions out = new Decisions(new int[n], new float[n], new float[n]);
        double[] s = new double[nc];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < nc; c++) s[c] = map.classCount(c) == 0 ? Double.NEGATIVE_INFINITY : f[i * nc + c];
            out.set(i, s);
        }
        return out;
    }
}
