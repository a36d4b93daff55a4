package gmvae4j.engine.gmvae;

import java.util.Random;

/** Well-separated Gaussian blobs for clustering tests: centre c sits at 10·c on every axis. */
final class Blobs {
    final float[] x;
    final int[] label;
    final int n, d, k;

    Blobs(int perBlob, int d, int k, long seed) {
        this.n = perBlob * k;
        this.d = d;
        this.k = k;
        x = new float[n * d];
        label = new int[n];
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            int c = i % k;
            label[i] = c;
            for (int t = 0; t < d; t++) x[i * d + t] = (float) (10.0 * c * (t % 2 == 0 ? 1 : -1) + r.nextGaussian() * (0.5 + 0.2 * c));
        }
    }
}
