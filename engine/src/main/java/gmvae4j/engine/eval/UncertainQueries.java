package gmvae4j.engine.eval;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The next batch of images to ask a person about: the least certain decisions (smallest
 * {@link Decisions#margin}), at most one per component. Why spread them: the smallest margins
 * bunch up on the border between two clusters, and ten answers on one border teach little more
 * than one, while one answer on each of ten borders fixes ten.
 */
public final class UncertainQueries {
    private UncertainQueries() {}

    /**
     * Uncertainty weighted by density (Settles and Craven's information density), as a key for
     * {@link #next} (smallest first):
     * <pre>
     *   key(x) = −(1 − margin(x)) · σ̃_c / σ_x
     * </pre>
     * with σ_x the latent distance from x to its {@code nth}-nearest neighbour (small where images
     * crowd) and σ̃_c its median over x's component c. Why: the smallest margins alone are mostly
     * lone odd images on a border, and an answer there names one image; a doubtful image in a
     * crowd names its crowd, which is what a group of another class inside a cluster looks like.
     * Measured in the MNIST simulation (200-epoch model, 300 answers): 97.94% against 97.89% by
     * margin alone.
     */
    public static float[] densityWeighted(float[] margin, int[] component, LatentNeighbours graph, int nth) {
        int n = margin.length;
        if (component.length != n || graph.n() != n) throw new IllegalArgumentException("margin, component and graph differ in length");
        if (nth < 0 || nth >= graph.knn()) throw new IllegalArgumentException("neighbour " + nth + " outside the graph's " + graph.knn());
        double[] sigma = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            sigma[i] = graph.neighbour(i, nth) < 0 ? Double.POSITIVE_INFINITY : Math.sqrt(graph.distance2(i, nth)) + 1e-6;
            k = Math.max(k, component[i] + 1);
        }
        int[] size = new int[k];
        for (int c : component) size[c]++;
        double[][] byComponent = new double[k][];
        for (int c = 0; c < k; c++) byComponent[c] = new double[size[c]];
        int[] fill = new int[k];
        for (int i = 0; i < n; i++) byComponent[component[i]][fill[component[i]]++] = sigma[i];
        double[] median = new double[k];
        for (int c = 0; c < k; c++) {
            if (size[c] == 0) continue;
            Arrays.sort(byComponent[c]);
            median[c] = byComponent[c][size[c] / 2];
        }
        float[] key = new float[n];
        for (int i = 0; i < n; i++) key[i] = (float) (-(1 - margin[i]) * (median[component[i]] / sigma[i]));
        return key;
    }

    /**
     * Up to {@code batch} rows in order of increasing margin (or any key, smallest first), skipping rows marked in
     * {@code excluded} (already answered or skipped) and any row whose component already has one
     * in the batch. Ties go to the smaller row, so a batch is reproducible.
     */
    public static int[] next(float[] margin, int[] component, boolean[] excluded, int batch) {
        int n = margin.length;
        if (component.length != n || excluded.length != n) throw new IllegalArgumentException("margin, component and excluded differ in length");
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
        // Scanning all rows by increasing margin and keeping the first of each component picks
        // exactly each component's smallest-margin row, components in the order of those
        // margins: found in one pass, then only the components are sorted (K, not n, items).
        int k = 0;
        for (int c : component) k = Math.max(k, c + 1);
        int[] best = new int[k];
        java.util.Arrays.fill(best, -1);
        for (int i = 0; i < n; i++) {
            if (excluded[i]) continue;
            int c = component[i], b = best[c];
            if (b < 0 || margin[i] < margin[b]) best[c] = i;     // ties keep the smaller row
        }
        Integer[] rows = java.util.Arrays.stream(best).filter(i -> i >= 0).boxed().toArray(Integer[]::new);
        Arrays.sort(rows, Comparator.comparingDouble((Integer i) -> margin[i]).thenComparingInt(i -> i));
        int m = Math.min(batch, rows.length);
        int[] out = new int[m];
        for (int j = 0; j < m; j++) out[j] = rows[j];
        return out;
    }
}
