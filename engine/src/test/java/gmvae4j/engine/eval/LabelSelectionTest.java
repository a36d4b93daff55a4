package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelSelectionTest {

    /** 20 pure clusters of very unequal size (2 per class), fuzzy but clear posteriors. */
    static int[] truth;
    static float[] q(int k) {
        SplittableRandom r = new SplittableRandom(3);
        int[] sizes = new int[k];
        int total = 0;
        for (int c = 0; c < k; c++) { sizes[c] = Math.max(4, (int) (1500 * Math.pow(0.7, c))); total += sizes[c]; }
        float[] q = new float[total * k];
        truth = new int[total];
        int i = 0;
        for (int c = 0; c < k; c++)
            for (int j = 0; j < sizes[c]; j++, i++) {
                truth[i] = c % 10;
                for (int d = 0; d < k; d++) q[i * k + d] = (float) r.nextDouble(0.0, 0.05);
                q[i * k + c] += 0.6f + (float) r.nextDouble(0.0, 0.3);
                float s = 0;
                for (int d = 0; d < k; d++) s += q[i * k + d];
                for (int d = 0; d < k; d++) q[i * k + d] /= s;
            }
        return q;
    }

    @Test void oneConfidentMemberPerComponentFirst() {
        int k = 20;
        float[] q = q(k);
        int rows = truth.length;
        int[] chosen = LabelSelection.choose(q, rows, k, k);
        assertEquals(k, chosen.length);
        boolean[] covered = new boolean[k];
        for (int i : chosen) covered[Rows.argmax(q, i * k, k)] = true;
        for (boolean b : covered) assertTrue(b, "every component gets a label");
        assertEquals(k + 5, LabelSelection.choose(q, rows, k, k + 5).length);
        assertEquals(k + 5, java.util.Arrays.stream(LabelSelection.choose(q, rows, k, k + 5)).distinct().count(), "no point twice");
    }

    @Test void chosenLabelsBeatThreeTimesAsManyRandomOnes() {
        int k = 20;
        float[] q = q(k);
        LabelSelection.Comparison c = LabelSelection.compare(q, truth.length, k, truth, 10, k, 5);
        assertEquals(k, c.selected().n());
        assertEquals(3 * k, c.randomTriple().n());
        assertTrue(c.selected().hard() > 0.99, "chosen labels name every pure cluster: " + c.selected());
        assertTrue(c.beatsTripleRandom(), c.toString());
        assertTrue(c.selected().hard() > c.randomTriple().hard() + 0.02, c.selected() + " vs " + c.randomTriple());
    }

    @Test void representativesByScoreAreEachComponentsBestScoringMember() {
        int k = 20;
        float[] q = q(k);
        int rows = truth.length;
        int[] arg = Rows.argmaxAll(q, rows, k);
        double[] score = new double[rows];
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < rows; i++) score[i] = r.nextDouble();
        int[] chosen = LabelSelection.chooseByScore(q, rows, k, k, score);
        assertEquals(k, chosen.length);
        for (int i : chosen) {
            int c = arg[i];
            for (int j = 0; j < rows; j++)
                if (arg[j] == c) assertTrue(score[j] <= score[i], "row " + i + " is not component " + c + "'s best");
        }
        assertEquals(k, java.util.Arrays.stream(chosen).map(i -> arg[i]).distinct().count(), "one per component");
        assertThrows(IllegalArgumentException.class,
                () -> LabelSelection.choose(q, rows, k, k, LabelSelection.Representative.CENTRAL));
        assertThrows(IllegalArgumentException.class, () -> LabelSelection.chooseByScore(q, rows, k, k, new double[3]));
    }
}
