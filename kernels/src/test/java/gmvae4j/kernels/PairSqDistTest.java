package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

/**
 * {@link Kernels#pairSqDist} and its backward pass: the Vector API kernels against the scalar
 * reference (the interface's default), on component counts that leave every vector tail, at
 * random offsets. FMA and the lane-wise sums reassociate, hence a small relative tolerance.
 */
class PairSqDistTest {

    final Random r = new Random(7);
    static final ScalarKernels S = new ScalarKernels();
    static final Kernels[] VS = {new VectorKernels(1), new VectorKernels(2)};

    float[] rand(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    float[] positive(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.exp(r.nextGaussian());
        return x;
    }

    @Test
    void forwardAndBackwardMatchTheScalarReference() {
        for (int kk : new int[] {1, 7, 16, 17, 100, 131})
            for (int d : new int[] {1, 10, 32}) {
                int rows = 1 + r.nextInt(9), o = r.nextInt(3);
                float[] x = rand(o + rows * d), c = rand(o + d * kk), w = positive(o + d * kk), g = rand(o + rows * kk);
                float[] out = new float[o + rows * kk];
                S.pairSqDist(rows, d, kk, x, o, c, o, w, o, out, o);
                float[] gx = rand(o + rows * d), gc = rand(o + d * kk), gw = rand(o + d * kk);
                float[] gx0 = gx.clone(), gc0 = gc.clone(), gw0 = gw.clone();
                S.pairSqDistBackward(rows, d, kk, x, o, c, o, w, o, g, o, gx, o, gc, o, gw, o);
                for (Kernels v : VS) {
                    String what = "K=" + kk + " d=" + d + " rows=" + rows + " " + v.name() + "/" + v.threads();
                    float[] got = new float[out.length];
                    v.pairSqDist(rows, d, kk, x, o, c, o, w, o, got, o);
                    VectorKernelsTest.close(out, got, 1e-5, 1e-5, "pairSqDist " + what);
                    float[] hx = gx0.clone(), hc = gc0.clone(), hw = gw0.clone();
                    v.pairSqDistBackward(rows, d, kk, x, o, c, o, w, o, g, o, hx, o, hc, o, hw, o);
                    VectorKernelsTest.close(gx, hx, 1e-4, 1e-4, "pairSqDistBackward gx " + what);
                    VectorKernelsTest.close(gc, hc, 1e-4, 1e-4, "pairSqDistBackward gc " + what);
                    VectorKernelsTest.close(gw, hw, 1e-4, 1e-4, "pairSqDistBackward gw " + what);
                }
            }
    }
}
