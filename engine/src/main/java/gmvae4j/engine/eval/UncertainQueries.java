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
     * Up to {@code batch} rows in order of increasing margin, skipping rows marked in
     * {@code excluded} (already answered or skipped) and any row whose component already has one
     * in the batch. Ties go to the smaller row, so a batch is reproducible.
     */
    public static int[] next(float[] margin, int[] component, boolean[] excluded, int batch) {
        int n = margin.length;
        if (component.length != n || excluded.length != n) throw new IllegalArgumentException("margin, component and excluded differ in length");
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive, got " + batch);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> margin[i]).thenComparingInt(i -> i));
        int k = 0;
        for (int c : component) k = Math.max(k, c + 1);
        boolean[] used = new boolean[k];
        int[] out = new int[Math.min(batch, n)];
        int m = 0;
        for (int i : order) {
            if (m == out.length) break;
            if (excluded[i] || used[component[i]]) continue;
            used[component[i]] = true;
            out[m++] = i;
        }
        return Arrays.copyOf(out, m);
    }
}
