package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector kernels of {@link BatchLanes}, a convolution pass with 32 images in the lanes of two
 * 512-bit vectors: the register tile ({@link Kernels#laneTile}) and the two layout changes into
 * and out of the lanes ({@link Kernels#toLanes}, {@link Kernels#fromLanes}). The scalar twins are
 * the defaults in {@link Kernels}.
 *
 * <p>The tile is sgemm's micro-kernel ({@link SgemmMicroKernel}: 8 rows × 2 vectors, 16
 * accumulators, per k step 2 loads and 8 broadcasts for 16 FMAs) with its k loop cut into
 * segments, one per kernel tap, each starting where its own operands lie: the packed weights of
 * that tap, and the lane rows of the source pixel it reads. A pixel of a padded border simply has
 * fewer segments, so no FMA is spent on padding's zeros.
 *
 * <p>{@link ChannelLanes}' weight gradient runs the same tile: its 8 broadcast values are 8
 * output channels' gy at one output pixel and image, its two vectors the 32 input channels of the
 * pixel that tap reads in that image, its segments the tap's output rows.
 *
 * <p>Only where the preferred species has 16 lanes ({@link #USABLE}); elsewhere the backend keeps
 * the other routes ({@link Conv2d}).
 */
final class LaneTile {
    private LaneTile() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = 16;

    /** True when 32 lanes are two vectors of the preferred species (AVX-512). */
    static final boolean USABLE = S.length() == L;

    /** See {@link Kernels#laneTile}. */
    static void tile(int nseg, int[] segA, int[] segB, int kc, float[] ap, float[] bp, float[] out, int o) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int s = 0; s < nseg; s++) {
            int a = segA[s], b = segB[s];
            for (int p = 0; p < kc; p++, a += 8, b += 2 * L) {
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
        }
        c00.intoArray(out, o);       c01.intoArray(out, o + L);
        c10.intoArray(out, o + 32);  c11.intoArray(out, o + 48);
        c20.intoArray(out, o + 64);  c21.intoArray(out, o + 80);
        c30.intoArray(out, o + 96);  c31.intoArray(out, o + 112);
        c40.intoArray(out, o + 128); c41.intoArray(out, o + 144);
        c50.intoArray(out, o + 160); c51.intoArray(out, o + 176);
        c60.intoArray(out, o + 192); c61.intoArray(out, o + 208);
        c70.intoArray(out, o + 224); c71.intoArray(out, o + 240);
    }

    /**
     * See {@link Kernels#toLanes}. Each half of the lanes (16 images) takes 16 consecutive values of
     * every image at a time through a 16×16 register transpose ({@link Transpose16}), each of its
     * 16 rows (one value's 16 images) stored where that value's pixel and channel put it; lanes past
     * {@code images} are zeros; the values past the last whole 16 one at a time.
     */
    static void toLanes(float[] src, int sOff, int imgStride, int images, int channels, int pixels, float[] dst, int dOff,
                        int pixelStride) {
        int len = channels * pixels;
        float[] t = VectorKernels.laneSums();          // a per-thread scratch of at least 256 floats
        for (int h = 0; h < 2; h++) {
            int l0 = h * L, n = Math.min(L, images - l0);
            if (n < L) {                                // a partial half: value by value, zeros past the images
                for (int e = 0; e < len; e++) {
                    int c = e / pixels, q = e % pixels, d = dOff + q * pixelStride + c * 32 + l0;
                    for (int l = 0; l < L; l++) dst[d + l] = l < n ? src[sOff + (l0 + l) * imgStride + e] : 0f;
                }
                continue;
            }
            int e0 = 0;
            for (; e0 + L <= len; e0 += L) {
                Transpose16.transpose(src, sOff + l0 * imgStride + e0, imgStride, t, 0, L);
                int c = e0 / pixels, q = e0 % pixels;
                for (int r = 0; r < L; r++) {
                    FloatVector.fromArray(S, t, r * L).intoArray(dst, dOff + q * pixelStride + c * 32 + l0);
                    if (++q == pixels) { q = 0; c++; }
                }
            }
            for (int e = e0; e < len; e++) {
                int c = e / pixels, q = e % pixels, d = dOff + q * pixelStride + c * 32 + l0;
                for (int l = 0; l < L; l++) dst[d + l] = src[sOff + (l0 + l) * imgStride + e];
            }
        }
    }

    /**
     * See {@link Kernels#fromLanes}. For each channel, 16 consecutive pixels of 16 images at a time
     * through a 16×16 register transpose, each of its rows (one image's 16 pixels) added to the
     * image or written with the channel's bias; the pixels past the last whole 16 one at a time.
     */
    static void fromLanes(float[] src, int sOff, int pixelStride, int images, int channels, int pixels, float[] bias,
                          boolean overwrite, float[] dst, int dOff, int imgStride, int chanStride) {
        float[] t = VectorKernels.laneSums();
        for (int h = 0; h < 2; h++) {
            int l0 = h * L, n = Math.min(L, images - l0);
            if (n <= 0) break;
            for (int c = 0; c < channels; c++) {
                float bc = overwrite && bias != null ? bias[c] : 0f;
                int q0 = 0;
                if (n == L) {
                    for (; q0 + L <= pixels; q0 += L) {
                        Transpose16.transpose(src, sOff + q0 * pixelStride + c * 32 + l0, pixelStride, t, 0, L);
                        for (int l = 0; l < L; l++) {
                            int d = dOff + (l0 + l) * imgStride + c * chanStride + q0;
                            FloatVector v = FloatVector.fromArray(S, t, l * L);
                            v = overwrite ? v.add(bc) : v.add(FloatVector.fromArray(S, dst, d));
                            v.intoArray(dst, d);
                        }
                    }
                }
                for (int q = q0; q < pixels; q++)
                    for (int l = 0; l < n; l++) {
                        float v = src[sOff + q * pixelStride + c * 32 + l0 + l];
                        int d = dOff + (l0 + l) * imgStride + c * chanStride + q;
                        dst[d] = overwrite ? v + bc : dst[d] + v;
                    }
            }
        }
    }
}
