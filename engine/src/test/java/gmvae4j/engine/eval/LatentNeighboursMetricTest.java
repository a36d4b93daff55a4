package gmvae4j.engine.eval;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Neighbours measured in the frame of each image's component ({@link LatentNeighbours#build}'s metric). */
class LatentNeighboursMetricTest {

    /**
     * One component, long along x (σ = 10) and thin along y (σ = 0.1): L = diag(0.1, 10). From the
     * origin, (3, 0) lies 3 away and (0, 1) lies 1 away in Euclidean terms, but 0.3 and 10 in the
     * component's frame: the nearest neighbour flips.
     */
    @Test
    void anElongatedComponentPrefersNeighboursAlongItsLongAxis() {
        float[] z = {0, 0, 3, 0, 0, 1};
        float[] q = {1, 1, 1};
        float[] metric = {0.1f, 0, 0, 10f};
        LatentNeighbours euclid = LatentNeighbours.build(z, 3, 2, q, 1, 1);
        LatentNeighbours framed = LatentNeighbours.build(z, 3, 2, q, 1, 1, metric);
        assertEquals(2, euclid.neighbour(0, 0));
        assertEquals(1f, euclid.distance2(0, 0), 1e-6f);
        assertEquals(1, framed.neighbour(0, 0));
        assertEquals(0.09f, framed.distance2(0, 0), 1e-6f);
    }

    /**
     * Each image measures in its own component's frame: with two components holding the same
     * points, the lower-triangular factor's off-diagonal entry counts (L = [[1, 0], [2, 1]] gives
     * Lᵀv = (v_x + 2v_y, v_y)), and the identity reproduces the Euclidean graph exactly.
     */
    @Test
    void theFrameIsTheImagesOwnComponentsAndTheIdentityIsEuclidean() {
        int n = 60, d = 3, k = 2;
        SplittableRandom rng = new SplittableRandom(4);
        float[] z = new float[n * d], q = new float[n * k];
        for (int i = 0; i < z.length; i++) z[i] = (float) rng.nextGaussian();
        for (int i = 0; i < n; i++) { float p = (float) rng.nextDouble(); q[i * k] = p; q[i * k + 1] = 1 - p; }
        float[] identity = new float[k * d * d];
        for (int c = 0; c < k; c++) for (int j = 0; j < d; j++) identity[(c * d + j) * d + j] = 1f;
        LatentNeighbours a = LatentNeighbours.build(z, n, d, q, k, 4), b = LatentNeighbours.build(z, n, d, q, k, 4, identity);
        for (int i = 0; i < n; i++)
            for (int t = 0; t < 4; t++) {
                assertEquals(a.neighbour(i, t), b.neighbour(i, t));
                assertEquals(a.distance2(i, t), b.distance2(i, t));
            }

        float[] metric = identity.clone();
        metric[(1 * d + 1) * d] = 2f;           // component 1: L[1][0] = 2
        LatentNeighbours g = LatentNeighbours.build(z, n, d, q, k, 4, metric);
        for (int i = 0; i < n; i++) {
            int c = q[i * k] >= q[i * k + 1] ? 0 : 1;
            for (int t = 0; t < 4; t++) {
                int j = g.neighbour(i, t);
                float vx = z[i * d] - z[j * d], vy = z[i * d + 1] - z[j * d + 1], vz = z[i * d + 2] - z[j * d + 2];
                float wx = c == 1 ? vx + 2 * vy : vx;
                assertEquals(wx * wx + vy * vy + vz * vz, g.distance2(i, t), 1e-4f, "image " + i + " neighbour " + t);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> LatentNeighbours.build(z, n, d, q, k, 4, new float[5]));
    }
}
