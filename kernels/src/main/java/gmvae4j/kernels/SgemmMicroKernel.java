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
     * acc[MR×NR] = Apanel·Bpanel: the register-tiled inner loop. The accumulators leave the
     * registers only once, at the end, into {@code acc} (row r at {@code r·NR}).
     *
     * <p>Why the write-back to C is a separate method: C2 compiles a method as one unit, and a
     * kernel that also held the alpha/beta/edge logic for 16 vectors grew past its inlining
     * node budget; the calls it then could not inline forced every vector into a heap box.
     * Parking 16 vectors in an L1-resident array per tile costs nothing next to kc·16 FMAs.
     */
    static void multiply(int kc, float[] ap, int a, float[] bp, int b, float[] acc) {
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
        c00.intoArray(acc, 0);          c01.intoArray(acc, L);
        c10.intoArray(acc, NR);         c11.intoArray(acc, NR + L);
        c20.intoArray(acc, 2 * NR);     c21.intoArray(acc, 2 * NR + L);
        c30.intoArray(acc, 3 * NR);     c31.intoArray(acc, 3 * NR + L);
        c40.intoArray(acc, 4 * NR);     c41.intoArray(acc, 4 * NR + L);
        c50.intoArray(acc, 5 * NR);     c51.intoArray(acc, 5 * NR + L);
        c60.intoArray(acc, 6 * NR);     c61.intoArray(acc, 6 * NR + L);
        c70.intoArray(acc, 7 * NR);     c71.intoArray(acc, 7 * NR + L);
    }

    /**
     * C[top-left mr×nr of the tile] = alpha·acc + beta·C; beta == 0 never reads C (NaNs there
     * do not propagate).
     */
    static void writeBack(float[] acc, float[] c, int ci, int ldc, int mr, int nr, float alpha, float beta) {
        for (int r = 0; r < mr; r++, ci += ldc) {
            int t = r * NR, j = 0;
            if (nr == NR) {
                for (; j < NR; j += L) {
                    FloatVector v = FloatVector.fromArray(S, acc, t + j).mul(alpha);
                    if (beta != 0f) v = FloatVector.fromArray(S, c, ci + j).mul(beta).add(v);
                    v.intoArray(c, ci + j);
                }
            }
            for (; j < nr; j++) {
                float v = alpha * acc[t + j];
                c[ci + j] = beta == 0f ? v : beta * c[ci + j] + v;
            }
        }
    }
}
