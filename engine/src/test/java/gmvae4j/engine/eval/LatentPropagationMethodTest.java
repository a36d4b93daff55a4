package gmvae4j.engine.eval;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatentPropagationMethodTest {

    /**
     * One cluster holding two classes that sit apart in latent space (class 0 at z = 0..14, class 1
     * at z = 100..114). The cluster can only name one class; its latent neighbours name each image.
     * One label of class 0 and two of class 1: the cluster's vote leans to class 1, so the labels'
     * neighbours must outweigh it (in the steady state a class-0 image gets about 0.7 of class 0).
     */
    @Test void neighboursNameBothClassesOfAnImpureCluster() {
        int n = 30;
        float[] q = new float[n], z = new float[n];
        int[] truth = new int[n];
        Arrays.fill(q, 1f);
        for (int i = 0; i < n; i++) { truth[i] = i < 15 ? 0 : 1; z[i] = i < 15 ? i : 100 + i; }
        int[] labeled = {0, 15, 16}, labels = {0, 1, 1};
        LatentPropagationMethod m = LatentPropagationMethod.of(q, 1, 2, z, n);
        assertEquals("latent-prop", m.name());
        int[] eval = Sweep.complement(labeled, n);
        int[] pred = m.predict(labeled, labels, eval);
        for (int i = 0; i < eval.length; i++) assertEquals(truth[eval[i]], pred[i], "image " + eval[i]);

        int[] soft = new SoftDecoder(Similarity.DOT).predict(LabelMap.fit(q, 1, labeled, labels, 2), q, eval);
        assertTrue(Arrays.stream(soft).distinct().count() == 1, "soft-dot gives every member of the cluster one class");
    }

    @Test void predictionsFollowTheOrderOfTheEvaluatedRows() {
        int n = 30;
        float[] q = new float[n], z = new float[n];
        Arrays.fill(q, 1f);
        for (int i = 0; i < n; i++) z[i] = i < 15 ? i : 100 + i;
        LatentPropagationMethod m = LatentPropagationMethod.of(q, 1, 2, z, n);
        int[] pred = m.predict(new int[] {0, 15, 16}, new int[] {0, 1, 1}, new int[] {29, 1, 20, 2});
        assertArrayEquals(new int[] {1, 0, 1, 0}, pred);
    }

    @Test void posteriorsAndGraphMustDescribeTheSameImages() {
        float[] z = new float[10], q = new float[10];
        Arrays.fill(q, 1f);
        LatentNeighbours g = LatentNeighbours.build(z, 10, 1, q, 1, 3);
        assertThrows(IllegalArgumentException.class, () -> new LatentPropagationMethod(new float[9], 1, 2, g));
    }
}
