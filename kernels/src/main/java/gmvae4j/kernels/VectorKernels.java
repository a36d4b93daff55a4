package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.IntConsumer;

/**
 * The Vector API backend: every kernel of {@link Kernels} on the widest float vectors the CPU
 * has (16 lanes on AVX-512), with a scalar loop for the tail that does not fill a vector.
 *
 * <p>sgemm is the BLIS-style {@link Sgemm}. Elementwise kernels over at least
 * {@link #PARALLEL_MIN} elements are cut into one contiguous chunk per thread (they are
 * memory-bound, so below that size waking a helper costs more than it saves). Reductions
 * returning a double stay on one thread so their result does not depend on the thread count,
 * except sumSquares, which cuts its input into fixed chunks (not per thread) for the same reason.
 *
 * <p>exp, log, log1p and tanh (and sigmoid, softplus, softmax, logsumexp, BCE built on them) use
 * {@link VectorMath}, not the Vector API's lanewise EXP/LOG/LOG1P/TANH: those are Java
 * {@link Math} per lane until C2 compiles the method and SVML after, which differ in the last bit,
 * so results (and trained models) depended on JIT timing. VectorMath uses only exactly rounded
 * operations, so each result depends only on its input, in every execution mode and in vector
 * lanes and scalar tails alike. Within a few ulp of {@link StrictMath}, not bit-identical to
 * {@link ScalarKernels}.
 */
public final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /**
     * Elementwise kernels with fewer elements run on the calling thread. Measured (2 cores,
     * shared machine): at 64K elements two threads gain nothing on add/exp/adam, at 128K they
     * take 40-50% off add and adam.
     */
    static final int PARALLEL_MIN = 1 << 17;

    private final Parallel par;

    /** A backend on {@link Parallel#defaultThreads()} threads. */
    public VectorKernels() { this(Parallel.defaultThreads()); }

    public VectorKernels(int threads) { this.par = Parallel.shared(threads); }

    @Override public String name() { return "vector(" + S.vectorBitSize() + "-bit)"; }

    @Override public int threads() { return par.threads(); }

    @Override public void parallelFor(int tasks, IntConsumer task) { par.run(tasks, task); }

    /** The thread team behind this backend. */
    public Parallel parallel() { return par; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Sgemm.sgemm(par, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    @Override
    public PackedB packedB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        return PackedB.shared(transB, k, n) ? new PackedB(transB, k, n, b, bOff, ldb) : null;
    }

    @Override
    public void sgemmPacked(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                            PackedB b, float beta, float[] c, int cOff, int ldc) {
        Sgemm.sgemmPacked(par, transA, m, n, k, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
    }

    @Override
    public void sgemmRowBias(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        Sgemm.sgemmRowBias(par, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
    }

    @Override
    public void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        RowDots.rowDots(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public boolean hasLaneTiles() { return LaneTile.USABLE; }

    @Override
    public void laneTile(int nseg, int[] segA, int[] segB, int kc, float[] a, float[] b, float[] out, int o) {
        if (!LaneTile.USABLE) { Kernels.super.laneTile(nseg, segA, segB, kc, a, b, out, o); return; }
        LaneTile.tile(nseg, segA, segB, kc, a, b, out, o);
    }

    @Override
    public void toLanes(float[] src, int sOff, int imgStride, int images, int channels, int pixels, float[] dst, int dOff,
                        int pixelStride) {
        if (!LaneTile.USABLE) { Kernels.super.toLanes(src, sOff, imgStride, images, channels, pixels, dst, dOff, pixelStride); return; }
        LaneTile.toLanes(src, sOff, imgStride, images, channels, pixels, dst, dOff, pixelStride);
    }

    @Override
    public void fromLanes(float[] src, int sOff, int pixelStride, int images, int channels, int pixels, float[] bias,
                          boolean overwrite, float[] dst, int dOff, int imgStride, int chanStride) {
        if (!LaneTile.USABLE) {
            Kernels.super.fromLanes(src, sOff, pixelStride, images, channels, pixels, bias, overwrite, dst, dOff, imgStride, chanStride);
            return;
        }
        LaneTile.fromLanes(src, sOff, pixelStride, images, channels, pixels, bias, overwrite, dst, dOff, imgStride, chanStride);
    }

    @Override
    public void tapGemm(int m, int taps, int images, int npix, float[] a, float[] init, float[] planes, int imgStride,
                        int[] tapOff, float beta, float[] c, int cOff, int cImg, int ldc) {
        TapGemm.product(m, taps, images, npix, a, init, planes, imgStride, tapOff, beta, c, cOff, cImg, ldc);
    }

    /** Stride 2 by lane permutes ({@link Subsample}); other steps by the scalar reference. */
    @Override
    public void subsampledPlanes(int count, float[] src, int so, int srcStride, int h, int w, int r0, int c0, int step,
                                 int rows, int width, float[] dst, int d, int dstStride) {
        if (step == 2) Subsample.planes(count, src, so, srcStride, h, w, r0, c0, rows, width, dst, d, dstStride);
        else if (step == 1 && width == w) Subsample.shifted(count, src, so, srcStride, h, w, r0, c0, rows, dst, d, dstStride);
        else Kernels.super.subsampledPlanes(count, src, so, srcStride, h, w, r0, c0, step, rows, width, dst, d, dstStride);
    }

    @Override
    public void subsampledPlaneColumns(int cols, int colStride, int count, float[] src, int so, int srcStride, int h, int w,
                                       int r0, int c0, int step, int rows, int width, float[] dst, int d, int dstStride) {
        if (step == 2 && cols == 4
                && Subsample.fourColumns(count, src, so, srcStride, h, w, r0, c0, rows, width, dst, d, dstStride, colStride)) return;
        Kernels.super.subsampledPlaneColumns(cols, colStride, count, src, so, srcStride, h, w, r0, c0, step, rows, width, dst, d, dstStride);
    }

    /** Stride 2, each row one vector ({@link PhaseRows}); other strides and rows wider than a vector by the scalar reference. */
    @Override
    public void phasePlanes(int stride, int count, int h, int w, float[] src, int srcOff, int phaseStride, int srcPlane, int srcRow,
                            float[] add, int addOff, boolean overwrite, float[] dst, int dstOff, int dstPlane) {
        if (stride == 2 && PhaseRows.fits(w))
            PhaseRows.planes(count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, addOff, overwrite, dst, dstOff, dstPlane);
        else Kernels.super.phasePlanes(stride, count, h, w, src, srcOff, phaseStride, srcPlane, srcRow, add, addOff, overwrite, dst, dstOff, dstPlane);
    }

    @Override
    public void tapGradient(int m, int taps, int images, int npix, float[] gy, int gyOff, int gyImg, float[] planes,
                            int imgStride, int[] tapOff, float[] gw, int gwOff, int ldw) {
        TapGemm.gradient(m, taps, images, npix, gy, gyOff, gyImg, planes, imgStride, tapOff, gw, gwOff, ldw);
    }

    @Override
    public void convSame(int inC, int h, int w, int outC, int kH, int kW, float[] x, int xOff, float[] wt, float[] bias,
                         float[] y, int yOff) {
        ConvDirect.convSame(inC, h, w, outC, kH, kW, x, xOff, wt, bias, y, yOff);
    }

    @Override
    public void convBackwardInputTaps(int inC, int inH, int inW, int outC, int k, int stride, int pad, float[] gy, int gyOff,
                                      float[] wt, float[] gx, int gxOff) {
        if (ConvTapSums.handles(k, stride, pad, inH, inW)) ConvTapSums.backwardInput(inC, inH, inW, outC, k, stride, gy, gyOff, wt, gx, gxOff);
        else Kernels.super.convBackwardInputTaps(inC, inH, inW, outC, k, stride, pad, gy, gyOff, wt, gx, gxOff);
    }

    @Override
    public void convWeightPatches(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n,
                                  float[] out, int outOff) {
        if (PatchLanes.USABLE && PatchLanes.layer(4, 2, 1, h, w)) PatchLanes.weights(inC, h, w, outC, x, xOff, gy, gyOff, n, out, outOff);
        else Kernels.super.convWeightPatches(inC, h, w, outC, x, xOff, gy, gyOff, n, out, outOff);
    }

    @Override
    public void convWeightDirect(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n,
                                 float[] out, int outOff) {
        if (ConvDirectWeight.USABLE) ConvDirectWeight.weights(inC, h, w, outC, x, xOff, gy, gyOff, n, out, outOff);
        else Kernels.super.convWeightDirect(inC, h, w, outC, x, xOff, gy, gyOff, n, out, outOff);
    }

    // ---------------------------------------------------------------- splitting big loops

    private interface Range { void apply(int lo, int hi); }

    /** Runs r over [0, n), in per-thread chunks when n is large. */
    private void split(int n, Range r) {
        int t = par.threads();
        if (t == 1 || n < PARALLEL_MIN || Parallel.insideRegion()) {
            r.apply(0, n);
            return;
        }
        int per = ((n + t - 1) / t + L - 1) / L * L;
        par.run((n + per - 1) / per, i -> r.apply(i * per, Math.min(n, (i + 1) * per)));
    }

    private static int bound(int lo, int hi) { return lo + S.loopBound(hi - lo); }

    // ---------------------------------------------------------------- elementwise

    @Override public void add(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = a[ao + i] + b[bo + i];
        });
    }

    @Override public void sub(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = a[ao + i] - b[bo + i];
        });
    }

    @Override public void mul(int n, float[] a, int ao, float[] b, int bo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = a[ao + i] * b[bo + i];
        });
    }

    @Override public void mulAcc(int n, float[] a, int ao, float[] b, int bo, float[] acc, int co) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                // mul then add, not fma: the same two roundings as the scalar twin
                FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i))
                        .add(FloatVector.fromArray(S, acc, co + i)).intoArray(acc, co + i);
            for (; i < hi; i++) acc[co + i] += a[ao + i] * b[bo + i];
        });
    }

    @Override public void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                FloatVector.fromArray(S, x, xo + i).mul(alpha).add(FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
            for (; i < hi; i++) y[yo + i] += alpha * x[xo + i];
        });
    }

    @Override public void scale(int n, float alpha, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                FloatVector.fromArray(S, x, xo + i).mul(alpha).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = alpha * x[xo + i];
        });
    }

    @Override public void exp(int n, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                expFlushed(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = expFlushed(x[xo + i]);
        });
    }

    @Override public void log(int n, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                VectorMath.log(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = VectorMath.log(x[xo + i]);
        });
    }

    private static FloatVector sigmoid(FloatVector x) { return VectorMath.sigmoid(x); }

    private static FloatVector softplus(FloatVector x) { return VectorMath.softplus(x); }

    @Override public void sigmoid(int n, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = VectorMath.sigmoid(x[xo + i]);
        });
    }

    @Override public void softplus(int n, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                softplus(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = VectorMath.softplus(x[xo + i]);
        });
    }

    @Override public void relu(int n, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = Math.max(x[xo + i], 0f);
        });
    }

    @Override public void tanh(int n, float[] x, int xo, float[] out, int oo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L)
                VectorMath.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(out, oo + i);
            for (; i < hi; i++) out[oo + i] = VectorMath.tanh(x[xo + i]);
        });
    }

    @Override public void reluBackward(int n, float[] x, int xo, float[] gy, int go, float[] gx, int gxo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L) {
                VectorMask<Float> pos = FloatVector.fromArray(S, x, xo + i).compare(VectorOperators.GT, 0f);
                FloatVector g = FloatVector.fromArray(S, gx, gxo + i);
                g.add(FloatVector.fromArray(S, gy, go + i), pos).intoArray(gx, gxo + i);
            }
            for (; i < hi; i++) if (x[xo + i] > 0f) gx[gxo + i] += gy[go + i];
        });
    }

    @Override public void sigmoidBackward(int n, float[] y, int yo, float[] gy, int go, float[] gx, int gxo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L) {
                FloatVector s = FloatVector.fromArray(S, y, yo + i);
                FloatVector d = FloatVector.fromArray(S, gy, go + i).mul(s).mul(s.neg().add(1f));
                d.add(FloatVector.fromArray(S, gx, gxo + i)).intoArray(gx, gxo + i);
            }
            for (; i < hi; i++) {
                float s = y[yo + i];
                gx[gxo + i] += gy[go + i] * s * (1f - s);
            }
        });
    }

    @Override public void tanhBackward(int n, float[] y, int yo, float[] gy, int go, float[] gx, int gxo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L) {
                FloatVector t = FloatVector.fromArray(S, y, yo + i);
                FloatVector d = FloatVector.fromArray(S, gy, go + i).mul(t.mul(t).neg().add(1f));
                d.add(FloatVector.fromArray(S, gx, gxo + i)).intoArray(gx, gxo + i);
            }
            for (; i < hi; i++) {
                float t = y[yo + i];
                gx[gxo + i] += gy[go + i] * (1f - t * t);
            }
        });
    }

    @Override public void softplusBackward(int n, float[] x, int xo, float[] gy, int go, float[] gx, int gxo) {
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L) {
                FloatVector d = FloatVector.fromArray(S, gy, go + i).mul(sigmoid(FloatVector.fromArray(S, x, xo + i)));
                d.add(FloatVector.fromArray(S, gx, gxo + i)).intoArray(gx, gxo + i);
            }
            for (; i < hi; i++) gx[gxo + i] += gy[go + i] * VectorMath.sigmoid(x[xo + i]);
        });
    }

    // ---------------------------------------------------------------- row-wise

    /** Runs body(row) over rows, in per-thread slabs of rows when the matrix is large. */
    private void rows(int rows, int cols, IntConsumer body) {
        split2(rows, (long) rows * cols, body);
    }

    /**
     * {@link #rows} for a body that computes an exp or a log per element: each element is then
     * worth about {@value #TRANSCENDENTAL_COST} plain ones against {@link #PARALLEL_MIN}, which
     * was measured on adds. BCE's 128×784 logits of a training step stayed on one thread under
     * the plain count (100,352 elements), at about 0.4 ms of a 15 ms two-thread step.
     */
    private void transcendentalRows(int rows, int cols, IntConsumer body) {
        split2(rows, (long) rows * cols * TRANSCENDENTAL_COST, body);
    }

    /** Work of one exp/log element against one add, for {@link #transcendentalRows}. */
    static final int TRANSCENDENTAL_COST = 8;

    /**
     * body(row) over rows, in per-thread slabs when {@code work} (the loop's cost in plain
     * elementwise operations: its element count, more for costlier bodies) reaches {@link #PARALLEL_MIN}.
     */
    private void split2(int rows, long work, IntConsumer body) {
        int t = par.threads();
        if (t == 1 || work < PARALLEL_MIN || rows < 2 || Parallel.insideRegion()) {
            for (int i = 0; i < rows; i++) body.accept(i);
            return;
        }
        int per = (rows + t - 1) / t;
        par.run((rows + per - 1) / per, s -> {
            for (int i = s * per, e = Math.min(rows, (s + 1) * per); i < e; i++) body.accept(i);
        });
    }

    @Override public void addRow(int rows, int cols, float[] x, int xo, float[] row, int ro, float[] out, int oo) {
        rows(rows, cols, i -> {
            int xr = xo + i * cols, or = oo + i * cols, j = 0;
            for (int e = S.loopBound(cols); j < e; j += L)
                FloatVector.fromArray(S, x, xr + j).add(FloatVector.fromArray(S, row, ro + j)).intoArray(out, or + j);
            for (; j < cols; j++) out[or + j] = x[xr + j] + row[ro + j];
        });
    }

    @Override public void colSumsAcc(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        // Row by row, so each out[j] sums its column top to bottom, like the scalar twin.
        for (int i = 0; i < rows; i++) {
            int xr = xo + i * cols, j = 0;
            for (int e = S.loopBound(cols); j < e; j += L)
                FloatVector.fromArray(S, out, oo + j).add(FloatVector.fromArray(S, x, xr + j)).intoArray(out, oo + j);
            for (; j < cols; j++) out[oo + j] += x[xr + j];
        }
    }

    /**
     * The bits of the lane mask a .. b−1, clipped to 0 .. L (none when b ≤ a): for
     * {@code VectorMask.fromLong}. The kernels that mask a row's first or last lanes share it
     * ({@link Subsample}, {@link TapGemm}, which pass masks into their tiles as these bits).
     */
    static long laneBits(int a, int b) {
        a = Math.max(a, 0);
        b = Math.min(b, L);
        if (b <= a) return 0L;
        long bits = b >= 64 ? -1L : (1L << b) - 1;
        return bits & -(1L << a);
    }

    /**
     * The lanes of v added in a fixed order (a halving tree). Not reduceLanes(ADD): its order is
     * unspecified, and on x86 the C2 intrinsic adds in a different order than the Java fallback
     * that runs before C2 compiles the method, so sums changed in the last bit with JIT timing
     * (measured: rowSums, rowLogSumExp, rowSoftmax, sum differed cold vs warm). reduceLanes(MAX)
     * stays: max does not depend on the order.
     */
    static float sumLanes(FloatVector v) {
        // A fixed tree: lanes i and i+w added for w = L/2, L/4, ..., 1. Every add is an exactly
        // rounded IEEE add in an order that does not depend on the JIT, and nothing is allocated
        // (an intoArray into a fresh float[] here cost 1.9 MB per training step). The partner
        // lanes come by rearrange with constant shuffles (i → i+w, wrapping: the wrapped lanes
        // are never read again), one permute each. slice(w), which gives the same lanes that
        // matter, compiled to far slower code: a 32×9×784 rowDots (288 lane sums) took 14.6 µs
        // with it, 6.0-6.5 with this (loaded 2-core machine); halving by reinterpretShape to
        // 256 and 128 bits measured slower again (6.9).
        if (L >= 16) v = v.add(v.rearrange(HALF_16));
        if (L >= 8) v = v.add(v.rearrange(HALF_8));
        if (L >= 4) v = v.add(v.rearrange(HALF_4));
        if (L >= 2) v = v.add(v.rearrange(HALF_2));
        return v.lane(0);
    }

    /**
     * out[oo + i] = {@link #sumLanes} of the vector at lanes[i·L ..], for i &lt; n: for a register
     * tile's sums, which the caller stores to lanes first. Summed inline in a big tile method, the
     * sums past the first few were compiled as calls (C2 had spent its inlining budget on the
     * tile's loads and FMAs), each boxing its vector: a 4×4 gradient tile allocated 13 vectors and
     * made 13 calls, as long as 60 of its pixel steps. Passing the vectors to a helper would box
     * them too; an array does not. The tree is written out here rather than calling
     * {@link #sumLanes(FloatVector)}, so that no vector crosses a call that C2 might not inline
     * (in one {@code bench kernels} process that call was not inlined here, and the 3×3 weight
     * gradient allocated 3.4 MB per call).
     */
    static void sumLanes(float[] lanes, int n, float[] out, int oo) {
        sumLanes(lanes, 0, n, out, oo);
    }

    /** The same for the n vectors stored from lanes[lo] on. */
    static void sumLanes(float[] lanes, int lo, int n, float[] out, int oo) {
        for (int i = 0; i < n; i++) {
            FloatVector v = FloatVector.fromArray(S, lanes, lo + i * L);
            if (L >= 16) v = v.add(v.rearrange(HALF_16));
            if (L >= 8) v = v.add(v.rearrange(HALF_8));
            if (L >= 4) v = v.add(v.rearrange(HALF_4));
            if (L >= 2) v = v.add(v.rearrange(HALF_2));
            out[oo + i] = v.lane(0);
        }
    }

    /** The most sums one register tile stores for {@link #sumLanes(float[], int, float[], int)} (a 4×4 tile). */
    static final int MAX_TILE_SUMS = 16;

    private static final ThreadLocal<float[]> LANE_SUMS = ThreadLocal.withInitial(() -> new float[MAX_TILE_SUMS * (L + 1)]);

    /**
     * This thread's buffer for a register tile's sums: up to {@link #MAX_TILE_SUMS} vectors stored at
     * i·L, then their lane sums after them. One per thread for every tile kernel that sums lanes this
     * way (the row dots' 4×3 tile, the tap gradient's 4×4): a thread runs one tile at a time. Fetch it
     * once per call, not per tile (a ThreadLocal look-up per tile showed in the 3×3 weight gradient).
     */
    static float[] laneSums() { return LANE_SUMS.get(); }

    /** Lane i takes lane (i + w) mod L, for w = 8, 4, 2, 1 (only those up to L/2 are used). */
    private static final VectorShuffle<Float> HALF_16 = rotate(8), HALF_8 = rotate(4), HALF_4 = rotate(2), HALF_2 = rotate(1);

    private static VectorShuffle<Float> rotate(int w) {
        return VectorShuffle.fromOp(S, i -> (i + w) % L);
    }

    private static float rowSum(float[] x, int r, int cols) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (int e = S.loopBound(cols); j < e; j += L) acc = acc.add(FloatVector.fromArray(S, x, r + j));
        float s = sumLanes(acc);
        for (; j < cols; j++) s += x[r + j];
        return s;
    }

    private static float rowMax(float[] x, int r, int cols) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int e = S.loopBound(cols); j < e; j += L) acc = acc.max(FloatVector.fromArray(S, x, r + j));
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; j < cols; j++) m = Math.max(m, x[r + j]);
        return m;
    }

    @Override public void rowSums(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        rows(rows, cols, i -> out[oo + i] = rowSum(x, xo + i * cols, cols));
    }

    @Override public void rowMax(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        rows(rows, cols, i -> out[oo + i] = rowMax(x, xo + i * cols, cols));
    }

    /** Σ_j exp(x[r+j] - mx). */
    private static float sumExpShifted(float[] x, int r, int cols, float mx) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (int e = S.loopBound(cols); j < e; j += L)
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, r + j).sub(mx)));
        float s = sumLanes(acc);
        for (; j < cols; j++) s += VectorMath.exp(x[r + j] - mx);
        return s;
    }

    @Override public void rowLogSumExp(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        transcendentalRows(rows, cols, i -> {
            int r = xo + i * cols;
            float mx = rowMax(x, r, cols);
            out[oo + i] = mx == Float.NEGATIVE_INFINITY ? mx : mx + VectorMath.log(sumExpShifted(x, r, cols, mx));
        });
    }

    /**
     * Vectorised along the row, e^y by {@link VectorMath} (so within a few ulp of the scalar
     * reference's, not its bits); the row sum of gy in double, in order, as there. The engine's
     * scalar loop with one {@code Math.exp} a value took 30 µs of a mixture shard's 230 µs of ELBO
     * terms (64 rows × K = 100, forward and backward; JFR of that alone).
     */
    @Override public void logSoftmaxBackward(int rows, int cols, float[] y, int yo, float[] gy, int gyo, float[] gx, int gxo) {
        transcendentalRows(rows, cols, i -> {
            int yi = yo + i * cols, gi = gyo + i * cols, xi = gxo + i * cols;
            double total = 0;
            for (int j = 0; j < cols; j++) total += gy[gi + j];
            float t = (float) total;
            int j = 0;
            for (int e = S.loopBound(cols); j < e; j += L) {
                FloatVector ey = expFlushed(FloatVector.fromArray(S, y, yi + j));
                FloatVector d = FloatVector.fromArray(S, gy, gi + j).sub(ey.mul(t));
                flushSubnormal(FloatVector.fromArray(S, gx, xi + j).add(d)).intoArray(gx, xi + j);
            }
            for (; j < cols; j++) {
                gx[xi + j] = Subnormals.flush(gx[xi + j] + (gy[gi + j] - expFlushed(y[yi + j]) * t));
            }
        });
    }

    @Override public void rowSoftmax(int rows, int cols, float[] x, int xo, float[] out, int oo) {
        transcendentalRows(rows, cols, i -> {
            int r = xo + i * cols, w = oo + i * cols;
            float mx = rowMax(x, r, cols);
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (int e = S.loopBound(cols); j < e; j += L) {
                FloatVector v = VectorMath.exp(FloatVector.fromArray(S, x, r + j).sub(mx));
                v.intoArray(out, w + j);
                acc = acc.add(v);
            }
            float s = sumLanes(acc);
            for (; j < cols; j++) {
                float v = VectorMath.exp(x[r + j] - mx);
                out[w + j] = v;
                s += v;
            }
            float inv = 1f / s;
            j = 0;
            for (int e = S.loopBound(cols); j < e; j += L)
                FloatVector.fromArray(S, out, w + j).mul(inv).intoArray(out, w + j);
            for (; j < cols; j++) out[w + j] *= inv;
        });
    }

    // ---------------------------------------------------------------- fused layer passes

    @Override public void biasRelu(int rows, int cols, float[] y, int yo, float[] bias, int bo) {
        rows(rows, cols, i -> {
            int r = yo + i * cols, j = 0;
            for (int e = S.loopBound(cols); j < e; j += L)
                FloatVector.fromArray(S, y, r + j).add(FloatVector.fromArray(S, bias, bo + j)).max(0f).intoArray(y, r + j);
            for (; j < cols; j++) y[r + j] = Math.max(y[r + j] + bias[bo + j], 0f);
        });
    }

    @Override public void reluMaskColSums(int rows, int cols, float[] h, int ho, float[] g, int go, float[] gb, int gbo) {
        // row by row on this thread: each gb[j] adds its column top to bottom, like the scalar twin
        for (int i = 0; i < rows; i++) {
            int hr = ho + i * cols, gr = go + i * cols, j = 0;
            for (int e = S.loopBound(cols); j < e; j += L) {
                VectorMask<Float> pos = FloatVector.fromArray(S, h, hr + j).compare(VectorOperators.GT, 0f);
                FloatVector v = FloatVector.zero(S).blend(FloatVector.fromArray(S, g, gr + j), pos);
                v.intoArray(g, gr + j);
                if (gb != null) FloatVector.fromArray(S, gb, gbo + j).add(v).intoArray(gb, gbo + j);
            }
            for (; j < cols; j++) {
                if (!(h[hr + j] > 0f)) g[gr + j] = 0f;
                if (gb != null) gb[gbo + j] += g[gr + j];
            }
        }
    }

    @Override public void bceRows(int rows, int cols, float[] logits, int lo, float[] targets, int to, float[] loss, int lso,
                                  float[] d, int dOff) {
        transcendentalRows(rows, cols, i -> {
            int o = i * cols;
            // two passes over the row (it stays in L1), like bceWithLogits' blocks and for the same
            // reason: all of it in one loop is more than C2 inlines, and vectors then get boxed
            float s = bceRowLoss(cols, logits, lo + o, targets, to + o, d, dOff + o);
            if (d != null) bceRowGrad(cols, logits, lo + o, targets, to + o, d, dOff + o);
            loss[lso + i] = s;
        });
    }

    /** Σ_j of the BCE ({@link VectorMath#bce}) over one row; e^-|l| into eOut (unless null) for {@link #bceRowGrad}. */
    private static float bceRowLoss(int cols, float[] logits, int lo, float[] targets, int to, float[] eOut, int eo) {
        FloatVector acc = FloatVector.zero(S);
        int j = 0;
        for (int e = S.loopBound(cols); j < e; j += L) {
            FloatVector l = FloatVector.fromArray(S, logits, lo + j);
            FloatVector ex = VectorMath.expNegAbs(l);
            acc = acc.add(VectorMath.bce(l, FloatVector.fromArray(S, targets, to + j), ex));
            if (eOut != null) ex.intoArray(eOut, eo + j);
        }
        float s = sumLanes(acc);
        for (; j < cols; j++) {
            float l = logits[lo + j], ex = VectorMath.expNegAbs(l);
            s += VectorMath.bce(l, targets[to + j], ex);
            if (eOut != null) eOut[eo + j] = ex;
        }
        return s;
    }

    /** d = σ(l) − t over one row, with e^-|l| read from d itself. */
    private static void bceRowGrad(int cols, float[] logits, int lo, float[] targets, int to, float[] d, int dOff) {
        int j = 0;
        for (int e = S.loopBound(cols); j < e; j += L) {
            FloatVector l = FloatVector.fromArray(S, logits, lo + j);
            VectorMath.sigmoid(l, FloatVector.fromArray(S, d, dOff + j))
                    .sub(FloatVector.fromArray(S, targets, to + j)).intoArray(d, dOff + j);
        }
        for (; j < cols; j++) d[dOff + j] = VectorMath.sigmoid(logits[lo + j], d[dOff + j]) - targets[to + j];
    }

    // ---------------------------------------------------------------- reductions and fused losses

    /** Float lanes are summed over blocks this long, then the block total is added in double. */
    private static final int BLOCK = 1024;

    /**
     * sumSquares adds its input in chunks this long (whole blocks), each chunk's total a double,
     * then the chunk totals in order. The chunks are fixed, not one per thread, so the result is
     * the same on any number of threads; they run in parallel, which halves the gradient-norm
     * pass of every Adam step (1.35 M values) on two cores.
     */
    static final int SUM_CHUNK = 64 * BLOCK;

    @Override public double sumSquares(int n, float[] x, int xo) {
        int chunks = (n + SUM_CHUNK - 1) / SUM_CHUNK;
        if (chunks < 2) return sumSquaresRange(n, x, xo);
        double[] part = new double[chunks];
        par.run(chunks, c -> part[c] = sumSquaresRange(Math.min(SUM_CHUNK, n - c * SUM_CHUNK), x, xo + c * SUM_CHUNK));
        double total = 0;
        for (double p : part) total += p;
        return total;
    }

    /** Σ x² over x[xo, xo + n): float lanes over whole blocks, block totals added in double. */
    private static double sumSquaresRange(int n, float[] x, int xo) {
        double total = 0;
        int i = 0;
        for (; i + BLOCK <= n; i += BLOCK) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < BLOCK; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + i + j);
                acc = v.fma(v, acc);
            }
            total += sumLanes(acc);
        }
        for (; i < n; i++) total += (double) x[xo + i] * x[xo + i];
        return total;
    }

    @Override public double sum(int n, float[] x, int xo) {
        double total = 0;
        int i = 0;
        for (; i + BLOCK <= n; i += BLOCK) {
            FloatVector acc = FloatVector.zero(S);
            for (int j = 0; j < BLOCK; j += L) acc = acc.add(FloatVector.fromArray(S, x, xo + i + j));
            total += sumLanes(acc);
        }
        for (; i < n; i++) total += x[xo + i];
        return total;
    }

    @Override
    public double bceWithLogits(int n, float[] logits, int lo, float[] targets, int to,
                                float[] grad, int go, float scale) {
        double total = 0;
        int i = 0;
        float[] lanes = n >= BLOCK ? new float[L] : null;
        for (; i + BLOCK <= n; i += BLOCK) {
            bceLossBlock(logits, lo + i, targets, to + i, grad, go + i, lanes);
            total += sumLanes(FloatVector.fromArray(S, lanes, 0));
            if (grad != null) bceGradBlock(logits, lo + i, targets, to + i, grad, go + i, scale);
        }
        for (; i < n; i++) {
            float l = logits[lo + i], t = targets[to + i], e = VectorMath.expNegAbs(l);
            total += VectorMath.bce(l, t, e);
            if (grad != null) grad[go + i] = (VectorMath.sigmoid(l, e) - t) * scale;
        }
        return total;
    }

    /*
     * The BCE's vector loop in two passes over a block, each a method of its own that takes and
     * returns no vectors. One loop with exp, the log polynomial, sigmoid and the lane sum is more
     * IR than C2 inlines into one compilation (NodeCountInliningCutoff), and wherever that cut
     * falls a call that passes vectors boxes them on the heap. The first pass leaves e^-|l| in
     * the gradient buffer, so the exponential is still computed once per element, and its lane
     * partial sums in an array (even sumLanes does not fit in the same compilation).
     */

    /** Lane-wise partial sums of the BCE (max(l,0) − l·t + log1p(e^-|l|), {@link VectorMath#bce}) over one block into lanes; e^-|l| into eOut unless null. */
    private static void bceLossBlock(float[] logits, int lo, float[] targets, int to, float[] eOut, int eo, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < BLOCK; j += L) {
            FloatVector l = FloatVector.fromArray(S, logits, lo + j);
            FloatVector e = VectorMath.expNegAbs(l);
            acc = acc.add(VectorMath.bce(l, FloatVector.fromArray(S, targets, to + j), e));
            if (eOut != null) e.intoArray(eOut, eo + j);
        }
        acc.intoArray(lanes, 0);
    }

    /** grad = (σ(l) − t)·scale over one block, with e^-|l| read from grad itself. */
    private static void bceGradBlock(float[] logits, int lo, float[] targets, int to, float[] grad, int go, float scale) {
        for (int j = 0; j < BLOCK; j += L) {
            FloatVector l = FloatVector.fromArray(S, logits, lo + j);
            FloatVector e = FloatVector.fromArray(S, grad, go + j);
            VectorMath.sigmoid(l, e).sub(FloatVector.fromArray(S, targets, to + j)).mul(scale).intoArray(grad, go + j);
        }
    }

    @Override
    public void adam(int n, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo,
                     float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        adam(n, p, po, g, go, m, mo, v, vo, lr, beta1, beta2, eps, weightDecay, bc1, bc2, false);
    }

    @Override
    public void adamThenZeroGrad(int n, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo,
                                 float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        adam(n, p, po, g, go, m, mo, v, vo, lr, beta1, beta2, eps, weightDecay, bc1, bc2, true);
    }

    /** {@link Subnormals#flush} on every lane. */
    private static FloatVector flushSubnormal(FloatVector x) {
        return x.blend(0f, x.abs().lt(Float.MIN_NORMAL));
    }

    /** {@link Subnormals#exp} on every lane: lanes below the floor go through exp as 0, then out as 0. */
    private static FloatVector expFlushed(FloatVector x) {
        VectorMask<Float> under = x.lt(Subnormals.EXP_FLOOR);
        return flushSubnormal(VectorMath.exp(x.blend(0f, under))).blend(0f, under);
    }

    /** The same for one value (the vector loops' scalar tails): the lanes' floats exactly. */
    private static float expFlushed(float x) {
        return x < Subnormals.EXP_FLOOR ? 0f : Subnormals.flush(VectorMath.exp(x));
    }

    /** One Adam pass; with {@code clear}, each gradient value is zeroed right after it is read. */
    private void adam(int n, float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo,
                      float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2, boolean clear) {
        float c1 = 1f - beta1, c2 = 1f - beta2, inv1 = 1f / bc1, inv2 = 1f / bc2;
        FloatVector zero = FloatVector.zero(S);
        split(n, (lo, hi) -> {
            int i = lo;
            for (int e = bound(lo, hi); i < e; i += L) {
                FloatVector gi = FloatVector.fromArray(S, g, go + i);
                if (clear) zero.intoArray(g, go + i);
                FloatVector mi = flushSubnormal(FloatVector.fromArray(S, m, mo + i).mul(beta1).add(gi.mul(c1)));
                FloatVector vi = flushSubnormal(FloatVector.fromArray(S, v, vo + i).mul(beta2).add(gi.mul(gi).mul(c2)));
                mi.intoArray(m, mo + i);
                vi.intoArray(v, vo + i);
                FloatVector pi = FloatVector.fromArray(S, p, po + i);
                FloatVector update = mi.mul(inv1).div(vi.mul(inv2).sqrt().add(eps));
                pi.sub(update.add(pi.mul(weightDecay)).mul(lr)).intoArray(p, po + i);
            }
            // the tail does each lane's operations in the lane's order ((g·g)·c2, not (c2·g)·g), so
            // that an update split into ranges anywhere gives the bits of one call (Adam.Pieces)
            for (; i < hi; i++) {
                float gi = g[go + i];
                if (clear) g[go + i] = 0f;
                float mi = Subnormals.flush(beta1 * m[mo + i] + c1 * gi);
                float vi = Subnormals.flush(beta2 * v[vo + i] + gi * gi * c2);
                m[mo + i] = mi;
                v[vo + i] = vi;
                float update = (mi * inv1) / ((float) Math.sqrt(vi * inv2) + eps);
                p[po + i] -= lr * (update + weightDecay * p[po + i]);
            }
        });
    }

    /**
     * Four rows at a time, one vector of components: each (row, component) sum still runs over j in
     * order, but four independent chains share each j's loads of cT and wT (one row alone was a
     * single chain of d dependent FMAs). A component count that is not a whole number of vectors
     * ends with the vector that ends at kk: its first lanes were written already, and are written
     * again with the same floats (the same operations in the same order), so nothing is masked and
     * no component is left to a scalar loop.
     *
     * <p>Measured (one thread, 64 rows, K = 100, best of 2000 calls, the one-row kernel with a
     * scalar tail and this one alternating, 2026-12-06): z = 32 forward 27.9-28.1 → 7.7-8.1 µs,
     * backward ({@link #pairSqDistBackward}) 57.3-58.8 → 31.1-32.5; z = 10 7.4-9.8 → 2.8 and
     * 17.7-19.4 → 10.2-11.0. A mixture step calls both twice per batch shard.
     */
    @Override
    public void pairSqDist(int rows, int d, int kk, float[] x, int xo, float[] cT, int co, float[] wT, int wo,
                           float[] out, int oo) {
        if (kk < L) { Kernels.super.pairSqDist(rows, d, kk, x, xo, cT, co, wT, wo, out, oo); return; }
        // rows are independent: split over the threads by blocks of four rows
        split2((rows + 3) / 4, (long) rows * d * kk, blk -> {
            int b = 4 * blk;
            for (int k = 0; k < kk; k += L) {
                int at = Math.min(k, kk - L);
                if (b + 4 <= rows) pairSqDistFour(d, kk, x, xo + b * d, cT, co + at, wT, wo + at, out, oo + b * kk + at);
                else for (int r = b; r < rows; r++) pairSqDistOne(d, kk, x, xo + r * d, cT, co + at, wT, wo + at, out, oo + r * kk + at);
            }
        });
    }

    /** Rows xr .. xr+3d (four of them) against one vector of components, whose cT and wT start at c and w. */
    private static void pairSqDistFour(int d, int kk, float[] x, int xr, float[] cT, int c, float[] wT, int w, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int j = 0; j < d; j++) {
            FloatVector cj = FloatVector.fromArray(S, cT, c + j * kk), wj = FloatVector.fromArray(S, wT, w + j * kk);
            FloatVector d0 = FloatVector.broadcast(S, x[xr + j]).sub(cj), d1 = FloatVector.broadcast(S, x[xr + d + j]).sub(cj);
            FloatVector d2 = FloatVector.broadcast(S, x[xr + 2 * d + j]).sub(cj), d3 = FloatVector.broadcast(S, x[xr + 3 * d + j]).sub(cj);
            a0 = d0.mul(d0).fma(wj, a0);
            a1 = d1.mul(d1).fma(wj, a1);
            a2 = d2.mul(d2).fma(wj, a2);
            a3 = d3.mul(d3).fma(wj, a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + kk);
        a2.intoArray(out, o + 2 * kk);
        a3.intoArray(out, o + 3 * kk);
    }

    /** One row: the same operations as each row of {@link #pairSqDistFour}. */
    private static void pairSqDistOne(int d, int kk, float[] x, int xr, float[] cT, int c, float[] wT, int w, float[] out, int o) {
        FloatVector a = FloatVector.zero(S);
        for (int j = 0; j < d; j++) {
            FloatVector diff = FloatVector.broadcast(S, x[xr + j]).sub(FloatVector.fromArray(S, cT, c + j * kk));
            a = diff.mul(diff).fma(FloatVector.fromArray(S, wT, w + j * kk), a);
        }
        a.intoArray(out, o);
    }

    /**
     * Split over the threads by latent coordinate j: row j of gcT and gwT and column j of gx are
     * written by one task, each still summed over the rows b in order (the same floats for any
     * thread count). Within a task, four rows at a time: a vector of gcT and gwT is loaded once,
     * takes the four rows' terms in row order in registers, and is stored once, and each row's sum
     * over the components stays in a register. A component count that is not a whole number of
     * vectors ends with the vector that ends at kk, its lanes already done masked out: their
     * terms are exact zeros, which leave gcT, gwT and the row sums as they were.
     */
    @Override
    public void pairSqDistBackward(int rows, int d, int kk, float[] x, int xo, float[] cT, int co, float[] wT, int wo,
                                   float[] g, int go, float[] gx, int gxo, float[] gcT, int gco, float[] gwT, int gwo) {
        if (kk < L) {
            Kernels.super.pairSqDistBackward(rows, d, kk, x, xo, cT, co, wT, wo, g, go, gx, gxo, gcT, gco, gwT, gwo);
            return;
        }
        long freshBits = laneBits(S.loopBound(kk) - (kk - L), L);     // the last vector's lanes not done before it
        split2(d, (long) rows * d * kk, j -> {
            float[] ln = laneSums();
            int b = 0;
            for (; b + 4 <= rows; b += 4) pairBackwardFour(d, kk, j, b, freshBits, x, xo, cT, co, wT, wo, g, go, gx, gxo, gcT, gco, gwT, gwo, ln);
            for (; b < rows; b++) pairBackwardOne(d, kk, j, b, freshBits, x, xo, cT, co, wT, wo, g, go, gx, gxo, gcT, gco, gwT, gwo);
        });
    }

    /**
     * Rows b .. b+3 of the backward pass at latent coordinate j: the whole vectors of components,
     * then the last one, masked, written out as its own copy of the loop's body (one loop with
     * {@code q = min(k, kk − L)} and a masked blend where q ≠ k, as {@link #pairBackwardOne} has,
     * measured 29-30 µs against 25-26 at 64 rows, K = 100, z = 32). Vectors and masks are made here, not
     * captured by the caller's lambda: one held by a lambda is a boxed object to C2, and the loop
     * ran at half speed. The four row sums' lanes are added by {@link #sumLanes(float[], int, float[], int)}
     * from ln, the caller's {@link #laneSums()}: four {@link #sumLanes(FloatVector)} calls here were
     * not all inlined, and boxed their vectors (a third of the pass's time).
     */
    private static void pairBackwardFour(int d, int kk, int j, int b, long freshBits, float[] x, int xo, float[] cT, int co,
                                         float[] wT, int wo, float[] g, int go, float[] gx, int gxo, float[] gcT, int gco,
                                         float[] gwT, int gwo, float[] ln) {
        FloatVector x0 = FloatVector.broadcast(S, x[xo + b * d + j]), x1 = FloatVector.broadcast(S, x[xo + (b + 1) * d + j]);
        FloatVector x2 = FloatVector.broadcast(S, x[xo + (b + 2) * d + j]), x3 = FloatVector.broadcast(S, x[xo + (b + 3) * d + j]);
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        int r = j * kk, g0 = go + b * kk, e = S.loopBound(kk);
        for (int k = 0; k < e; k += L) {
            FloatVector c = FloatVector.fromArray(S, cT, co + r + k), w = FloatVector.fromArray(S, wT, wo + r + k);
            FloatVector gc = FloatVector.fromArray(S, gcT, gco + r + k), gw = FloatVector.fromArray(S, gwT, gwo + r + k);
            FloatVector diff, gd, t;
            diff = x0.sub(c); gd = FloatVector.fromArray(S, g, g0 + k).mul(diff); t = gd.mul(w).mul(2f);
            s0 = s0.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            diff = x1.sub(c); gd = FloatVector.fromArray(S, g, g0 + kk + k).mul(diff); t = gd.mul(w).mul(2f);
            s1 = s1.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            diff = x2.sub(c); gd = FloatVector.fromArray(S, g, g0 + 2 * kk + k).mul(diff); t = gd.mul(w).mul(2f);
            s2 = s2.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            diff = x3.sub(c); gd = FloatVector.fromArray(S, g, g0 + 3 * kk + k).mul(diff); t = gd.mul(w).mul(2f);
            s3 = s3.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            gc.intoArray(gcT, gco + r + k);
            gw.intoArray(gwT, gwo + r + k);
        }
        if (e < kk) {
            VectorMask<Float> fresh = VectorMask.fromLong(S, freshBits);
            int q = kk - L;
            FloatVector c = FloatVector.fromArray(S, cT, co + r + q), w = FloatVector.fromArray(S, wT, wo + r + q);
            FloatVector gc = FloatVector.fromArray(S, gcT, gco + r + q), gw = FloatVector.fromArray(S, gwT, gwo + r + q);
            FloatVector diff, gd, t;
            diff = x0.sub(c); gd = FloatVector.fromArray(S, g, g0 + q).mul(diff).blend(0f, fresh.not()); t = gd.mul(w).mul(2f);
            s0 = s0.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            diff = x1.sub(c); gd = FloatVector.fromArray(S, g, g0 + kk + q).mul(diff).blend(0f, fresh.not()); t = gd.mul(w).mul(2f);
            s1 = s1.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            diff = x2.sub(c); gd = FloatVector.fromArray(S, g, g0 + 2 * kk + q).mul(diff).blend(0f, fresh.not()); t = gd.mul(w).mul(2f);
            s2 = s2.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            diff = x3.sub(c); gd = FloatVector.fromArray(S, g, g0 + 3 * kk + q).mul(diff).blend(0f, fresh.not()); t = gd.mul(w).mul(2f);
            s3 = s3.add(t); gc = gc.sub(t); gw = gd.fma(diff, gw);
            gc.intoArray(gcT, gco + r + q);
            gw.intoArray(gwT, gwo + r + q);
        }
        s0.intoArray(ln, 0);
        s1.intoArray(ln, L);
        s2.intoArray(ln, 2 * L);
        s3.intoArray(ln, 3 * L);
        sumLanes(ln, 4, ln, 4 * L);
        for (int i = 0; i < 4; i++) gx[gxo + (b + i) * d + j] += ln[4 * L + i];
    }

    /** One row, as each row of {@link #pairBackwardFour}. */
    private static void pairBackwardOne(int d, int kk, int j, int b, long freshBits, float[] x, int xo, float[] cT, int co,
                                        float[] wT, int wo, float[] g, int go, float[] gx, int gxo, float[] gcT, int gco,
                                        float[] gwT, int gwo) {
        FloatVector xb = FloatVector.broadcast(S, x[xo + b * d + j]), s = FloatVector.zero(S);
        VectorMask<Float> fresh = VectorMask.fromLong(S, freshBits);
        int r = j * kk, gb = go + b * kk;
        for (int k = 0; k < kk; k += L) {
            int q = Math.min(k, kk - L);
            FloatVector c = FloatVector.fromArray(S, cT, co + r + q);
            FloatVector diff = xb.sub(c), gd = FloatVector.fromArray(S, g, gb + q).mul(diff);
            if (q != k) gd = gd.blend(0f, fresh.not());
            FloatVector t = gd.mul(FloatVector.fromArray(S, wT, wo + r + q)).mul(2f);
            s = s.add(t);
            FloatVector.fromArray(S, gcT, gco + r + q).sub(t).intoArray(gcT, gco + r + q);
            gd.fma(diff, FloatVector.fromArray(S, gwT, gwo + r + q)).intoArray(gwT, gwo + r + q);
        }
        gx[gxo + b * d + j] += sumLanes(s);
    }
}
