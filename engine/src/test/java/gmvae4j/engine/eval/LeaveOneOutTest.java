package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LeaveOneOutTest {

    /** The subtract-one shortcut equals refitting the label map without each point, for random posteriors and labels. */
    @Property(tries = 40)
    void equalsRefittingWithoutEachPoint(@ForAll @IntRange(min = 1, max = 40) int labeled, @ForAll @IntRange(min = 2, max = 7) int k,
                                         @ForAll @IntRange(min = 1, max = 4) int classes, @ForAll long seed) {
        Random r = new Random(seed);
        int rows = labeled + 5;
        float[] q = randomPosteriors(r, rows, k);
        int[] idx = new int[labeled], lab = new int[labeled];
        for (int i = 0; i < labeled; i++) { idx[i] = i; lab[i] = r.nextInt(classes); }
        boolean[] scored = new boolean[labeled];
        for (int i = 0; i < labeled; i++) scored[i] = r.nextInt(3) > 0;
        scored[r.nextInt(labeled)] = true;
        int right = 0, rightScored = 0, total = 0;
        SoftDecoder dot = new SoftDecoder(Similarity.DOT);
        for (int i = 0; i < labeled; i++) {
            int[] idx2 = new int[labeled - 1], lab2 = new int[labeled - 1];
            for (int j = 0, m = 0; j < labeled; j++) if (j != i) { idx2[m] = idx[j]; lab2[m++] = lab[j]; }
            LabelMap map = LabelMap.fit(q, k, idx2, lab2, classes);
            boolean any = false;
            for (int l = 0; l < classes; l++) any |= map.classCount(l) > 0;
            boolean ok = any && map.classCount(lab[i]) > 0 && dot.predict(map, q, idx[i] * k) == lab[i];
            if (ok) right++;
            if (scored[i]) { total++; if (ok) rightScored++; }
        }
        assertEquals(right / (double) labeled, LeaveOneOut.softDotAccuracy(q, k, idx, lab, classes), 1e-12);
        // Scoring some points only: each decoded by the map fitted to all the others, scored or not.
        assertEquals(rightScored / (double) total, LeaveOneOut.softDotAccuracy(q, k, idx, lab, classes, scored), 1e-12);
    }

    @Test void perfectlySeparatedClassesScoreOneAndNoLabelsIsNaN() {
        // two clusters, two classes, each point sure of its cluster
        float[] q = {1, 0, 1, 0, 0, 1, 0, 1};
        assertEquals(1.0, LeaveOneOut.softDotAccuracy(q, 2, new int[] {0, 1, 2, 3}, new int[] {0, 0, 1, 1}, 2));
        assertEquals(2 / 3.0, LeaveOneOut.softDotAccuracy(q, 2, new int[] {0, 1, 2}, new int[] {0, 0, 1}, 2), 1e-12, "a class's only label cannot be predicted");
        assertTrue(Double.isNaN(LeaveOneOut.softDotAccuracy(q, 2, new int[0], new int[0], 2)));
    }

    static float[] randomPosteriors(Random r, int rows, int k) {
        float[] q = new float[rows * k];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int c = 0; c < k; c++) { q[i * k + c] = (float) Math.pow(r.nextDouble(), 3); s += q[i * k + c]; }
            for (int c = 0; c < k; c++) q[i * k + c] /= (float) s;
        }
        return q;
    }
}
