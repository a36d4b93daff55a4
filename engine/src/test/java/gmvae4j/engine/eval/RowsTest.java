package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import net.jqwik.api.*;
import net.jqwik.api.constraints.*;

class RowsTest {
    @Property(tries = 200)
    void membersListEveryImageOnceInItsComponentInTheGivenOrder(@ForAll @Size(max = 60) java.util.List<@IntRange(min = 0, max = 4) Integer> comps,
                                                               @ForAll long seed, @ForAll boolean identity) {
        int n = comps.size(), k = 5;
        int[] component = comps.stream().mapToInt(Integer::intValue).toArray();
        int[] order = identity ? null : LabelDraw.permutation(n, seed);
        int[][] m = Rows.members(component, k, order);
        assertEquals(k, m.length);
        int[] rank = new int[n];
        for (int t = 0; t < n; t++) rank[order == null ? t : order[t]] = t;
        int seen = 0;
        for (int c = 0; c < k; c++) {
            for (int j = 0; j < m[c].length; j++) {
                assertEquals(c, component[m[c][j]], "image in the wrong component");
                if (j > 0) assertTrue(rank[m[c][j - 1]] < rank[m[c][j]], "members out of the given order");
            }
            seen += m[c].length;
        }
        assertEquals(n, seen, "every image exactly once");
    }

    @Property(tries = 200)
    void membersOfASubsetListItsImagesOnlyAndNeverReadTheOthersComponent(@ForAll @Size(max = 60) java.util.List<@IntRange(min = 0, max = 4) Integer> comps,
                                                                        @ForAll long seed, @ForAll @IntRange(min = 0, max = 60) int keep) {
        int n = comps.size(), k = 5;
        int[] perm = LabelDraw.permutation(n, seed);
        int[] order = java.util.Arrays.copyOf(perm, Math.min(keep, n));
        java.util.Set<Integer> in = new java.util.HashSet<>();
        for (int i : order) in.add(i);
        int[] component = new int[n];
        for (int i = 0; i < n; i++) component[i] = in.contains(i) ? comps.get(i) : -1;   // outside the subset: no component
        int[][] m = Rows.members(component, k, order);
        java.util.List<Integer> listed = new java.util.ArrayList<>();
        int[] rank = new int[n];
        for (int t = 0; t < order.length; t++) rank[order[t]] = t;
        for (int c = 0; c < k; c++)
            for (int j = 0; j < m[c].length; j++) {
                assertEquals(c, component[m[c][j]]);
                if (j > 0) assertTrue(rank[m[c][j - 1]] < rank[m[c][j]], "members out of the given order");
                listed.add(m[c][j]);
            }
        assertEquals(in, new java.util.HashSet<>(listed), "the subset's images, each once");
        assertEquals(order.length, listed.size());
    }
}
