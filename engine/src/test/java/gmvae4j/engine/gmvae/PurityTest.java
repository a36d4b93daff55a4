package gmvae4j.engine.gmvae;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class PurityTest {

    @Test
    void majorityLabelAccuracy() {
        // component 0: labels 1,1,2 -> majority 1 (2 correct); component 2: labels 0,0 -> 2 correct; component 1 empty
        int[] assign = {0, 0, 0, 2, 2};
        int[] labels = {1, 1, 2, 0, 0};
        Purity p = Purity.of(assign, labels, 3, 3);
        assertEquals(4.0 / 5, p.purity(), 1e-12);
        assertEquals(2, p.nonEmpty());
        assertArrayEquals(new int[] {3, 0, 2}, p.sizes());
        assertArrayEquals(new int[] {1, -1, 0}, p.majority());
        assertEquals(2.0 / 3, p.share()[0], 1e-12);
        assertEquals(0.0, p.share()[1]);
    }

    @Test
    void posteriorArgmax() {
        float[] q = {0.1f, 0.9f, 0.6f, 0.4f, 0.5f, 0.5f};
        assertArrayEquals(new int[] {1, 0, 0}, Purity.argmax(q, 3, 2));
        Purity p = Purity.ofPosterior(q, 3, 2, new int[] {1, 0, 1}, 2);
        assertEquals(2.0 / 3, p.purity(), 1e-12);
        assertEquals(2, Purity.nonEmpty(new int[] {1, 1, 3}, 4));
    }
}
