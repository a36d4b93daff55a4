package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#tapGradient} for few taps (a one-channel layer: 9 taps of a 3×3 kernel, 16 of a
 * 4×4), straight from gy and the planes, with no packing: each gradient entry gw[i][t] is one long
 * dot product of gy's row i with tap t's run, over every pixel of every image of the group. The
 * packed route would copy and transpose the planes for a product only 9 or 16 columns wide, and
 * per-image dot products ({@link RowDots}) pay a horizontal lane sum per image; here the lanes of
 * each entry stay in its accumulator across all images and are summed once.
 *
 * <p>Register tile: 4 rows × 4 taps (16 accumulators; 8 loads feed 16 FMAs), or 4 rows × 3 taps
 * (12; 7 loads) when the taps come in threes (9 = 3 × 3). Rows or taps left over are covered by
 * repeating the last row or tap, whose duplicate sums are not stored. Each image's last partial vector of
 * pixels is loaded masked on both sides, so nothing outside the image's pixels enters a sum.
 * Per entry the lanes accumulate in (image, pixel vector) order and are added by
 * {@link VectorKernels#sumLanes}: the result does not depend on the caller's threads.
 */
final class TapGradientDirect {
    private TapGradientDirect() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Up to this many taps go here rather than through {@link TapGemm}'s packed product. */
    static final int MAX_TAPS = 16;

    static void gradient(int m, int taps, int images, int npix, float[] gy, int gyOff, int gyImg, float[] planes,
                         int imgStride, int[] tapOff, float[] gw, int gwOff, int ldw) {
        int nt = taps % 4 != 0 && taps % 3 == 0 ? 3 : 4;
        float[] sum = new float[16];
        for (int i0 = 0; i0 < m; i0 += 4) {
            int r0 = gyOff + i0 * npix, r1 = gyOff + Math.min(i0 + 1, m - 1) * npix;
            int r2 = gyOff + Math.min(i0 + 2, m - 1) * npix, r3 = gyOff + Math.min(i0 + 3, m - 1) * npix;
            for (int t0 = 0; t0 < taps; t0 += nt) {
                int x0 = tapOff[t0], x1 = tapOff[Math.min(t0 + 1, taps - 1)], x2 = tapOff[Math.min(t0 + 2, taps - 1)];
                if (nt == 3) tile3(images, npix, gy, gyImg, r0, r1, r2, r3, planes, imgStride, x0, x1, x2, sum);
                else tile4(images, npix, gy, gyImg, r0, r1, r2, r3, planes, imgStride, x0, x1, x2,
                        tapOff[Math.min(t0 + 3, taps - 1)], sum);
                int w0 = gwOff + i0 * ldw + t0;
                for (int k = 0, mr = Math.min(4, m - i0); k < mr; k++)
                    for (int j = 0, n = Math.min(nt, taps - t0); j < n; j++) gw[w0 + k * ldw + j] += sum[k * 4 + j];
            }
        }
    }

    /**
     * sum[k·4 + j] = Σ_g Σ_p gy[r_k + g·gyImg + p] · planes[x_j + g·imgStride + p] for rows k &lt; 4
     * and taps j &lt; 4.
     */
    private static void tile4(int images, int npix, float[] gy, int gyImg, int r0, int r1, int r2, int r3, float[] planes,
                              int imgStride, int x0, int x1, int x2, int x3, float[] sum) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s30 = z, s31 = z, s32 = z, s33 = z;
        int full = npix / L * L;
        VectorMask<Float> last = S.indexInRange(full, npix);
        for (int g = 0, gi = 0, gp = 0; g < images; g++, gi += gyImg, gp += imgStride) {
            int p = 0;
            for (; p < full; p += L) {
                FloatVector b0 = FloatVector.fromArray(S, planes, x0 + gp + p), b1 = FloatVector.fromArray(S, planes, x1 + gp + p);
                FloatVector b2 = FloatVector.fromArray(S, planes, x2 + gp + p), b3 = FloatVector.fromArray(S, planes, x3 + gp + p);
                FloatVector a = FloatVector.fromArray(S, gy, r0 + gi + p);
                s00 = a.fma(b0, s00); s01 = a.fma(b1, s01); s02 = a.fma(b2, s02); s03 = a.fma(b3, s03);
                a = FloatVector.fromArray(S, gy, r1 + gi + p);
                s10 = a.fma(b0, s10); s11 = a.fma(b1, s11); s12 = a.fma(b2, s12); s13 = a.fma(b3, s13);
                a = FloatVector.fromArray(S, gy, r2 + gi + p);
                s20 = a.fma(b0, s20); s21 = a.fma(b1, s21); s22 = a.fma(b2, s22); s23 = a.fma(b3, s23);
                a = FloatVector.fromArray(S, gy, r3 + gi + p);
                s30 = a.fma(b0, s30); s31 = a.fma(b1, s31); s32 = a.fma(b2, s32); s33 = a.fma(b3, s33);
            }
            if (p < npix) {
                // the image's last pixels: both sides masked, so nothing past them enters a sum
                FloatVector b0 = FloatVector.fromArray(S, planes, x0 + gp + p, last), b1 = FloatVector.fromArray(S, planes, x1 + gp + p, last);
                FloatVector b2 = FloatVector.fromArray(S, planes, x2 + gp + p, last), b3 = FloatVector.fromArray(S, planes, x3 + gp + p, last);
                FloatVector a = FloatVector.fromArray(S, gy, r0 + gi + p, last);
                s00 = a.fma(b0, s00); s01 = a.fma(b1, s01); s02 = a.fma(b2, s02); s03 = a.fma(b3, s03);
                a = FloatVector.fromArray(S, gy, r1 + gi + p, last);
                s10 = a.fma(b0, s10); s11 = a.fma(b1, s11); s12 = a.fma(b2, s12); s13 = a.fma(b3, s13);
                a = FloatVector.fromArray(S, gy, r2 + gi + p, last);
                s20 = a.fma(b0, s20); s21 = a.fma(b1, s21); s22 = a.fma(b2, s22); s23 = a.fma(b3, s23);
                a = FloatVector.fromArray(S, gy, r3 + gi + p, last);
                s30 = a.fma(b0, s30); s31 = a.fma(b1, s31); s32 = a.fma(b2, s32); s33 = a.fma(b3, s33);
            }
        }
        // lanes summed here, not in a helper taking the vectors: a call C2 does not inline would box them all
        sum[0] = VectorKernels.sumLanes(s00); sum[1] = VectorKernels.sumLanes(s01);
        sum[2] = VectorKernels.sumLanes(s02); sum[3] = VectorKernels.sumLanes(s03);
        sum[4] = VectorKernels.sumLanes(s10); sum[5] = VectorKernels.sumLanes(s11);
        sum[6] = VectorKernels.sumLanes(s12); sum[7] = VectorKernels.sumLanes(s13);
        sum[8] = VectorKernels.sumLanes(s20); sum[9] = VectorKernels.sumLanes(s21);
        sum[10] = VectorKernels.sumLanes(s22); sum[11] = VectorKernels.sumLanes(s23);
        sum[12] = VectorKernels.sumLanes(s30); sum[13] = VectorKernels.sumLanes(s31);
        sum[14] = VectorKernels.sumLanes(s32); sum[15] = VectorKernels.sumLanes(s33);
    }

    /** {@link #tile4} with three taps: sum[k·4 + j] for j &lt; 3. */
    private static void tile3(int images, int npix, float[] gy, int gyImg, int r0, int r1, int r2, int r3, float[] planes,
                              int imgStride, int x0, int x1, int x2, float[] sum) {
        FloatVector z = FloatVector.zero(S);
        FloatVector s00 = z, s01 = z, s02 = z, s10 = z, s11 = z, s12 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s30 = z, s31 = z, s32 = z;
        int full = npix / L * L;
        VectorMask<Float> last = S.indexInRange(full, npix);
        for (int g = 0, gi = 0, gp = 0; g < images; g++, gi += gyImg, gp += imgStride) {
            int p = 0;
            for (; p < full; p += L) {
                FloatVector b0 = FloatVector.fromArray(S, planes, x0 + gp + p), b1 = FloatVector.fromArray(S, planes, x1 + gp + p);
                FloatVector b2 = FloatVector.fromArray(S, planes, x2 + gp + p);
                FloatVector a = FloatVector.fromArray(S, gy, r0 + gi + p);
                s00 = a.fma(b0, s00); s01 = a.fma(b1, s01); s02 = a.fma(b2, s02);
                a = FloatVector.fromArray(S, gy, r1 + gi + p);
                s10 = a.fma(b0, s10); s11 = a.fma(b1, s11); s12 = a.fma(b2, s12);
                a = FloatVector.fromArray(S, gy, r2 + gi + p);
                s20 = a.fma(b0, s20); s21 = a.fma(b1, s21); s22 = a.fma(b2, s22);
                a = FloatVector.fromArray(S, gy, r3 + gi + p);
                s30 = a.fma(b0, s30); s31 = a.fma(b1, s31); s32 = a.fma(b2, s32);
            }
            if (p < npix) {
                FloatVector b0 = FloatVector.fromArray(S, planes, x0 + gp + p, last), b1 = FloatVector.fromArray(S, planes, x1 + gp + p, last);
                FloatVector b2 = FloatVector.fromArray(S, planes, x2 + gp + p, last);
                FloatVector a = FloatVector.fromArray(S, gy, r0 + gi + p, last);
                s00 = a.fma(b0, s00); s01 = a.fma(b1, s01); s02 = a.fma(b2, s02);
                a = FloatVector.fromArray(S, gy, r1 + gi + p, last);
                s10 = a.fma(b0, s10); s11 = a.fma(b1, s11); s12 = a.fma(b2, s12);
                a = FloatVector.fromArray(S, gy, r2 + gi + p, last);
                s20 = a.fma(b0, s20); s21 = a.fma(b1, s21); s22 = a.fma(b2, s22);
                a = FloatVector.fromArray(S, gy, r3 + gi + p, last);
                s30 = a.fma(b0, s30); s31 = a.fma(b1, s31); s32 = a.fma(b2, s32);
            }
        }
        sum[0] = VectorKernels.sumLanes(s00); sum[1] = VectorKernels.sumLanes(s01); sum[2] = VectorKernels.sumLanes(s02);
        sum[4] = VectorKernels.sumLanes(s10); sum[5] = VectorKernels.sumLanes(s11); sum[6] = VectorKernels.sumLanes(s12);
        sum[8] = VectorKernels.sumLanes(s20); sum[9] = VectorKernels.sumLanes(s21); sum[10] = VectorKernels.sumLanes(s22);
        sum[12] = VectorKernels.sumLanes(s30); sum[13] = VectorKernels.sumLanes(s31); sum[14] = VectorKernels.sumLanes(s32);
    }
}
