package gmvae4j.engine.gmvae;

import java.util.Random;
import java.util.stream.IntStream;

/**
 * k-means on n points of dimension d (row-major {@code float[n·d]}): k-means++ seeding, then
 * Lloyd iterations until no point changes cluster or {@code maxIter} is reached.
 *
 * <p>Used to initialise the GMVAE's prior means on the autoencoder's latent means. Seeded and
 * deterministic: the assignment step runs in parallel but each point's result does not depend
 * on the thread that computed it, and every sum is taken in a fixed order.
 */
public final class KMeans {

    private KMeans() {}

    /**
     * @param centers    k·d cluster centres
     * @param assign     n cluster indices
     * @param inertia    Σ squared distance of each point to its centre
     * @param iterations Lloyd iterations run
     */
    public record Result(float[] centers, int[] assign, int k, int d, double inertia, int iterations) {}

    /**
     * The tightest (least inertia) of {@code starts} fits seeded seed, seed+1, ...: k-means++ ends
     * in a different local optimum from each start, and the choice needs no labels.
     */
    public static Result fitBest(float[] x, int n, int d, int k, int maxIter, long seed, int starts) {
        if (starts < 1) throw new IllegalArgumentException("k-means needs at least one start, got " + starts);
        Result best = fit(x, n, d, k, maxIter, seed);
        for (int r = 1; r < starts; r++) {
            Result other = fit(x, n, d, k, maxIter, seed + r);
            if (other.inertia() < best.inertia()) best = other;
        }
        return best;
    }

    public static Result fit(float[] x, int n, int d, int k, int maxIter, long seed) {
        if (n < k) throw new IllegalArgumentException("k-means needs at least k=" + k + " points, got " + n);
        Random rng = new Random(seed);
        float[] centers = seedPlusPlus(x, n, d, k, rng);
        int[] assign = new int[n];
        java.util.Arrays.fill(assign, -1);
        float[] dist = new float[n];
        int it = 0;
        while (it < maxIter) {
            it++;
            boolean changed = assignAll(x, n, d, centers, k, assign, dist);
            if (!changed && it > 1) break;
            updateCenters(x, n, d, k, assign, dist, centers);
        }
        assignAll(x, n, d, centers, k, assign, dist);
        double inertia = 0;
        for (int i = 0; i < n; i++) inertia += dist[i];
        return new Result(centers, assign, k, d, inertia, it);
    }

    /**
     * k-means++: the first centre is a uniformly random point, each next one a point drawn with
     * probability proportional to its squared distance to the nearest centre chosen so far.
     */
    static float[] seedPlusPlus(float[] x, int n, int d, int k, Random rng) {
        float[] c = new float[k * d];
        double[] nearest = new double[n];
        int first = rng.nextInt(n);
        System.arraycopy(x, first * d, c, 0, d);
        for (int i = 0; i < n; i++) nearest[i] = sqDist(x, i * d, c, 0, d);
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) total += nearest[i];
            int pick = n - 1;
            if (total > 0) {
                double r = rng.nextDouble() * total, acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += nearest[i];
                    if (acc >= r) { pick = i; break; }
                }
            } else {
                pick = rng.nextInt(n); // all points coincide with a centre
            }
            System.arraycopy(x, pick * d, c, j * d, d);
            final int cj = j;
            IntStream.range(0, n).parallel().forEach(i -> {
                double dd = sqDist(x, i * d, c, cj * d, d);
                if (dd < nearest[i]) nearest[i] = dd;
            });
        }
        return c;
    }

    /** Nearest centre for every point; returns whether any assignment changed. */
    static boolean assignAll(float[] x, int n, int d, float[] c, int k, int[] assign, float[] dist) {
        boolean[] changed = new boolean[1];
        IntStream.range(0, n).parallel().forEach(i -> {
            int best = nearest(x, i * d, c, k, d);
            dist[i] = (float) sqDist(x, i * d, c, best * d, d);
            if (assign[i] != best) { assign[i] = best; changed[0] = true; }
        });
        return changed[0];
    }

    /** Index of the centre nearest to point x[off..off+d) (float arithmetic: this is the hot loop). */
    public static int nearest(float[] x, int off, float[] c, int k, int d) {
        int best = 0;
        float bestD = Float.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            float dd = 0;
            int co = j * d;
            for (int t = 0; t < d; t++) {
                float v = x[off + t] - c[co + t];
                dd += v * v;
            }
            if (dd < bestD) { bestD = dd; best = j; }
        }
        return best;
    }

    /**
     * Centres = means of their members. An empty cluster is moved onto the point farthest from
     * its own centre (and that point is then taken), so all k clusters stay in use.
     */
    static void updateCenters(float[] x, int n, int d, int k, int[] assign, float[] dist, float[] c) {
        double[] sum = new double[k * d];
        int[] count = new int[k];
        for (int i = 0; i < n; i++) {
            int a = assign[i];
            count[a]++;
            for (int t = 0; t < d; t++) sum[a * d + t] += x[i * d + t];
        }
        for (int j = 0; j < k; j++) {
            if (count[j] > 0) {
                for (int t = 0; t < d; t++) c[j * d + t] = (float) (sum[j * d + t] / count[j]);
            } else {
                int far = 0;
                for (int i = 1; i < n; i++) if (dist[i] > dist[far]) far = i;
                System.arraycopy(x, far * d, c, j * d, d);
                dist[far] = 0;
            }
        }
    }

    static double sqDist(float[] a, int ao, float[] b, int bo, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double v = a[ao + t] - b[bo + t];
            s += v * v;
        }
        return s;
    }
}
