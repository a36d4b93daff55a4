package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#inputGradOneChannel}: the backward-input pass of a convolution with one input
 * channel (the first encoder layer), one image at a time, in two steps that both stay in L1.
 *
 * <p>1. The tap gradients G[t][p] = Σ_o w[o][t]·gy[o][p] (taps × output pixels), with a register
 * tile of all the taps of a group (9 for a 3×3 kernel, else 8 at a time) × 2 vectors of pixels:
 * per output channel 2 loads of gy and 8 or 9 broadcast weights feed 16 or 18 FMAs, and gy is read
 * where it lies, once per group, never copied (8 channels at a time when it is larger than L1,
 * {@link #CHANNEL_BLOCK}). The last pixels go one vector at a time, masked.
 * im2col + sgemm computed the same product with 9 of a 16-row register tile busy (a 3×3 kernel),
 * after packing gy.
 *
 * <p>2. col2im without scattered adds: each input row is built in registers, 2 vectors of
 * columns at a time, from shifted masked loads of the rows of G that reach it. With stride 2 the
 * two vectors are the even and the odd columns (each kernel column reaches one of them), and they
 * are interleaved on the way out ({@code selectFrom} over two vectors).
 *
 * <p>Tap counts: 9 (3×3) or a multiple of 8 (4×4: two groups of 8); strides 1 and 2
 * ({@link #supports}). The taps of G are summed over channels in o order; an input pixel then
 * adds its taps in (i, j) order.
 */
final class OneChannelInputGrad {
    private OneChannelInputGrad() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lane k of the interleave of e and o: e[k/2] for even k, o[k/2] for odd; for the upper half L/2 on. */
    private static final FloatVector ZIP_LO, ZIP_HI;

    static {
        float[] lo = new float[L], hi = new float[L];
        for (int k = 0; k < L; k++) {
            lo[k] = (k % 2 == 0 ? 0 : L) + k / 2;
            hi[k] = (k % 2 == 0 ? 0 : L) + L / 2 + k / 2;
        }
        ZIP_LO = FloatVector.fromArray(S, lo, 0);
        ZIP_HI = FloatVector.fromArray(S, hi, 0);
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /** True for the shapes this class computes; {@link Conv2d} routes only those here. */
    static boolean supports(int kk, int stride) {
        return (kk == 9 || kk % 8 == 0) && (stride == 1 || stride == 2);
    }

    static void inputGrad(int h, int w, int outC, int kH, int kW, int stride, int pad, int oh, int ow,
                          float[] gy, int gyOff, float[] wt, float[] gx, int gxOff) {
        int kk = kH * kW, npix = oh * ow, front = kW + L;
        float[][] holder = SCRATCH.get();
        int need = front + kk * npix + 2 * L;
        if (holder[0].length < need) holder[0] = new float[need];
        float[] g = holder[0];
        tapGradients(kk, outC, npix, gy, gyOff, wt, g, front);
        col2im(h, w, kH, kW, stride, pad, oh, ow, g, front, gx, gxOff);
    }

    // ---------------------------------------------------------------- 1. G = wᵀ·gy

    private static void tapGradients(int kk, int outC, int npix, float[] gy, int gyOff, float[] wt, float[] g, int g0) {
        int full = npix / (2 * L) * (2 * L), group = kk == 9 ? 9 : 8;
        // a gy image larger than L1 is read 8 channels (8 streams of pixels) at a time; see CHANNEL_BLOCK
        int block = outC * npix > L1_FLOATS ? CHANNEL_BLOCK : outC;
        for (int c0 = 0; c0 < outC; c0 += block) {
            int cn = Math.min(block, outC - c0), y0 = gyOff + c0 * npix, w0 = c0 * kk;
            boolean add = c0 > 0;
            for (int t0 = 0; t0 < kk; t0 += group) {
                int p = 0;
                for (; p < full; p += 2 * L) {
                    if (kk == 9) tile9(cn, npix, gy, y0 + p, wt, w0, add, g, g0 + p);
                    else tile8(kk, cn, npix, gy, y0 + p, wt, w0 + t0, add, g, g0 + t0 * npix + p);
                }
                for (; p < npix; p += L)
                    column(kk, group, cn, npix, gy, y0 + p, S.indexInRange(p, npix), wt, w0 + t0, add, g, g0 + t0 * npix + p);
            }
        }
    }

    /**
     * Output channels summed per pass over the pixels when an image's gy does not fit in L1
     * ({@link #L1_FLOATS}): the 2 vectors of each of 32 channels per tile, 32 streams through
     * memory, left the loads waiting (3×3, 1→32 on 28×28, batch 128, one thread, loaded machine,
     * same process alternating: 18-22 → 41-49 GFLOP/s with blocks of 8; blocks of 16 varied from
     * worse to better). The partial sums of G stay in L1 between blocks. A 14×14 output's gy
     * (25 KB) fits and is read whole: blocking it only added the partial sums' traffic
     * (4×4 stride 2: 57-62 → 31-52).
     */
    static final int CHANNEL_BLOCK = 8;

    /** Floats of gy per image up to which it is read in one pass (32 KiB, within a 48 KiB L1). */
    static final int L1_FLOATS = 8192;

    /** G[t][q..q+2L] for all 9 taps: 18 accumulators. */
    private static void tile9(int cn, int npix, float[] gy, int y, float[] wt, int wo, boolean add, float[] g, int q) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z;
        FloatVector b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z, b6 = z, b7 = z, b8 = z;
        if (add) {
            int r = q;
            a0 = FloatVector.fromArray(S, g, r); b0 = FloatVector.fromArray(S, g, r + L); r += npix;
            a1 = FloatVector.fromArray(S, g, r); b1 = FloatVector.fromArray(S, g, r + L); r += npix;
            a2 = FloatVector.fromArray(S, g, r); b2 = FloatVector.fromArray(S, g, r + L); r += npix;
            a3 = FloatVector.fromArray(S, g, r); b3 = FloatVector.fromArray(S, g, r + L); r += npix;
            a4 = FloatVector.fromArray(S, g, r); b4 = FloatVector.fromArray(S, g, r + L); r += npix;
            a5 = FloatVector.fromArray(S, g, r); b5 = FloatVector.fromArray(S, g, r + L); r += npix;
            a6 = FloatVector.fromArray(S, g, r); b6 = FloatVector.fromArray(S, g, r + L); r += npix;
            a7 = FloatVector.fromArray(S, g, r); b7 = FloatVector.fromArray(S, g, r + L); r += npix;
            a8 = FloatVector.fromArray(S, g, r); b8 = FloatVector.fromArray(S, g, r + L);
        }
        for (int o = 0; o < cn; o++, y += npix, wo += 9) {
            FloatVector u = FloatVector.fromArray(S, gy, y), v = FloatVector.fromArray(S, gy, y + L), c;
            c = FloatVector.broadcast(S, wt[wo]); a0 = u.fma(c, a0); b0 = v.fma(c, b0);
            c = FloatVector.broadcast(S, wt[wo + 1]); a1 = u.fma(c, a1); b1 = v.fma(c, b1);
            c = FloatVector.broadcast(S, wt[wo + 2]); a2 = u.fma(c, a2); b2 = v.fma(c, b2);
            c = FloatVector.broadcast(S, wt[wo + 3]); a3 = u.fma(c, a3); b3 = v.fma(c, b3);
            c = FloatVector.broadcast(S, wt[wo + 4]); a4 = u.fma(c, a4); b4 = v.fma(c, b4);
            c = FloatVector.broadcast(S, wt[wo + 5]); a5 = u.fma(c, a5); b5 = v.fma(c, b5);
            c = FloatVector.broadcast(S, wt[wo + 6]); a6 = u.fma(c, a6); b6 = v.fma(c, b6);
            c = FloatVector.broadcast(S, wt[wo + 7]); a7 = u.fma(c, a7); b7 = v.fma(c, b7);
            c = FloatVector.broadcast(S, wt[wo + 8]); a8 = u.fma(c, a8); b8 = v.fma(c, b8);
        }
        a0.intoArray(g, q); b0.intoArray(g, q + L); q += npix;
        a1.intoArray(g, q); b1.intoArray(g, q + L); q += npix;
        a2.intoArray(g, q); b2.intoArray(g, q + L); q += npix;
        a3.intoArray(g, q); b3.intoArray(g, q + L); q += npix;
        a4.intoArray(g, q); b4.intoArray(g, q + L); q += npix;
        a5.intoArray(g, q); b5.intoArray(g, q + L); q += npix;
        a6.intoArray(g, q); b6.intoArray(g, q + L); q += npix;
        a7.intoArray(g, q); b7.intoArray(g, q + L); q += npix;
        a8.intoArray(g, q); b8.intoArray(g, q + L);
    }

    /** G[t0 + t][q..q+2L] for the 8 taps t0 .. t0+7 (of kk per channel): 16 accumulators. */
    private static void tile8(int kk, int cn, int npix, float[] gy, int y, float[] wt, int wo, boolean add, float[] g, int q) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z;
        FloatVector b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z, b6 = z, b7 = z;
        if (add) {
            int r = q;
            a0 = FloatVector.fromArray(S, g, r); b0 = FloatVector.fromArray(S, g, r + L); r += npix;
            a1 = FloatVector.fromArray(S, g, r); b1 = FloatVector.fromArray(S, g, r + L); r += npix;
            a2 = FloatVector.fromArray(S, g, r); b2 = FloatVector.fromArray(S, g, r + L); r += npix;
            a3 = FloatVector.fromArray(S, g, r); b3 = FloatVector.fromArray(S, g, r + L); r += npix;
            a4 = FloatVector.fromArray(S, g, r); b4 = FloatVector.fromArray(S, g, r + L); r += npix;
            a5 = FloatVector.fromArray(S, g, r); b5 = FloatVector.fromArray(S, g, r + L); r += npix;
            a6 = FloatVector.fromArray(S, g, r); b6 = FloatVector.fromArray(S, g, r + L); r += npix;
            a7 = FloatVector.fromArray(S, g, r); b7 = FloatVector.fromArray(S, g, r + L);
        }
        for (int o = 0; o < cn; o++, y += npix, wo += kk) {
            FloatVector u = FloatVector.fromArray(S, gy, y), v = FloatVector.fromArray(S, gy, y + L), c;
            c = FloatVector.broadcast(S, wt[wo]); a0 = u.fma(c, a0); b0 = v.fma(c, b0);
            c = FloatVector.broadcast(S, wt[wo + 1]); a1 = u.fma(c, a1); b1 = v.fma(c, b1);
            c = FloatVector.broadcast(S, wt[wo + 2]); a2 = u.fma(c, a2); b2 = v.fma(c, b2);
            c = FloatVector.broadcast(S, wt[wo + 3]); a3 = u.fma(c, a3); b3 = v.fma(c, b3);
            c = FloatVector.broadcast(S, wt[wo + 4]); a4 = u.fma(c, a4); b4 = v.fma(c, b4);
            c = FloatVector.broadcast(S, wt[wo + 5]); a5 = u.fma(c, a5); b5 = v.fma(c, b5);
            c = FloatVector.broadcast(S, wt[wo + 6]); a6 = u.fma(c, a6); b6 = v.fma(c, b6);
            c = FloatVector.broadcast(S, wt[wo + 7]); a7 = u.fma(c, a7); b7 = v.fma(c, b7);
        }
        a0.intoArray(g, q); b0.intoArray(g, q + L); q += npix;
        a1.intoArray(g, q); b1.intoArray(g, q + L); q += npix;
        a2.intoArray(g, q); b2.intoArray(g, q + L); q += npix;
        a3.intoArray(g, q); b3.intoArray(g, q + L); q += npix;
        a4.intoArray(g, q); b4.intoArray(g, q + L); q += npix;
        a5.intoArray(g, q); b5.intoArray(g, q + L); q += npix;
        a6.intoArray(g, q); b6.intoArray(g, q + L); q += npix;
        a7.intoArray(g, q); b7.intoArray(g, q + L);
    }

    /**
     * One masked vector of pixels for n (8 or 9) taps from t0, one accumulator per tap (enough
     * independent chains to hide the FMA latency). Only the pixels inside the image are stored.
     */
    private static void column(int kk, int n, int cn, int npix, float[] gy, int y, VectorMask<Float> m,
                               float[] wt, int wo, boolean add, float[] g, int q) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z, a7 = z, a8 = z;
        boolean nine = n == 9;
        if (add) {
            a0 = FloatVector.fromArray(S, g, q, m); a1 = FloatVector.fromArray(S, g, q + npix, m);
            a2 = FloatVector.fromArray(S, g, q + 2 * npix, m); a3 = FloatVector.fromArray(S, g, q + 3 * npix, m);
            a4 = FloatVector.fromArray(S, g, q + 4 * npix, m); a5 = FloatVector.fromArray(S, g, q + 5 * npix, m);
            a6 = FloatVector.fromArray(S, g, q + 6 * npix, m); a7 = FloatVector.fromArray(S, g, q + 7 * npix, m);
            if (nine) a8 = FloatVector.fromArray(S, g, q + 8 * npix, m);
        }
        for (int o = 0; o < cn; o++, y += npix, wo += kk) {
            FloatVector u = FloatVector.fromArray(S, gy, y, m);
            a0 = u.fma(FloatVector.broadcast(S, wt[wo]), a0);
            a1 = u.fma(FloatVector.broadcast(S, wt[wo + 1]), a1);
            a2 = u.fma(FloatVector.broadcast(S, wt[wo + 2]), a2);
            a3 = u.fma(FloatVector.broadcast(S, wt[wo + 3]), a3);
            a4 = u.fma(FloatVector.broadcast(S, wt[wo + 4]), a4);
            a5 = u.fma(FloatVector.broadcast(S, wt[wo + 5]), a5);
            a6 = u.fma(FloatVector.broadcast(S, wt[wo + 6]), a6);
            a7 = u.fma(FloatVector.broadcast(S, wt[wo + 7]), a7);
            if (nine) a8 = u.fma(FloatVector.broadcast(S, wt[wo + 8]), a8);
        }
        a0.intoArray(g, q, m); q += npix;
        a1.intoArray(g, q, m); q += npix;
        a2.intoArray(g, q, m); q += npix;
        a3.intoArray(g, q, m); q += npix;
        a4.intoArray(g, q, m); q += npix;
        a5.intoArray(g, q, m); q += npix;
        a6.intoArray(g, q, m); q += npix;
        a7.intoArray(g, q, m);
        if (nine) a8.intoArray(g, q + npix, m);
    }

    // ---------------------------------------------------------------- 2. col2im, in registers

    /**
     * gx[a][b] += Σ_{i,j} G[i·kW + j][r][u] over the taps with a = stride·r + i − pad and
     * b = stride·u + j − pad. Columns go in blocks of 2L: two vectors whose lanes are columns
     * c_v + step·lane (stride 1: c_0 = b0, c_1 = b0 + L, step 1; stride 2: c_0 = b0, c_1 = b0 + 1,
     * step 2). Kernel column j reaches vector v where (c_v + pad − j) is a multiple of the
     * stride, at u = (c_v + pad − j)/stride + lane, masked to 0 ≤ u &lt; ow and columns &lt; w.
     */
    private static void col2im(int h, int w, int kH, int kW, int stride, int pad, int oh, int ow, float[] g, int g0,
                               float[] gx, int gxOff) {
        int npix = oh * ow;
        int[] u0 = new int[2 * kW];
        VectorMask<Float>[] reach = newMasks(2 * kW);
        for (int b0 = 0; b0 < w; b0 += 2 * L) {
            for (int j = 0; j < kW; j++)
                for (int v = 0; v < 2; v++) {
                    int c = stride == 1 ? b0 + v * L : b0 + v, d = c + pad - j;
                    if (Math.floorMod(d, stride) != 0) {
                        reach[j * 2 + v] = null;
                        continue;
                    }
                    int u = Math.floorDiv(d, stride);
                    int cols = Math.min(L, Math.ceilDiv(w - c, stride));   // lanes inside the image's columns
                    int lo = Math.max(0, -u), hi = Math.min(cols, ow - u);
                    u0[j * 2 + v] = u;
                    reach[j * 2 + v] = lo < hi ? S.indexInRange(0, hi).andNot(S.indexInRange(0, lo)) : null;
                }
            // the block's columns b0 .. b0+2L as they leave: the first L, then the next L
            VectorMask<Float> out0 = S.indexInRange(b0, w), out1 = S.indexInRange(b0 + L, w);
            for (int a = 0; a < h; a++) {
                FloatVector e = FloatVector.zero(S), f = e;
                for (int i = 0; i < kH; i++) {
                    int dr = a + pad - i;
                    if (Math.floorMod(dr, stride) != 0) continue;
                    int r = Math.floorDiv(dr, stride);
                    if (r < 0 || r >= oh) continue;
                    int row = g0 + (i * kW) * npix + r * ow;
                    for (int j = 0; j < kW; j++, row += npix) {
                        VectorMask<Float> m0 = reach[j * 2], m1 = reach[j * 2 + 1];
                        if (m0 != null) e = e.add(FloatVector.fromArray(S, g, row + u0[j * 2], m0));
                        if (m1 != null) f = f.add(FloatVector.fromArray(S, g, row + u0[j * 2 + 1], m1));
                    }
                }
                if (stride == 2) {
                    FloatVector lo = ZIP_LO.selectFrom(e, f), hi = ZIP_HI.selectFrom(e, f);
                    e = lo;
                    f = hi;
                }
                int x = gxOff + a * w + b0;
                e.add(FloatVector.fromArray(S, gx, x, out0)).intoArray(gx, x, out0);
                if (b0 + L < w) f.add(FloatVector.fromArray(S, gx, x + L, out1)).intoArray(gx, x + L, out1);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] newMasks(int n) {
        return (VectorMask<Float>[]) new VectorMask[n];
    }
}
