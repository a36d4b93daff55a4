package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The innermost piece of the BLIS-style sgemm: one MR×NR tile of C from a packed A
 * micro-panel (kc×MR) and a packed B micro-panel (kc×NR).
 *
 * <p>The tile lives in registers for the whole k loop: MR rows × 2 vectors = 16 accumulators
 * of 16 floats on AVX-512. Each step p loads two vectors of B (row p of the B panel),
 * broadcasts each of the MR values of A column p, and does one FMA per accumulator: 2 loads
 * + 8 broadcasts feed 16 FMAs, so the FMA units, not memory, set the pace. Nothing is reduced
 * horizontally; C is touched once per tile, at the end. On the Zen 5 development machine (two
 * 512-bit FMAs per cycle) this loop alone runs at about 230 GFLOP/s on one core.
 *
 * <p>The k order of every element is p = 0, 1, ..., kc-1, whichever thread runs the tile, so
 * results never depend on scheduling.
 */
final class SgemmMicroKernel {
    private SgemmMicroKernel() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows of the register tile: values of A broadcast per step. */
    static final int MR = 8;
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * L;

    /** Tile start values for a plain product: every row starts from 0. */
    static final float[] ZEROS = new float[MR];

    /**
     * out[o + r·ld + j] = init[io + r] + (Apanel·Bpanel)[r][j] for the full MR×NR tile: the
     * register-tiled inner loop. Each row's accumulators start from init[io + r] ({@link #ZEROS}
     * for a plain product, a bias per row for a convolution, which then costs nothing: no extra
     * pass over C, no extra k step). The accumulators leave the registers only once, at the end: straight into C
     * when nothing else is to be done with them (alpha = 1, beta = 0, whole tile), else into a
     * small scratch tile that {@link #writeBack} folds into C.
     *
     * <p>Why the write-back is a separate method: C2 compiles a method as one unit, and a
     * kernel that also held the alpha/beta/edge logic for 16 vectors grew past its inlining
     * node budget; the calls it then could not inline forced every vector into a heap box
     * (10 GFLOP/s instead of 150+).
     *
     * <p>{@code bStride} is the distance between consecutive k steps of the B panel: NR in a
     * packed panel, ldb when a shallow B is read where it lies (see {@link Sgemm}).
     */
    static void multiply(int kc, float[] ap, int a, float[] bp, int b, int bStride, float[] init, int io,
                         float[] out, int o, int ld) {
        multiply(kc, ap, a, MR, bp, b, bStride, init, io, out, o, ld, false);
    }

    /**
     * The same tile, with two more choices. {@code aStride} is the distance between consecutive k
     * steps of the A panel: MR when packed, lda when a transposed A (stored k×m, whose MR values
     * for one k are adjacent) is read where it lies. {@code add}: out += tile instead of out =
     * tile, the sum kept in registers to the end and added to out once, as {@link #writeBack} does
     * with alpha = beta = 1 (the same floats: C + Σ, Σ summed from init in k order) without the
     * scratch tile's store and reload. That is every weight gradient (W.grad += xᵀ·dy).
     */
    static void multiply(int kc, float[] ap, int a, int aStride, float[] bp, int b, int bStride, float[] init, int io,
                         float[] out, int o, int ld, boolean add) {
        FloatVector c00 = FloatVector.broadcast(S, init[io]), c01 = c00, c10 = FloatVector.broadcast(S, init[io + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, init[io + 2]), c21 = c20, c30 = FloatVector.broadcast(S, init[io + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, init[io + 4]), c41 = c40, c50 = FloatVector.broadcast(S, init[io + 5]), c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, init[io + 6]), c61 = c60, c70 = FloatVector.broadcast(S, init[io + 7]), c71 = c70;
        for (int p = 0; p < kc; p++, a += aStride, b += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            FloatVector b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[a]);     c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[a + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[a + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, ap[a + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, ap[a + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
        }
        if (add) {
            int q = o;
            c00 = c00.add(FloatVector.fromArray(S, out, q)); c01 = c01.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c10 = c10.add(FloatVector.fromArray(S, out, q)); c11 = c11.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c20 = c20.add(FloatVector.fromArray(S, out, q)); c21 = c21.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c30 = c30.add(FloatVector.fromArray(S, out, q)); c31 = c31.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c40 = c40.add(FloatVector.fromArray(S, out, q)); c41 = c41.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c50 = c50.add(FloatVector.fromArray(S, out, q)); c51 = c51.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c60 = c60.add(FloatVector.fromArray(S, out, q)); c61 = c61.add(FloatVector.fromArray(S, out, q + L)); q += ld;
            c70 = c70.add(FloatVector.fromArray(S, out, q)); c71 = c71.add(FloatVector.fromArray(S, out, q + L));
        }
        c00.intoArray(out, o); c01.intoArray(out, o + L); o += ld;
        c10.intoArray(out, o); c11.intoArray(out, o + L); o += ld;
        c20.intoArray(out, o); c21.intoArray(out, o + L); o += ld;
        c30.intoArray(out, o); c31.intoArray(out, o + L); o += ld;
        c40.intoArray(out, o); c41.intoArray(out, o + L); o += ld;
        c50.intoArray(out, o); c51.intoArray(out, o + L); o += ld;
        c60.intoArray(out, o); c61.intoArray(out, o + L); o += ld;
        c70.intoArray(out, o); c71.intoArray(out, o + L);
    }

    /**
     * The left half of {@link #multiply}'s tile, for a last B panel at most one vector wide (N = 784
     * = 24·32 + 16: every product onto a 28×28 image): MR rows × one vector, eight accumulators,
     * one load of B and eight broadcasts per step. The full tile spent as many cycles on the
     * padding's zero columns as on the real ones. The same sums in the same order as the full tile's
     * left half, so the floats do not depend on which kernel ran.
     */
    static void multiplyHalf(int kc, float[] ap, int a, int aStride, float[] bp, int b, int bStride, float[] init, int io,
                             float[] out, int o, int ld, boolean add) {
        FloatVector c0 = FloatVector.broadcast(S, init[io]), c1 = FloatVector.broadcast(S, init[io + 1]);
        FloatVector c2 = FloatVector.broadcast(S, init[io + 2]), c3 = FloatVector.broadcast(S, init[io + 3]);
        FloatVector c4 = FloatVector.broadcast(S, init[io + 4]), c5 = FloatVector.broadcast(S, init[io + 5]);
        FloatVector c6 = FloatVector.broadcast(S, init[io + 6]), c7 = FloatVector.broadcast(S, init[io + 7]);
        for (int p = 0; p < kc; p++, a += aStride, b += bStride) {
            FloatVector b0 = FloatVector.fromArray(S, bp, b);
            c0 = FloatVector.broadcast(S, ap[a]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[a + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[a + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[a + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, ap[a + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, ap[a + 5]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, ap[a + 6]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, ap[a + 7]).fma(b0, c7);
        }
        if (add) {
            c0 = c0.add(FloatVector.fromArray(S, out, o));
            c1 = c1.add(FloatVector.fromArray(S, out, o + ld));
            c2 = c2.add(FloatVector.fromArray(S, out, o + 2 * ld));
            c3 = c3.add(FloatVector.fromArray(S, out, o + 3 * ld));
            c4 = c4.add(FloatVector.fromArray(S, out, o + 4 * ld));
            c5 = c5.add(FloatVector.fromArray(S, out, o + 5 * ld));
            c6 = c6.add(FloatVector.fromArray(S, out, o + 6 * ld));
            c7 = c7.add(FloatVector.fromArray(S, out, o + 7 * ld));
        }
        c0.intoArray(out, o); c1.intoArray(out, o + ld); c2.intoArray(out, o + 2 * ld); c3.intoArray(out, o + 3 * ld);
        c4.intoArray(out, o + 4 * ld); c5.intoArray(out, o + 5 * ld); c6.intoArray(out, o + 6 * ld); c7.intoArray(out, o + 7 * ld);
    }

    /**
     * C[top-left mr×nr of the tile] = alpha·acc + beta·C; beta == 0 never reads C (NaNs there
     * do not propagate).
     */
    static void writeBack(float[] acc, float[] c, int ci, int ldc, int mr, int nr, float alpha, float beta) {
        for (int r = 0; r < mr; r++, ci += ldc) {
            int t = r * NR, j = 0;
            // whole vectors first: an edge tile one vector wide (N = 784 = 24·32 + 16) stays vectorised
            for (; j + L <= nr; j += L) {
                FloatVector v = FloatVector.fromArray(S, acc, t + j).mul(alpha);
                if (beta != 0f) v = FloatVector.fromArray(S, c, ci + j).mul(beta).add(v);
                v.intoArray(c, ci + j);
            }
            for (; j < nr; j++) {
                float v = alpha * acc[t + j];
                c[ci + j] = beta == 0f ? v : beta * c[ci + j] + v;
            }
        }
    }
}
