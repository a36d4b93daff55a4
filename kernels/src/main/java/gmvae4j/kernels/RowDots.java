package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * C[i, j] += A[i, ·]·B[j, ·] for every row i of A and row j of B: the product A·Bᵀ in dot-product
 * form, for the shape sgemm does worst, few rows and long rows. A one-channel convolution's
 * weight gradient per image is such a product: 32 output channels × 9 taps of a 3×3 kernel, each a
 * dot product over the 676 pixels of an unpadded 3×3 layer on 28×28 (a padded one, "same", goes
 * {@link ConvDirectWeight}). sgemm's packing would copy (and transpose) both operands per
 * image for about 14 FMAs per element it moves; here each element is loaded once per block and
 * feeds 3 or 4 FMAs straight from where it lies.
 *
 * <p>Register tile: 4 rows of A × 3 rows of B = 12 vector accumulators; each step loads 4 + 3
 * vectors and does 12 FMAs (an 8×3 tile, 24 accumulators, measured 15-20% slower: more lane sums
 * per tile and register pressure). Lanes are added with {@link VectorKernels#sumLanes} (a fixed order),
 * then the scalar tail (k not a multiple of the vector length), so each result depends only on
 * its inputs. Runs on the calling thread. {@link Kernels#rowDots} is the scalar twin.
 */
final class RowDots {
    private RowDots() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MB = 4, NB = 3;

    static void rowDots(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc) {
        int i = 0;
        float[] ln = VectorKernels.laneSums();
        for (; i + MB <= m; i += MB) {
            int j = 0;
            for (; j + NB <= n; j += NB) block(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc, ln);
            for (; j < n; j++)
                for (int r = i; r < i + MB; r++) c[cOff + r * ldc + j] += dot(k, a, aOff + r * lda, b, bOff + j * ldb);
        }
        for (; i < m; i++)
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] += dot(k, a, aOff + i * lda, b, bOff + j * ldb);
    }

    /** The 4×3 tile: rows a0..a0+3·lda of A against rows b0..b0+2·ldb of B, added to C at c0; ln: the caller's {@link VectorKernels#laneSums()}. */
    private static void block(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc,
                              float[] ln) {
        FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s10 = s00, s11 = s00, s12 = s00;
        FloatVector s20 = s00, s21 = s00, s22 = s00, s30 = s00, s31 = s00, s32 = s00;
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = b0 + ldb, b2 = b1 + ldb;
        int p = 0;
        for (int e = S.loopBound(k); p < e; p += L) {
            FloatVector y0 = FloatVector.fromArray(S, b, b0 + p);
            FloatVector y1 = FloatVector.fromArray(S, b, b1 + p);
            FloatVector y2 = FloatVector.fromArray(S, b, b2 + p);
            FloatVector x;
            x = FloatVector.fromArray(S, a, a0 + p); s00 = x.fma(y0, s00); s01 = x.fma(y1, s01); s02 = x.fma(y2, s02);
            x = FloatVector.fromArray(S, a, a1 + p); s10 = x.fma(y0, s10); s11 = x.fma(y1, s11); s12 = x.fma(y2, s12);
            x = FloatVector.fromArray(S, a, a2 + p); s20 = x.fma(y0, s20); s21 = x.fma(y1, s21); s22 = x.fma(y2, s22);
            x = FloatVector.fromArray(S, a, a3 + p); s30 = x.fma(y0, s30); s31 = x.fma(y1, s31); s32 = x.fma(y2, s32);
        }
        // the twelve sums stored, then their lanes summed by one call (VectorKernels.sumLanes(float[], ...)):
        // neither a helper taking the vectors nor twelve sums inline here (C2 inlines the first few)
        // escape boxing them
        s00.intoArray(ln, 0); s01.intoArray(ln, L); s02.intoArray(ln, 2 * L); s10.intoArray(ln, 3 * L);
        s11.intoArray(ln, 4 * L); s12.intoArray(ln, 5 * L); s20.intoArray(ln, 6 * L); s21.intoArray(ln, 7 * L);
        s22.intoArray(ln, 8 * L); s30.intoArray(ln, 9 * L); s31.intoArray(ln, 10 * L); s32.intoArray(ln, 11 * L);
        VectorKernels.sumLanes(ln, 12, ln, 12 * L);
        float t00 = ln[12 * L], t01 = ln[12 * L + 1], t02 = ln[12 * L + 2], t10 = ln[12 * L + 3], t11 = ln[12 * L + 4], t12 = ln[12 * L + 5];
        float t20 = ln[12 * L + 6], t21 = ln[12 * L + 7], t22 = ln[12 * L + 8], t30 = ln[12 * L + 9], t31 = ln[12 * L + 10], t32 = ln[12 * L + 11];
        for (; p < k; p++) {
            float y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], x;
            x = a[a0 + p]; t00 += x * y0; t01 += x * y1; t02 += x * y2;
            x = a[a1 + p]; t10 += x * y0; t11 += x * y1; t12 += x * y2;
            x = a[a2 + p]; t20 += x * y0; t21 += x * y1; t22 += x * y2;
            x = a[a3 + p]; t30 += x * y0; t31 += x * y1; t32 += x * y2;
        }
        c[c0] += t00; c[c0 + 1] += t01; c[c0 + 2] += t02; c0 += ldc;
        c[c0] += t10; c[c0 + 1] += t11; c[c0 + 2] += t12; c0 += ldc;
        c[c0] += t20; c[c0 + 1] += t21; c[c0 + 2] += t22; c0 += ldc;
        c[c0] += t30; c[c0 + 1] += t31; c[c0 + 2] += t32;
    }

    /** One dot product (the edges of the tiling), two accumulators so consecutive FMAs do not wait on each other. */
    private static float dot(int k, float[] a, int ar, float[] b, int br) {
        FloatVector s0 = FloatVector.zero(S), s1 = s0;
        int p = 0;
        for (int e = k - 2 * L; p <= e; p += 2 * L) {
            s0 = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), s0);
            s1 = FloatVector.fromArray(S, a, ar + p + L).fma(FloatVector.fromArray(S, b, br + p + L), s1);
        }
        for (int e = S.loopBound(k); p < e; p += L)
            s0 = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), s0);
        float t = VectorKernels.sumLanes(s0.add(s1));
        for (; p < k; p++) t += a[ar + p] * b[br + p];
        return t;
    }
}
