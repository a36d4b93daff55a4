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
