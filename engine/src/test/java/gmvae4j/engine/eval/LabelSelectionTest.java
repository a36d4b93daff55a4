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

    /**
     * Worked by hand: components by size (4, 3, 1), representatives by rule, then the
     * smallest margins (largest minus second largest q) fill the budget.
     */
    @Test void exactChoicesOnAWorkedExample() {
        float[] q = {
                0.90f, 0.05f, 0.05f,   // r0 c0, margin 0.85, most confident of c0
                0.60f, 0.30f, 0.10f,   // r1 c0, margin 0.30
                0.70f, 0.20f, 0.10f,   // r2 c0, margin 0.50, closest to c0's mean row (0.635, 0.22, 0.145)
                0.10f, 0.80f, 0.10f,   // r3 c1, margin 0.70, most confident of c1
                0.25f, 0.50f, 0.25f,   // r4 c1, margin 0.25
                0.20f, 0.20f, 0.60f,   // r5 c2, margin 0.40, alone
                0.34f, 0.33f, 0.33f,   // r6 c0, margin 0.01
                0.15f, 0.70f, 0.15f};  // r7 c1, margin 0.55, closest to c1's mean row (1/6, 2/3, 1/6)
        var confident = LabelSelection.Representative.CONFIDENT;
        var typical = LabelSelection.Representative.TYPICAL;
        assertArrayEquals(new int[] {0, 3}, LabelSelection.choose(q, 8, 3, 2, confident));
        assertArrayEquals(new int[] {0, 3, 5}, LabelSelection.choose(q, 8, 3, 3, confident));
        assertArrayEquals(new int[] {0, 3, 5, 6, 4, 1, 2, 7}, LabelSelection.choose(q, 8, 3, 100, confident));
        assertArrayEquals(new int[] {2, 7, 5}, LabelSelection.choose(q, 8, 3, 3, typical));
        assertArrayEquals(new int[] {2, 7, 5, 6, 4}, LabelSelection.choose(q, 8, 3, 5, typical));
        assertThrows(IllegalArgumentException.class, () -> LabelSelection.choose(q, 8, 3, 0, confident));
    }
}
