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
 * horizontally; C is touched once per tile, at the end.
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

    /**
     * C[tile] = alpha·(Apanel·Bpanel) + beta·C[tile] for the top-left mr×nr of the tile
     * (mr ≤ MR, nr ≤ NR); beta == 0 never reads C. {@code edge} is MR·NR floats of scratch,
     * used only when the tile is cut by the edge of C.
     */
    static void tile(int kc, float[] ap, int a, float[] bp, int b,
                     float[] c, int ci, int ldc, int mr, int nr,
                     float alpha, float beta, float[] edge) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int p = 0; p < kc; p++, a += MR, b += NR) {
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
        if (mr == MR && nr == NR) {
            row(c00, c01, c, ci, alpha, beta); ci += ldc;
            row(c10, c11, c, ci, alpha, beta); ci += ldc;
            row(c20, c21, c, ci, alpha, beta); ci += ldc;
            row(c30, c31, c, ci, alpha, beta); ci += ldc;
            row(c40, c41, c, ci, alpha, beta); ci += ldc;
            row(c50, c51, c, ci, alpha, beta); ci += ldc;
            row(c60, c61, c, ci, alpha, beta); ci += ldc;
            row(c70, c71, c, ci, alpha, beta);
        } else {
            // Edge tile: park the accumulators, then write back only what lies inside C.
            c00.intoArray(edge, 0);          c01.intoArray(edge, L);
            c10.intoArray(edge, NR);         c11.intoArray(edge, NR + L);
            c20.intoArray(edge, 2 * NR);     c21.intoArray(edge, 2 * NR + L);
            c30.intoArray(edge, 3 * NR);     c31.intoArray(edge, 3 * NR + L);
            c40.intoArray(edge, 4 * NR);     c41.intoArray(edge, 4 * NR + L);
            c50.intoArray(edge, 5 * NR);     c51.intoArray(edge, 5 * NR + L);
            c60.intoArray(edge, 6 * NR);     c61.intoArray(edge, 6 * NR + L);
            c70.intoArray(edge, 7 * NR);     c71.intoArray(edge, 7 * NR + L);
            for (int r = 0; r < mr; r++, ci += ldc)
                for (int j = 0; j < nr; j++) {
                    float v = alpha * edge[r * NR + j];
                    c[ci + j] = beta == 0f ? v : v + beta * c[ci + j];
                }
        }
    }

    private static void row(FloatVector lo, FloatVector hi, float[] c, int ci, float alpha, float beta) {
        lo = lo.mul(alpha);
        hi = hi.mul(alpha);
        if (beta != 0f) {
            lo = FloatVector.fromArray(S, c, ci).mul(beta).add(lo);
            hi = FloatVector.fromArray(S, c, ci + L).mul(beta).add(hi);
        }
        lo.intoArray(c, ci);
        hi.intoArray(c, ci + L);
    }
}
