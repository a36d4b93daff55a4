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
    /**
     * At a training step's size (batch 128, K = 100 and an odd K, z = 32) the kernels split over
     * threads (forward by rows, backward by latent coordinate): two threads must give one thread's
     * floats exactly, and both the scalar reference's within rounding.
     */
    @Test
    void threadsSplitTheWorkWithoutChangingABit() {
        for (int kk : new int[] {100, 131}) {
            int rows = 128, d = 32, o = 1;
            float[] x = rand(o + rows * d), c = rand(o + d * kk), w = positive(o + d * kk), g = rand(o + rows * kk);
            float[] gx0 = rand(o + rows * d), gc0 = rand(o + d * kk), gw0 = rand(o + d * kk);
            float[] out = new float[o + rows * kk], gx = gx0.clone(), gc = gc0.clone(), gw = gw0.clone();
            S.pairSqDist(rows, d, kk, x, o, c, o, w, o, out, o);
            S.pairSqDistBackward(rows, d, kk, x, o, c, o, w, o, g, o, gx, o, gc, o, gw, o);
            float[][] got = new float[VS.length][], hx = new float[VS.length][], hc = new float[VS.length][], hw = new float[VS.length][];
            for (int i = 0; i < VS.length; i++) {
                got[i] = new float[out.length];
                hx[i] = gx0.clone();
                hc[i] = gc0.clone();
                hw[i] = gw0.clone();
                VS[i].pairSqDist(rows, d, kk, x, o, c, o, w, o, got[i], o);
                VS[i].pairSqDistBackward(rows, d, kk, x, o, c, o, w, o, g, o, hx[i], o, hc[i], o, hw[i], o);
                String what = "K=" + kk + " " + VS[i].threads() + " thread(s)";
                VectorKernelsTest.close(out, got[i], 1e-5, 1e-5, "pairSqDist " + what);
                VectorKernelsTest.close(gx, hx[i], 1e-4, 1e-4, "pairSqDistBackward gx " + what);
                VectorKernelsTest.close(gc, hc[i], 1e-4, 1e-3, "pairSqDistBackward gc " + what);
                VectorKernelsTest.close(gw, hw[i], 1e-4, 1e-3, "pairSqDistBackward gw " + what);
            }
            VectorKernelsTest.exact(got[0], got[1], "pairSqDist 1 vs 2 threads K=" + kk);
            VectorKernelsTest.exact(hx[0], hx[1], "pairSqDistBackward gx 1 vs 2 threads K=" + kk);
            VectorKernelsTest.exact(hc[0], hc[1], "pairSqDistBackward gc 1 vs 2 threads K=" + kk);
            VectorKernelsTest.exact(hw[0], hw[1], "pairSqDistBackward gw 1 vs 2 threads K=" + kk);
        }
    }
}
