package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link LeaveOneOut#latentPropagationAccuracy}: the estimate of the rule that labels the images. */
class LatentLeaveOneOutTest {

    /**
     * Components far apart in latent space, each image sure of its component: a point left out in
     * one component cannot reach another, so the folds give exactly what refitting the rule without
     * each point in turn gives. Every class of a component has two answers there, so no class
     * loses its last label in a fold that it keeps without the single point.
     */
    @Property(tries = 25)
    void equalsRefittingWithoutEachPointWhenComponentsAreApart(@ForAll @IntRange(min = 2, max = 5) int k,
                                                               @ForAll @IntRange(min = 2, max = 4) int classes, @ForAll long seed) {
        Random r = new Random(seed);
        int size = 9, n = k * size;
        float[] q = new float[n * k], z = new float[n];
        for (int i = 0; i < n; i++) { q[i * k + i / size] = 1; z[i] = 1000f * (i / size) + r.nextFloat(); }
        List<Integer> idx = new ArrayList<>(), lab = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            int pairs = 1 + r.nextInt(3);                            // 2, 4 or 6 answers in component c
            for (int p = 0; p < pairs; p++) {
                int cls = r.nextInt(classes);
                for (int t = 0; t < 2; t++) { idx.add(c * size + 2 * p + t); lab.add(cls); }
            }
        }
        int[] ix = idx.stream().mapToInt(Integer::intValue).toArray(), lb = lab.stream().mapToInt(Integer::intValue).toArray();
        LatentNeighbours g = LatentNeighbours.build(z, n, 1, q, k, 3);
        assertEquals(bruteForce(q, k, g, ix, lb, classes), LeaveOneOut.latentPropagationAccuracy(q, k, g, ix, lb, classes), 1e-12);
        // Scoring some points only: each of them decoded by the rule fitted to all the others, scored or not.
        boolean[] scored = new boolean[ix.length];
        for (int j = 0; j < scored.length; j++) scored[j] = r.nextBoolean();
        scored[r.nextInt(scored.length)] = true;
        assertEquals(bruteForce(q, k, g, ix, lb, classes, scored), LeaveOneOut.latentPropagationAccuracy(q, k, g, ix, lb, classes, scored), 1e-12);
    }

    /**
     * One cluster holds two kinds side by side in latent space, two answers each; two pure
     * clusters have two answers each. Soft-dot gives a cluster one class, so each left-out answer
     * of the mixed cluster goes to the other class (4 of 8 right); latent propagation follows
     * the remaining answer of its own kind (8 of 8). The estimate must be the rule's.
     */
    @Test void followsTheLatentRuleWhereSoftDotWouldGetItWrong() {
        int k = 3, n = 24;
        float[] q = new float[n * k], z = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i < 12 ? 0 : i < 18 ? 1 : 2;                     // cluster 0: images 0-5 kind A, 6-11 kind B
            q[i * k + c] = 1;
            z[i] = c == 0 ? (i < 6 ? i : 100 + i) : 1000 * c + i;
        }
        int[] idx = {0, 1, 6, 7, 12, 13, 18, 19}, lab = {0, 0, 1, 1, 0, 0, 1, 1};
        LatentNeighbours g = LatentNeighbours.build(z, n, 1, q, k, 3);
        assertEquals(0.5, LeaveOneOut.softDotAccuracy(q, k, idx, lab, 2), 1e-12);
        assertEquals(1.0, LeaveOneOut.latentPropagationAccuracy(q, k, g, idx, lab, 2), 1e-12);
        assertEquals(bruteForce(q, k, g, idx, lab, 2), LeaveOneOut.latentPropagationAccuracy(q, k, g, idx, lab, 2), 1e-12);
    }

    /**
     * Round 1 of the labeling page: one answer in each of 20 clusters. Each image leans (.2) on a
     * sibling cluster of its own class, so a left-out answer is still named through its sibling's
     * answer, as refitting without it shows; the folds must not leave out every answer at once
     * (which would call them all wrong).
     */
    @Test void oneAnswerPerClusterIsNotLeftOutAllAtOnce() {
        int k = 20, size = 4, n = k * size;
        float[] q = new float[n * k], z = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i / size, sibling = (c / 10) * 10 + (c % 10 + 1) % 10;
            q[i * k + c] = .8f;
            q[i * k + sibling] = .2f;
            z[i] = 1000f * c + i % size;
        }
        int[] idx = new int[k], lab = new int[k];
        for (int c = 0; c < k; c++) { idx[c] = c * size; lab[c] = c / 10; }
        LatentNeighbours g = LatentNeighbours.build(z, n, 1, q, k, 2);
        assertEquals(1.0, bruteForce(q, k, g, idx, lab, 2), 1e-12);
        assertEquals(1.0, LeaveOneOut.latentPropagationAccuracy(q, k, g, idx, lab, 2), 1e-12);
    }

    @Test void aClassWithOneLabelCountsAsWrongAndNoLabelIsNaN() {
        float[] q = {1, 0, 1, 0, 0, 1, 0, 1};
        float[] z = {0, 1, 100, 101};
        LatentNeighbours g = LatentNeighbours.build(z, 4, 1, q, 2, 1);
        assertEquals(2 / 3.0, LeaveOneOut.latentPropagationAccuracy(q, 2, g, new int[] {0, 1, 2}, new int[] {0, 0, 1}, 2), 1e-12);
        assertTrue(Double.isNaN(LeaveOneOut.latentPropagationAccuracy(q, 2, g, new int[0], new int[0], 2)));
    }

    /** More answers in a component than folds: still at most {@link LeaveOneOut#MAX_FOLDS} propagations, each answer judged once. */
    @Test void manyAnswersInOneComponentShareFolds() {
        int n = 40;
        float[] q = new float[n], z = new float[n];
        java.util.Arrays.fill(q, 1);
        for (int i = 0; i < n; i++) z[i] = i;
        int[] idx = new int[25], lab = new int[25];
        for (int j = 0; j < 25; j++) idx[j] = j;                    // all one class: every one is right
        assertEquals(1.0, LeaveOneOut.latentPropagationAccuracy(q, 1, LatentNeighbours.build(z, n, 1, q, 1, 2), idx, lab, 1), 1e-12);
    }

    /** The definition: refit the rule without each labeled point and decode it. */
    static double bruteForce(float[] q, int k, LatentNeighbours g, int[] idx, int[] lab, int classes) {
        boolean[] all = new boolean[idx.length];
        java.util.Arrays.fill(all, true);
        return bruteForce(q, k, g, idx, lab, classes, all);
    }

    static double bruteForce(float[] q, int k, LatentNeighbours g, int[] idx, int[] lab, int classes, boolean[] scored) {
        int right = 0, total = 0;
        for (int i = 0; i < idx.length; i++) {
            if (!scored[i]) continue;
            total++;
            int[] idx2 = new int[idx.length - 1], lab2 = new int[idx.length - 1];
            for (int j = 0, m = 0; j < idx.length; j++) if (j != i) { idx2[m] = idx[j]; lab2[m++] = lab[j]; }
            if (idx2.length == 0) continue;
            LabelMap map = LabelMap.fit(q, k, idx2, lab2, classes);
            if (map.classCount(lab[i]) == 0) continue;
            if (LatentPropagation.decide(map, q, g, idx2, lab2).label()[idx[i]] == lab[i]) right++;
        }
        return right / (double) total;
    }

    @Test void noScoredPointIsNaNAndAWrongLengthIsRefused() {
        float[] q = {1, 0, 1, 0, 0, 1, 0, 1}, z = {0, 1, 100, 101};
        LatentNeighbours g = LatentNeighbours.build(z, 4, 1, q, 2, 1);
        int[] idx = {0, 1, 2, 3}, lab = {0, 0, 1, 1};
        assertTrue(Double.isNaN(LeaveOneOut.latentPropagationAccuracy(q, 2, g, idx, lab, 2, new boolean[4])));
        assertTrue(Double.isNaN(LeaveOneOut.softDotAccuracy(q, 2, idx, lab, 2, new boolean[4])));
        assertThrows(IllegalArgumentException.class, () -> LeaveOneOut.latentPropagationAccuracy(q, 2, g, idx, lab, 2, new boolean[3]));
        assertThrows(IllegalArgumentException.class, () -> LeaveOneOut.softDotAccuracy(q, 2, idx, lab, 2, new boolean[5]));
    }
}
