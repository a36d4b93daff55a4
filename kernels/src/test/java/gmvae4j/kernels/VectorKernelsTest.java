package gmvae4j.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every non-sgemm kernel of {@link VectorKernels} (1 and 2 threads) against {@link ScalarKernels}
 * on sizes that leave every possible vector tail, at random offsets.
 *
 * <p>Tolerances: add/sub/mul/scale/axpy/relu, their backward passes, addRow, colSumsAcc and
 * rowMax, mulAcc do the same float operations in the same order, so they must match bit for
 * bit. exp/log/tanh and what
 * is built on them (sigmoid, softplus, BCE, softmax, logsumexp) use {@link VectorMath}'s
 * deterministic polynomials, a few ulp from {@link Math}: 1e-5 relative + 1e-6 absolute (1e-7
 * where the value is a probability). Sums reassociate: n·1e-7 relative to Σ|x|.
 */
class VectorKernelsTest {

    // 1024 and 3072: whole blocks of the reductions and BCE (VectorKernels.BLOCK), no tail
    static final int[] SIZES = {1, 7, 15, 17, 31, 33, 127, 129, 783, 785, 1024, 3072, VectorKernels.PARALLEL_MIN + 33};
    static final ScalarKernels S = new ScalarKernels();
    static final Kernels[] VS = {new VectorKernels(1), new VectorKernels(2)};

    final Random r = new Random(42);

    float[] rand(int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * scale);
        return x;
    }

    float[] positive(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) Math.exp(r.nextGaussian() * 3);
        return x;
    }

    static void close(float[] want, float[] got, double rel, double abs, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            if (Float.isNaN(want[i]) && Float.isNaN(got[i])) continue;
            if (want[i] == got[i]) continue;
            // an infinity must be matched exactly: the tolerance below would be infinite too
            if (Float.isInfinite(want[i]) || Float.isInfinite(got[i]))
                fail(what + ": index " + i + " want " + want[i] + " got " + got[i]);
            double tol = rel * Math.abs(want[i]) + abs;
            if (!(Math.abs(want[i] - got[i]) <= tol))
                fail(what + ": index " + i + " want " + want[i] + " got " + got[i] + " (tol " + tol + ")");
        }
    }

    static void exact(float[] want, float[] got, String what) { close(want, got, 0, 0, what); }

    interface Unary { void apply(Kernels k, int n, float[] x, int xo, float[] out, int oo); }
    interface Binary { void apply(Kernels k, int n, float[] a, int ao, float[] b, int bo, float[] out, int oo); }

    void unary(String what, Unary op, float scale, boolean positiveInput, double rel, double abs) {
        for (int n : SIZES) {
            int xo = r.nextInt(4), oo = r.nextInt(4);
            float[] x = positiveInput ? positive(n + xo) : rand(n + xo, scale);
            float[] want = rand(n + oo, 1f);
            float[] start = want.clone();
            op.apply(S, n, x, xo, want, oo);
            for (Kernels v : VS) {
                float[] got = start.clone();
                op.apply(v, n, x, xo, got, oo);
                close(want, got, rel, abs, what + " n=" + n + " " + v.name() + "/" + v.threads());
            }
        }
    }

    void binary(String what, Binary op, double rel, double abs) {
        for (int n : SIZES) {
            int ao = r.nextInt(4), bo = r.nextInt(4), oo = r.nextInt(4);
            float[] a = rand(n + ao, 2f), b = rand(n + bo, 2f);
            float[] want = rand(n + oo, 1f);
            float[] start = want.clone();
            op.apply(S, n, a, ao, b, bo, want, oo);
            for (Kernels v : VS) {
                float[] got = start.clone();
                op.apply(v, n, a, ao, b, bo, got, oo);
                close(want, got, rel, abs, what + " n=" + n + " " + v.name() + "/" + v.threads());
            }
        }
    }

    @Test void add() { binary("add", Kernels::add, 0, 0); }
    @Test void sub() { binary("sub", Kernels::sub, 0, 0); }
    @Test void mul() { binary("mul", Kernels::mul, 0, 0); }
    @Test void mulAcc() { binary("mulAcc", Kernels::mulAcc, 0, 0); }
    @Test void reluBackward() { binary("reluBackward", Kernels::reluBackward, 0, 0); }
    @Test void sigmoidBackward() { binary("sigmoidBackward", Kernels::sigmoidBackward, 0, 0); }
    @Test void tanhBackward() { binary("tanhBackward", Kernels::tanhBackward, 0, 0); }
    @Test void softplusBackward() { binary("softplusBackward", Kernels::softplusBackward, 1e-5, 1e-6); }

    /**
     * subsampledPlanes: planes of stride 1, 2 and 3 over images of every parity and size around a
     * vector's width (7, 14 and 28 wide, as the conv layers have, and wider than two vectors),
     * starting above, left of and inside the image, three images (the array's first, middle and
     * last: the vector loads' fallback; or, half the time, three images inside a longer array, which
     * the vector routes take) into planes with gaps between them; bit for bit against the formula,
     * and nothing written outside the planes.
     */
    @Test
    void subsampledPlanes() {
        int[] sides = {1, 2, 5, 7, 13, 14, 15, 28, 29, 33, 40, 70};
        for (int step = 1; step <= 3; step++)
            for (int h : sides)
                for (int w : sides) {
                    int rows = Math.ceilDiv(h, step) + 1 + r.nextInt(3), width = Math.max(1, Math.ceilDiv(w, step) + r.nextInt(2) - r.nextInt(2));
                    int r0 = r.nextInt(4) - 2, c0 = r.nextInt(4) - 2, count = 3, d = r.nextInt(9), gap = r.nextInt(20);
                    int dstStride = rows * width + gap;
                    // half the time the images lie inside a larger array (values before and after
                    // them, as a batch's middle images do), so that vector loads past a plane's
                    // image stay inside the array and the vector routes run rather than their fallback
                    boolean inside = r.nextBoolean();
                    int so = inside ? 2 * w + 2 + r.nextInt(5) : 0, after = inside ? rows * w + 2 * w + 64 : 0;
                    float[] src = rand(so + count * h * w + after, 3f);
                    float[] want = rand(d + count * dstStride + 40, 1f), start = want.clone();
                    for (int i = 0; i < count; i++)
                        for (int a = 0; a < rows; a++)
                            for (int u = 0; u < width; u++) {
                                int iy = r0 + a * step, ix = c0 + u * step;
                                want[d + i * dstStride + a * width + u] = iy >= 0 && iy < h && ix >= 0 && ix < w ? src[so + i * h * w + iy * w + ix] : 0f;
                            }
                    String what = "subsampledPlanes step " + step + " " + h + "x" + w + " from (" + r0 + "," + c0 + ") " + rows + "x" + width + " gap " + gap
                            + (inside ? " inside" : "");
                    float[] scalar = start.clone();
                    S.subsampledPlanes(count, src, so, h * w, h, w, r0, c0, step, rows, width, scalar, d, dstStride);
                    exact(want, scalar, "scalar " + what);
                    for (Kernels v : VS) {
                        float[] got = start.clone();
                        v.subsampledPlanes(count, src, so, h * w, h, w, r0, c0, step, rows, width, got, d, dstStride);
                        exact(want, got, what + " " + v.name());
                    }
                }
    }

    /**
     * subsampledPlaneColumns: the planes of 4 (the vector backend's one-pass route) and 3 kernel
     * columns at once, step 2 (and 1 and 3, the per-column route), over images of every parity and
     * size around a vector's width, starting above, left of and inside the image, three images
     * (the array's first, middle and last) into planes with gaps between them and between the
     * columns' sets; bit for bit against the formula, and nothing written outside the planes.
     */
    @Test
    void subsampledPlaneColumns() {
        int[] sides = {1, 2, 5, 7, 8, 13, 14, 15, 16, 28, 29, 33};
        for (int step = 1; step <= 3; step++)
            for (int cols = 3; cols <= 4; cols++)
                for (int h : sides)
                    for (int w : sides) {
                        int rows = Math.ceilDiv(h, step) + 1 + r.nextInt(3), width = Math.max(1, Math.ceilDiv(w, step) + r.nextInt(2) - r.nextInt(2));
                        int r0 = r.nextInt(4) - 2, c0 = r.nextInt(4) - 2, count = 3, d = r.nextInt(9), gap = r.nextInt(20);
                        int dstStride = rows * width + gap, colStride = count * dstStride + r.nextInt(5);
                        float[] src = rand(count * h * w, 3f);
                        float[] want = rand(d + cols * colStride + 40, 1f), start = want.clone();
                        for (int k = 0; k < cols; k++)
                            for (int i = 0; i < count; i++)
                                for (int a = 0; a < rows; a++)
                                    for (int u = 0; u < width; u++) {
                                        int iy = r0 + a * step, ix = c0 + k + u * step;
                                        want[d + k * colStride + i * dstStride + a * width + u] =
                                                iy >= 0 && iy < h && ix >= 0 && ix < w ? src[i * h * w + iy * w + ix] : 0f;
                                    }
                        String what = "subsampledPlaneColumns " + cols + " step " + step + " " + h + "x" + w + " from (" + r0 + "," + c0
                                + ") " + rows + "x" + width + " gap " + gap;
                        float[] scalar = start.clone();
                        S.subsampledPlaneColumns(cols, colStride, count, src, 0, h * w, h, w, r0, c0, step, rows, width, scalar, d, dstStride);
                        exact(want, scalar, "scalar " + what);
                        for (Kernels v : VS) {
                            float[] got = start.clone();
                            v.subsampledPlaneColumns(cols, colStride, count, src, 0, h * w, h, w, r0, c0, step, rows, width, got, d, dstStride);
                            exact(want, got, what + " " + v.name());
                        }
                    }
    }

    /**
     * phasePlanes: strides 1, 2 (the vector route) and 3, planes of every height and width from 1
     * to 18 (odd and even, a row shorter than, as long as and longer than a vector: the last is the
     * scalar route), one to three planes with gaps between them, stored (with a bias per plane, or
     * none) and accumulated; the phases at offsets apart, and half the time ending right at the end
     * of src (the vector route's fallback); bit for bit against the formula, and nothing written
     * outside the planes.
     */
    @Test
    void phasePlanes() {
        for (int st = 1; st <= 3; st++)
            for (int h = 1; h <= 18; h++)
                for (int w = 1; w <= 18; w++)
                    for (int count = 1; count <= 3; count += 2)
                        for (int mode = 0; mode < 3; mode++) {
                            boolean overwrite = mode > 0;
                            int gh = Math.ceilDiv(h, st), gw = Math.ceilDiv(w, st), srcRow = gw + r.nextInt(3);
                            int srcPlane = gh * srcRow + r.nextInt(4), phaseStride = count * srcPlane + r.nextInt(5);
                            int srcOff = r.nextInt(7), tail = r.nextBoolean() ? 0 : 40;
                            float[] src = rand(srcOff + st * st * phaseStride + tail, 2f);
                            float[] add = mode == 2 ? rand(count + 2, 1f) : null;
                            int dstOff = r.nextInt(9), dstPlane = h * w + r.nextInt(20);
                            float[] want = rand(dstOff + count * dstPlane + 40, 1f), start = want.clone();
                            for (int i = 0; i < count; i++)
                                for (int y = 0; y < h; y++)
                                    for (int x = 0; x < w; x++) {
                                        int ph = st * (y % st) + x % st, d = dstOff + i * dstPlane + y * w + x;
                                        float v = src[srcOff + ph * phaseStride + i * srcPlane + (y / st) * srcRow + x / st];
                                        want[d] = overwrite ? v + (add == null ? 0f : add[1 + i]) : want[d] + v;
                                    }
                            String what = "phasePlanes stride " + st + ", " + count + " × " + h + "x" + w + (overwrite ? " stored" : " added")
                                    + (add != null ? " with bias" : "") + (tail == 0 ? " at the end of src" : "");
                            float[] scalar = start.clone();
                            S.phasePlanes(st, count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, 1, overwrite, scalar, dstOff, dstPlane);
                            exact(want, scalar, "scalar " + what);
                            for (Kernels v : VS) {
                                float[] got = start.clone();
                                v.phasePlanes(st, count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, 1, overwrite, got, dstOff, dstPlane);
                                exact(want, got, what + " " + v.name());
                            }
                        }
    }

    @Test void axpy() { unary("axpy", (k, n, x, xo, o, oo) -> k.axpy(n, -1.25f, x, xo, o, oo), 2f, false, 0, 0); }
    @Test void scale() { unary("scale", (k, n, x, xo, o, oo) -> k.scale(n, 0.3f, x, xo, o, oo), 2f, false, 0, 0); }
    @Test void relu() { unary("relu", Kernels::relu, 2f, false, 0, 0); }
    @Test void exp() { unary("exp", Kernels::exp, 10f, false, 1e-5, 1e-30); }
    @Test void log() { unary("log", Kernels::log, 1f, true, 1e-5, 1e-6); }
    @Test void tanh() { unary("tanh", Kernels::tanh, 3f, false, 1e-5, 1e-6); }
    @Test void sigmoid() { unary("sigmoid", Kernels::sigmoid, 30f, false, 1e-5, 1e-7); }
    @Test void softplus() { unary("softplus", Kernels::softplus, 30f, false, 1e-5, 1e-6); }

    /**
     * exp stores 0 where e^x is subnormal ({@link Subnormals}) and is exp everywhere else: inputs
     * from −110 to −80 by 0.001 (through the floor, ln MIN_NORMAL ≈ −87.34 and the float range's
     * end near −103.3), then −∞ and NaN, at offsets, on every kernel and both thread counts.
     */
    @Test
    void expStoresNoSubnormal() {
        int n = 30_000;
        float[] x = new float[n + 3];
        for (int i = 0; i < n; i++) x[1 + i] = -110f + 0.001f * i;
        x[n] = Float.NEGATIVE_INFINITY;
        x[n + 1] = Float.NaN;
        for (Kernels k : new Kernels[] {S, VS[0], VS[1]}) {
            float[] out = new float[n + 5];
            k.exp(n + 1, x, 1, out, 2);
            for (int i = 0; i < n - 1; i++) {
                float xi = x[1 + i], got = out[2 + i];
                double want = Math.exp(xi);
                String at = k.name() + " x=" + xi;
                if (want < Float.MIN_NORMAL) assertEquals(0f, got, 0f, at);
                else if (want > 1.001 * Float.MIN_NORMAL) assertEquals(want, got, 1e-5 * want, at);
                else assertTrue(got == 0f || Math.abs(got - want) <= 1e-5 * want, at);   // the band at the edge
            }
            assertEquals(0f, out[2 + n - 1], 0f, "exp(-inf) " + k.name());
            assertTrue(Float.isNaN(out[2 + n]), "exp(NaN) " + k.name());
            assertEquals(0f, out[1], 0f);
            assertEquals(0f, out[n + 3], 0f);   // nothing written outside
        }
        assertEquals(0f, Subnormals.exp(-87.4f), 0f);
        assertEquals(Math.exp(-87f), Subnormals.exp(-87f), 1e-5 * Math.exp(-87f));
        assertEquals(0f, Subnormals.flush(Float.MIN_NORMAL / 2), 0f);
        assertEquals(-Float.MIN_NORMAL, Subnormals.flush(-Float.MIN_NORMAL), 0f);
    }

    @Test
    void transcendentalsAtTheExtremes() {
        float[] x = {-1000f, -100f, -88.7f, -20f, -1e-8f, 0f, 1e-8f, 20f, 88.7f, 100f, 1000f,
                Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, -30f, 30f, 5f, -5f};
        for (Kernels v : VS) {
            for (Unary op : new Unary[] {Kernels::sigmoid, Kernels::softplus, Kernels::tanh, Kernels::exp, Kernels::relu}) {
                float[] want = new float[x.length], got = new float[x.length];
                op.apply(S, x.length, x, 0, want, 0);
                op.apply(v, x.length, x, 0, got, 0);
                close(want, got, 1e-5, 1e-7, "extremes " + v.name());
            }
        }
    }

    /** relu'(0) is 0 (the gradient passes only where x > 0): exact zeros, both signs, in vector lanes and tails. */
    @Test
    void reluBackwardAtZero() {
        for (int n : SIZES) {
            float[] x = rand(n + 1, 1f), gy = rand(n + 2, 1f), gx = rand(n + 3, 1f);
            for (int i = 0; i < n; i += 2) x[1 + i] = (i & 2) == 0 ? 0f : -0f;
            float[] want = gx.clone();
            S.reluBackward(n, x, 1, gy, 2, want, 3);
            for (int i = 0; i < n; i += 2) assertEquals(gx[3 + i], want[3 + i], "scalar: x = 0 at " + i + " passes no gradient");
            for (Kernels v : VS) {
                float[] got = gx.clone();
                v.reluBackward(n, x, 1, gy, 2, got, 3);
                exact(want, got, "reluBackward at 0, n=" + n + " " + v.threads());
            }
        }
    }

    /**
     * Adam where eps matters: tiny gradients from a zero state (v̂ far below eps²), against a
     * double-precision evaluation of the update p -= lr·(m̂/(√v̂ + eps) + wd·p).
     */
    @Test
    void adamWhereEpsDominates() {
        for (int n : new int[] {1, 17, 33, 1024 + 5}) {
            float[] g = new float[n + 2];
            for (int i = 0; i < n; i++) g[2 + i] = (float) ((i % 3 - 1) * 1e-10 * (1 + r.nextDouble()));
            float[] p = rand(n + 1, 1f);
            float lr = 0.1f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.01f, bc1 = 0.1f, bc2 = 0.001f;
            float[] want = new float[n];
            for (int i = 0; i < n; i++) {
                double m = (1 - (double) b1) * g[2 + i], v = (1 - (double) b2) * g[2 + i] * g[2 + i];
                want[i] = (float) (p[1 + i] - lr * (m / bc1 / (Math.sqrt(v / bc2) + eps) + wd * p[1 + i]));
            }
            for (Kernels k : new Kernels[] {S, VS[0], VS[1]}) {
                float[] pk = p.clone(), mk = new float[n + 3], vk = new float[n + 4];
                k.adam(n, pk, 1, g, 2, mk, 3, vk, 4, lr, b1, b2, eps, wd, bc1, bc2);
                close(want, java.util.Arrays.copyOfRange(pk, 1, n + 1), 1e-5, 1e-9, "adam, tiny gradients, " + k.name() + " n=" + n);
            }
        }
    }

    /**
     * Adam stores a moment that comes out subnormal as 0, in every lane and in the scalar tail,
     * and leaves the smallest normal moments and the parameters as the unflushed formula has them.
     * Each value decays from just above or below where β·x crosses {@link Float#MIN_NORMAL}, with
     * no gradient (a stopped parameter) or a tiny one (g² subnormal).
     */
    @Test
    void adamFlushesSubnormalMomentsOnly() {
        float b1 = 0.9f, b2 = 0.999f, bc1 = 0.5f, bc2 = 0.01f, lr = 2e-3f;
        for (int n : new int[] {1, 17, 33, VectorKernels.PARALLEL_MIN + 33}) {
            float[] g = new float[n + 2], m = new float[n + 3], v = new float[n + 4];
            for (int i = 0; i < n; i++) {
                boolean under = i % 2 == 0;   // β·x subnormal (flushed) or still normal (kept)
                m[3 + i] = (under ? 1.05f : 1.2f) * Float.MIN_NORMAL * (i % 4 < 2 ? 1 : -1);
                v[4 + i] = (under ? 1.0005f : 1.2f) * Float.MIN_NORMAL;
                g[2 + i] = i % 3 == 0 ? 1e-22f : 0f;   // (1−β1)·g normal, (1−β2)·g² subnormal
            }
            float[] p = rand(n + 1, 1f);
            for (Kernels k : new Kernels[] {S, VS[0], VS[1]}) {
                float[] pk = p.clone(), mk = m.clone(), vk = v.clone();
                k.adam(n, pk, 1, g, 2, mk, 3, vk, 4, lr, b1, b2, 1e-8f, 0f, bc1, bc2);
                for (int i = 0; i < n; i++) {
                    float gi = g[2 + i];
                    float mi = b1 * m[3 + i] + (1f - b1) * gi, vi = b2 * v[4 + i] + (1f - b2) * gi * gi;
                    String at = k.name() + " n=" + n + " i=" + i;
                    assertEquals(Math.abs(mi) < Float.MIN_NORMAL ? 0f : mi, mk[3 + i], 0f, "m " + at);
                    assertEquals(Math.abs(vi) < Float.MIN_NORMAL ? 0f : vi, vk[4 + i], 0f, "v " + at);
                    assertTrue(mk[3 + i] == 0f || Math.abs(mk[3 + i]) >= Float.MIN_NORMAL, "m subnormal " + at);
                    assertTrue(vk[4 + i] == 0f || vk[4 + i] >= Float.MIN_NORMAL, "v subnormal " + at);
                    float update = (mi / bc1) / ((float) Math.sqrt(vi / bc2) + 1e-8f);
                    assertEquals(p[1 + i] - lr * update, pk[1 + i], 0f, "p " + at);   // an update this small moves no parameter
                }
                assertTrue(countZero(vk, 4, n) >= n / 2, "v: too few flushed, " + k.name() + " n=" + n);   // every even i
                assertTrue(countZero(mk, 3, n) >= n / 4, "m: too few flushed, " + k.name() + " n=" + n);   // even i without g
            }
        }
    }

    private static int countZero(float[] x, int off, int n) {
        int z = 0;
        for (int i = 0; i < n; i++) if (x[off + i] == 0f) z++;
        return z;
    }

    /**
     * Softmax and logsumexp of logits far beyond float exp's range (±100): shifting by the row
     * maximum keeps them finite, in the scalar twin as in the vector kernels. Then both in place
     * on a matrix big enough to be split over threads (each row must be computed once).
     */
    @Test
    void rowOpsOnLargeLogitsAndInPlaceInParallel() {
        int rows = 200, cols = 785;   // 157,000 elements: above PARALLEL_MIN
        float[] x = rand(rows * cols + 1, 40f);
        float[] soft = new float[rows * cols], lse = new float[rows + 2];
        S.rowSoftmax(rows, cols, x, 1, soft, 0);
        S.rowLogSumExp(rows, cols, x, 1, lse, 2);
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            for (int j = 0; j < cols; j++) sum += soft[i * cols + j];
            assertEquals(1.0, sum, 1e-4, "scalar softmax row " + i + " sums to 1");
            assertTrue(Float.isFinite(lse[2 + i]), "scalar logsumexp row " + i);
        }
        for (Kernels v : VS) {
            float[] s2 = new float[rows * cols], l2 = new float[rows + 2];
            v.rowSoftmax(rows, cols, x, 1, s2, 0);
            v.rowLogSumExp(rows, cols, x, 1, l2, 2);
            close(soft, s2, 1e-5, 1e-7, "softmax of large logits " + v.threads());
            close(lse, l2, 1e-5, 1e-6, "logsumexp of large logits " + v.threads());
            float[] inPlace = java.util.Arrays.copyOfRange(x, 1, rows * cols + 1);
            v.rowSoftmax(rows, cols, inPlace, 0, inPlace, 0);
            close(soft, inPlace, 1e-5, 1e-7, "softmax in place " + rows + "x" + cols + " " + v.threads());
            float[] row = rand(cols, 1f), wantAdd = new float[rows * cols];
            S.addRow(rows, cols, x, 1, row, 0, wantAdd, 0);
            float[] added = java.util.Arrays.copyOfRange(x, 1, rows * cols + 1);
            v.addRow(rows, cols, added, 0, row, 0, added, 0);
            exact(wantAdd, added, "addRow in place " + rows + "x" + cols + " " + v.threads());
        }
    }

    interface Rowwise { void apply(Kernels k, int rows, int cols, float[] x, int xo, float[] out, int oo); }

    void rowwise(String what, Rowwise op, int outPerRow, boolean perCol, double rel, double abs) {
        int[] rowsList = {1, 3, 128};
        for (int rows : rowsList)
            for (int cols : SIZES) {
                if ((long) rows * cols > 3_000_000) continue;
                int xo = r.nextInt(4), oo = r.nextInt(4);
                float[] x = rand(rows * cols + xo, 3f);
                int outLen = perCol ? cols : rows * (outPerRow < 0 ? cols : outPerRow);
                float[] want = rand(outLen + oo, 1f), start = want.clone();
                op.apply(S, rows, cols, x, xo, want, oo);
                for (Kernels v : VS) {
                    float[] got = start.clone();
                    op.apply(v, rows, cols, x, xo, got, oo);
                    // reassociated sums: relative to the magnitude of what was summed
                    double tol = abs + (perCol ? rows : cols) * 1e-7 * 3 * Math.sqrt(Math.max(rows, cols));
                    close(want, got, rel, Math.max(abs, rel == 0 ? 0 : tol), what + " " + rows + "x" + cols + " " + v.threads());
                }
            }
    }

    @Test void rowSums() { rowwise("rowSums", Kernels::rowSums, 1, false, 1e-5, 1e-5); }
    @Test void rowMax() { rowwise("rowMax", Kernels::rowMax, 1, false, 0, 0); }
    @Test void colSumsAcc() { rowwise("colSumsAcc", Kernels::colSumsAcc, 0, true, 0, 0); }
    @Test void rowLogSumExp() { rowwise("rowLogSumExp", Kernels::rowLogSumExp, 1, false, 1e-5, 1e-6); }
    @Test void rowSoftmaxOutOfPlace() { rowwise("rowSoftmax", (k, rows, cols, x, xo, o, oo) -> k.rowSoftmax(rows, cols, x, xo, o, oo), -1, false, 1e-5, 1e-7); }

    /**
     * logSoftmaxBackward against the scalar reference: y a real log-softmax (so e^y is a probability),
     * a few of its values below the exp floor (e^y taken as 0), gx accumulated onto random values.
     * The vector kernel's e^y is VectorMath's, a few ulp from Math.exp: each value within 1e-5 of
     * itself plus 1e-6·(1 + |Σ dy|) of the reference. And the flushes: a result that would be
     * subnormal is 0 in both.
     */
    @Test
    void logSoftmaxBackward() {
        for (int rows : new int[] {1, 3, 128})
            for (int cols : SIZES) {
                if ((long) rows * cols > 400_000) continue;
                int yo = r.nextInt(4), go = r.nextInt(4), xo = r.nextInt(4);
                float[] x = rand(rows * cols, 3f), lse = new float[rows], y = new float[rows * cols + yo];
                S.rowLogSumExp(rows, cols, x, 0, lse, 0);
                for (int i = 0; i < rows * cols; i++) y[yo + i] = x[i] - lse[i / cols];
                for (int i = 0; i < rows * cols; i += 7) y[yo + i] = -90f - i % 5;       // e^y below the floor: 0
                float[] gy = rand(rows * cols + go, 1f), start = rand(rows * cols + xo, 1f), want = start.clone();
                S.logSoftmaxBackward(rows, cols, y, yo, gy, go, want, xo);
                for (Kernels v : VS) {
                    float[] got = start.clone();
                    v.logSoftmaxBackward(rows, cols, y, yo, gy, go, got, xo);
                    for (int i = 0; i < rows; i++) {
                        double total = 0;
                        for (int j = 0; j < cols; j++) total += gy[go + i * cols + j];
                        float[] w = java.util.Arrays.copyOfRange(want, xo + i * cols, xo + (i + 1) * cols);
                        float[] g = java.util.Arrays.copyOfRange(got, xo + i * cols, xo + (i + 1) * cols);
                        close(w, g, 1e-5, 1e-6 * (1 + Math.abs(total)), "logSoftmaxBackward " + rows + "x" + cols + " row " + i + " " + v.threads());
                    }
                    for (int i = 0; i < xo; i++) assertEquals(start[i], got[i], "nothing before gx");
                }
            }
        // results that would be subnormal are stored as 0; e^y below the floor adds nothing
        float[] y = {-100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f, -100f};
        float[] gy = new float[17];
        java.util.Arrays.fill(gy, 5e-39f);
        gy[3] = 0.5f;
        for (Kernels k : new Kernels[] {S, VS[0]}) {
            float[] gx = new float[17];
            k.logSoftmaxBackward(1, 17, y, 0, gy, 0, gx, 0);
            for (int j = 0; j < 17; j++) assertEquals(j == 3 ? 0.5f : 0f, gx[j], k.name() + " " + j);
        }
    }

    @Test
    void rowSoftmaxInPlaceAndAddRow() {
        for (int cols : SIZES) {
            if (cols > 10_000) continue;
            int rows = 5;
            float[] x = rand(rows * cols, 4f), row = rand(cols + 2, 1f);
            float[] want = x.clone();
            S.rowSoftmax(rows, cols, want, 0, want, 0);
            float[] wantAdd = new float[rows * cols];
            S.addRow(rows, cols, x, 0, row, 2, wantAdd, 0);
            for (Kernels v : VS) {
                float[] got = x.clone();
                v.rowSoftmax(rows, cols, got, 0, got, 0);
                close(want, got, 1e-5, 1e-7, "softmax in place " + cols);
                float[] gotAdd = x.clone();
                v.addRow(rows, cols, gotAdd, 0, row, 2, gotAdd, 0);
                exact(wantAdd, gotAdd, "addRow in place " + cols);
            }
        }
        // a row of -inf (the second of two): logsumexp is -inf, in the scalar twin as in the vector kernels
        float[] inf = {0f, 0f, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (Kernels k : new Kernels[] {S, VS[0]}) {
            float[] out = {7f, 7f, 7f, 7f};
            k.rowLogSumExp(2, 2, inf, 0, out, 1);
            assertEquals((float) Math.log(2), out[1], 1e-6f, k.name());
            assertEquals(Float.NEGATIVE_INFINITY, out[2], k.name());
            assertEquals(7f, out[0], k.name() + ": only its own outputs");
            assertEquals(7f, out[3], k.name() + ": only its own outputs");
        }
    }

    @Test
    void reductionsAndBce() {
        for (int n : SIZES) {
            int xo = r.nextInt(4);
            float[] x = rand(n + xo, 2f);
            float[] t = new float[n + 3];
            for (int i = 0; i < t.length; i++) t[i] = r.nextFloat();
            double absSum = 0, sqSum = 0;
            for (int i = 0; i < n; i++) { absSum += Math.abs(x[xo + i]); sqSum += (double) x[xo + i] * x[xo + i]; }
            float[] gWant = new float[n + 1];
            double bWant = S.bceWithLogits(n, x, xo, t, 3, gWant, 1, 0.25f);
            for (Kernels v : VS) {
                assertEquals(S.sum(n, x, xo), v.sum(n, x, xo), 1e-6 * absSum + 1e-12, "sum n=" + n);
                assertEquals(S.sumSquares(n, x, xo), v.sumSquares(n, x, xo), 1e-6 * sqSum + 1e-12, "sumSquares n=" + n);
                float[] g = new float[n + 1];
                double b = v.bceWithLogits(n, x, xo, t, 3, g, 1, 0.25f);
                assertEquals(bWant, b, 1e-5 * Math.abs(bWant) + 1e-6, "bce n=" + n);
                close(gWant, g, 1e-5, 1e-7, "bce grad n=" + n);
                assertEquals(bWant, v.bceWithLogits(n, x, xo, t, 3, null, 0, 1f), 1e-5 * Math.abs(bWant) + 1e-6);
            }
        }
    }

    @Test
    void adam() {
        for (int n : SIZES) {
            for (float wd : new float[] {0f, 0.01f}) {
                float[] p = rand(n + 1, 1f), g = rand(n + 2, 1f), m = rand(n + 3, 0.1f), v = positive(n + 4);
                float[] pw = p.clone(), mw = m.clone(), vw = v.clone();
                float bc1 = 1f - (float) Math.pow(0.9, 7), bc2 = 1f - (float) Math.pow(0.999, 7);
                S.adam(n, pw, 1, g, 2, mw, 3, vw, 4, 2e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
                for (Kernels k : VS) {
                    float[] pg = p.clone(), mg = m.clone(), vg = v.clone();
                    k.adam(n, pg, 1, g, 2, mg, 3, vg, 4, 2e-3f, 0.9f, 0.999f, 1e-8f, wd, bc1, bc2);
                    close(mw, mg, 1e-6, 1e-9, "adam m n=" + n);
                    close(vw, vg, 1e-6, 1e-9, "adam v n=" + n);
                    close(pw, pg, 1e-6, 1e-7, "adam p n=" + n);
                }
            }
        }
    }

    /**
     * sumLanes adds lanes i and i+w for w = L/2, ..., 1 (a fixed tree): bit for bit, on values
     * whose sum depends on the order (wide magnitudes, cancellations), so any other order shows.
     */
    @Test
    void sumLanesIsTheFixedHalvingTree() {
        var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
        int lanes = species.length();
        Random r = new Random(11);
        for (int t = 0; t < 2000; t++) {
            float[] v = new float[lanes];
            for (int i = 0; i < lanes; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            float[] tree = v.clone();
            for (int w = lanes / 2; w >= 1; w >>= 1)
                for (int i = 0; i < w; i++) tree[i] += tree[i + w];
            float got = VectorKernels.sumLanes(jdk.incubator.vector.FloatVector.fromArray(species, v, 0));
            if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(tree[0]))
                fail("sumLanes " + java.util.Arrays.toString(v) + ": " + got + " vs the tree's " + tree[0]);
        }
    }
}
