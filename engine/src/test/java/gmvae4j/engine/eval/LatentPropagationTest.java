package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LatentPropagationTest {

    @Test void neighboursAreTheNearestAmongTheMostLikelyComponents() {
        Random r = new Random(2);
        int n = 400, d = 3, k = 9, knn = 5;
        float[] z = new float[n * d];
        for (int i = 0; i < z.length; i++) z[i] = (float) r.nextGaussian();
        float[] q = LeaveOneOutTest.randomPosteriors(r, n, k);
        LatentNeighbours g = LatentNeighbours.build(z, n, d, q, k, knn);
        int[] first = Rows.argmaxAll(q, n, k);
        int fromBeyondTheSecond = 0;
        for (int i = 0; i < n; i++) {
            // the searched components: the SEARCHED largest entries of q's row, by a full sort
            int ii = i;
            java.util.List<Integer> comps = new java.util.ArrayList<>();
            for (int c = 0; c < k; c++) comps.add(c);
            comps.sort(java.util.Comparator.comparingDouble((Integer c) -> -q[ii * k + c]).thenComparingInt(c -> c));
            java.util.Set<Integer> searched = new java.util.HashSet<>(comps.subList(0, LatentNeighbours.SEARCHED));
            // brute force over every image whose argmax is one of them
            java.util.List<Integer> cand = new java.util.ArrayList<>();
            for (int j = 0; j < n; j++) if (j != i && searched.contains(first[j])) cand.add(j);
            cand.sort(java.util.Comparator.comparingDouble(j -> dist(z, d, ii, j)));
            for (int t = 0; t < knn; t++) assertEquals(t < cand.size() ? cand.get(t) : -1, g.neighbour(i, t), "image " + i + " neighbour " + t);
            for (int t = 0; t < knn; t++) if (!comps.subList(0, 2).contains(first[g.neighbour(i, t)])) fromBeyondTheSecond++;
        }
        assertTrue(fromBeyondTheSecond > n / 2, "the search reaches past the two most likely components: " + fromBeyondTheSecond);
    }

    @Test void mostLikelyComponentsInOrderTiesToTheSmallerIndex() {
        float[] q = {0.1f, 0.3f, 0.05f, 0.3f, 0.25f, 0f};
        int[] top = new int[4];
        assertEquals(4, LatentNeighbours.mostLikely(q, 0, 6, top));
        assertArrayEquals(new int[] {1, 3, 4, 0}, top);
        int[] two = new int[2];
        assertEquals(2, LatentNeighbours.mostLikely(new float[] {9, 0.6f, 0.4f}, 1, 2, two), "a row at an offset, fewer components than asked");
        assertArrayEquals(new int[] {0, 1}, two);
    }

    @Test void withoutNeighboursItIsSoftDotAndALabeledNeighbourDecidesATie() {
        // Cluster 0 labeled class 0, cluster 1 labeled class 1; image 2 is split 50/50 between them.
        float[] q = {1, 0, 0, 1, .5f, .5f, .5f, .5f};
        float[] z = {0, 10, 0.1f, 20};          // 1-d latent: image 2 sits next to image 0, image 3 far from all
        int[] idx = {0, 1}, lab = {0, 1};
        LabelMap map = LabelMap.fit(q, 2, idx, lab, 2);
        LatentNeighbours g = LatentNeighbours.build(z, 4, 1, q, 2, 1);
        assertEquals(0, g.neighbour(2, 0));
        Decisions d = LatentPropagation.decide(map, q, g, idx, lab);
        assertEquals(0, d.label()[2], "its labeled neighbour decides the tie");
        assertTrue(d.margin()[2] > 0.05f, "and it is no longer a tie: " + d.margin()[2]);
        Decisions soft = Decisions.softDot(map, q, 4);
        assertEquals(soft.label()[0], d.label()[0]);
        assertEquals(soft.label()[1], d.label()[1]);
        assertEquals(0f, soft.margin()[2], 1e-6f);
    }

    private static double dist(float[] z, int d, int i, int j) {
        double s = 0;
        for (int t = 0; t < d; t++) { double e = z[i * d + t] - z[j * d + t]; s += e * e; }
        return s;
    }

    /** The propagation split over threads gives, bit for bit, what one thread does (odd n: chunks of unequal size). */
    @Test void propagationOnTwoThreadsEqualsOneThread() {
        Random r = new Random(5);
        int n = 1001, d = 2, k = 7, nc = 5;
        float[] z = new float[n * d];
        for (int i = 0; i < z.length; i++) z[i] = (float) r.nextGaussian();
        float[] q = LeaveOneOutTest.randomPosteriors(r, n, k);
        LatentNeighbours g = LatentNeighbours.build(z, n, d, q, k, 6);
        LatentPropagation.Edges e = LatentPropagation.symmetricEdges(g, LatentPropagation.NEIGHBOURS);
        float[] prior = new float[n * nc];
        for (int i = 0; i < prior.length; i++) prior[i] = r.nextFloat();
        boolean[] fixed = new boolean[n];
        for (int i = 0; i < n; i += 17) fixed[i] = true;
        float[] one = LatentPropagation.propagate(prior, fixed, nc, e, new gmvae4j.kernels.ScalarKernels());
        float[] two = LatentPropagation.propagate(prior, fixed, nc, e, new gmvae4j.kernels.VectorKernels(2));
        assertArrayEquals(one, two);
        for (int i = 0; i < n; i += 17) for (int c = 0; c < nc; c++) assertEquals(prior[i * nc + c], one[i * nc + c], "a labeled row keeps its prior");
        int moved = 0;
        for (int i = 0; i < prior.length; i++) if (one[i] != prior[i]) moved++;
        assertTrue(moved > prior.length / 2, "the other rows moved toward their neighbours: " + moved);
    }
}
