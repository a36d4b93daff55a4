package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector backend's products over tap planes ({@link TapPlanes}): {@link Kernels#tapGemm}, a
 * convolution over a group of images, and {@link Kernels#tapGradient}, its weight gradient. Both
 * run on {@link SgemmMicroKernel}, the sgemm's 8×32 register tile; what differs from
 * im2col + sgemm is where the packed operand comes from.
 *
 * <p>{@code product}: the columns of every image of the group form one wide product (a 7×7
 * output per image would leave 15 of a tile's 32 columns empty). A column panel inside one image
 * needs no packing at all: each tap's 32 pixels are one contiguous run of the planes, which the
 * register tile reads where it lies ({@link #tapTile}), and the tile goes from registers straight
 * to the output. A panel that straddles two images (or ends early) is packed (taps × 32 pixels,
 * copied straight from the planes, one run per tap and image), or, in a product of at most 32
 * rows, read in place as well, each vector two loads blended ({@link #straddleTile}); its tiles
 * go through a scratch tile. Either way no column matrix is unfolded ("fused packing"). The
 * weights are packed once per call. Measured against packing every panel (3×3 "same" 32→64 on
 * 14×14, one thread, one JVM alternating the two): forward 156.5 → 163.9 GFLOP/s,
 * backward-input 131.3 → 138.1.
 *
 * <p>{@code gradient}: gw = gy · planesᵀ over all pixels of the group, k = images × pixels,
 * computed transposed so that the taps are read where they lie and only gy is packed.
 *
 * <p>Both run on the calling thread and add each sum in a fixed order, so results do not depend
 * on the caller's threads. The scalar twins are the defaults in {@link Kernels}.
 */
final class TapGemm {
    private TapGemm() {}

    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int L = SgemmMicroKernel.L, MR = SgemmMicroKernel.MR, NR = SgemmMicroKernel.NR;

    private static final class Scratch {
        float[] a = new float[0], b = new float[0], init = new float[0];
        final float[] acc = new float[MR * NR];
        /** A gradient tile turned round: NR rows (output channels) of MR taps. */
        final float[] accT = new float[MR * NR];
        /** The smallest and largest tap offset of the product in progress. */
        int minOff, maxOff;
        /** The runs of the current column panel: image, first pixel, length, first column. */
        final int[] runG = new int[NR], runP = new int[NR], runLen = new int[NR], runCol = new int[NR];
        /** The gradient's current eight taps: their offsets in the planes. */
        final int[] tapRows = new int[MR];
        /** The sum {@link CacheLines#touch} returns, kept so that its reads are not optimised away. */
        float touched;
        /** {@link #directGradient}'s tiles' partial sums, 16 vectors a tile. */
        float[] tileSums = new float[0];
        /**
         * A straddling panel ({@link #straddleBases}): per vector h of its two, the load bases of the
         * first and the second run it meets (lane 0 reads base + tapOff[t]; the same base twice when
         * it meets one), and the lanes of each (none for a run it does not meet).
         */
        int sa0, sb0, sa1, sb1;
        long first0, second0, first1, second1;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ---------------------------------------------------------------- the convolution

    static void product(int m, int taps, int images, int npix, float[] a, float[] init, float[] planes, int imgStride,
                        int[] tapOff, float beta, float[] c, int cOff, int cImg, int ldc) {
        if (m <= 0 || images <= 0 || npix <= 0) return;
        if (beta == 0f && taps <= DIRECT_MAX_TAPS) {
            direct(m, taps, images, npix, a, init, planes, imgStride, tapOff, c, cOff, cImg, ldc);
            return;
        }
        Scratch sc = SCRATCH.get();
        int mPad = (m + MR - 1) / MR * MR;
        if (sc.a.length < mPad * Math.max(1, taps)) sc.a = new float[mPad * Math.max(1, taps)];
        if (sc.b.length < Math.max(1, taps) * NR) sc.b = new float[Math.max(1, taps) * NR];
        if (sc.init.length < mPad) sc.init = new float[mPad];
        float[] pa = sc.a, panel = sc.b, rowInit = sc.init, acc = sc.acc;
        if (taps > 0) SgemmPacking.packA(false, a, 0, taps, 0, m, 0, taps, pa, 0);
        for (int i = 0; i < mPad; i++) rowInit[i] = init != null && i < m ? init[i] : 0f;
        sc.minOff = Integer.MAX_VALUE;
        sc.maxOff = Integer.MIN_VALUE;
        for (int t = 0; t < taps; t++) {
            sc.minOff = Math.min(sc.minOff, tapOff[t]);
            sc.maxOff = Math.max(sc.maxOff, tapOff[t]);
        }
        int n = images * npix;
        for (int q0 = 0; q0 < n; q0 += NR) {
            int nr = Math.min(NR, n - q0);
            int runs = runs(sc, q0, nr, npix);
            boolean oneImage = runs == 1 && nr == NR;
            boolean straddling = !oneImage && m <= STRADDLE_MAX_ROWS && twoRunsPerHalf(sc, runs)
                    && loadsInRange(sc, runs, imgStride, planes.length);
            int g0 = sc.runG[0], p0 = sc.runP[0];
            if (straddling) straddleBases(sc, runs, imgStride);
            if (!(oneImage || straddling) || m % MR != 0) packPanel(taps, planes, imgStride, tapOff, sc, runs, nr, panel);
            for (int ir = 0; ir < m; ir += MR) {
                int mr = Math.min(MR, m - ir);
                if (oneImage && mr == MR) {
                    // a whole tile inside one image: B read where it lies in the planes, and the tile
                    // from registers straight to c, added (beta 1) or stored (beta 0)
                    tapTile(taps, pa, ir * taps, planes, g0 * imgStride + p0, tapOff, rowInit, ir, c,
                            cOff + g0 * cImg + ir * ldc + p0, ldc, beta == 1f);
                } else if (straddling && mr == MR) {
                    // a whole tile across two images (or a panel ending early): B still read where it
                    // lies, two runs blended per vector
                    straddleTile(taps, pa, ir * taps, planes, tapOff, sc, rowInit, ir, acc);
                    scatter(sc, runs, acc, mr, beta, c, cOff + ir * ldc, cImg, ldc);
                } else {
                    SgemmMicroKernel.multiply(taps, pa, ir * taps, panel, 0, NR, rowInit, ir, acc, 0, NR);
                    scatter(sc, runs, acc, mr, beta, c, cOff + ir * ldc, cImg, ldc);
                }
            }
        }
    }

    /**
     * out[o + r·ld + j] (=, or += when add) init[io + r] + Σ_t ap[a + t·MR + r] · planes[base + tapOff[t] + j]:
     * {@link SgemmMicroKernel#multiply}'s 8×32 tile with its B rows read where they lie, each tap's
     * 32 pixels one contiguous run of the planes, instead of from a packed panel. The same sums in
     * the same order, so the floats do not depend on which ran.
     */
    private static void tapTile(int taps, float[] ap, int a, float[] planes, int base, int[] tapOff, float[] init, int io,
                                float[] out, int o, int ld, boolean add) {
        FloatVector c00 = FloatVector.broadcast(S, init[io]), c01 = c00, c10 = FloatVector.broadcast(S, init[io + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, init[io + 2]), c21 = c20, c30 = FloatVector.broadcast(S, init[io + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, init[io + 4]), c41 = c40, c50 = FloatVector.broadcast(S, init[io + 5]), c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, init[io + 6]), c61 = c60, c70 = FloatVector.broadcast(S, init[io + 7]), c71 = c70;
        for (int t = 0; t < taps; t++, a += MR) {
            int b = base + tapOff[t];
            FloatVector b0 = FloatVector.fromArray(S, planes, b);
            FloatVector b1 = FloatVector.fromArray(S, planes, b + L);
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
     * Straddling panels go through {@link #straddleTile} (no packing, a blend per B vector in every
     * tile) up to this many rows, four tiles; with more, the packed panel is reused by enough tiles
     * to pay for its copy. Measured (4×4 stride 2, 32→64 channels on 14×14, one thread, one JVM
     * alternating): backward-input (32 rows) 106.9 → 111.7 GFLOP/s, but forward (64 rows)
     * 123.7 → 120.4.
     */
    static final int STRADDLE_MAX_ROWS = 4 * MR;

    /**
     * The load bases and lanes of a straddling panel, for {@link #straddleTile} and
     * {@link #packStraddling}, from its runs (at most two per vector: {@link #twoRunsPerHalf}).
     * Lanes of neither run (past the panel's last column) are in neither run's bits; a vector that
     * meets no run reads from its first base with no lanes set.
     */
    private static void straddleBases(Scratch sc, int runs, int imgStride) {
        int n0 = 0, n1 = 0;
        sc.first0 = sc.second0 = sc.first1 = sc.second1 = 0;
        for (int r = 0; r < runs; r++) {
            int c0 = sc.runCol[r], c1 = c0 + sc.runLen[r], base = sc.runG[r] * imgStride + sc.runP[r] - c0;
            if (c0 < L && c1 > 0) {
                long bits = VectorKernels.laneBits(c0, Math.min(c1, L));
                if (n0++ == 0) { sc.sa0 = sc.sb0 = base; sc.first0 = bits; }
                else { sc.sb0 = base; sc.second0 = bits; }
            }
            if (c0 < 2 * L && c1 > L) {
                long bits = VectorKernels.laneBits(Math.max(c0, L) - L, c1 - L);
                if (n1++ == 0) { sc.sa1 = sc.sb1 = base + L; sc.first1 = bits; }
                else { sc.sb1 = base + L; sc.second1 = bits; }
            }
        }
        if (n1 == 0) sc.sa1 = sc.sb1 = sc.sa0 + L;
    }

    /**
     * acc = init + Σ_t ap[a + t·MR + r] · (panel column j of tap t) for a panel whose columns
     * straddle two images: {@link #tapTile}'s 8×32 tile, each B vector two plain loads (one at each
     * run's base) blended by the second run's lanes, the same values {@link #packStraddling} would
     * pack, in the same order: the same floats. A blend per vector costs about as much as a tenth
     * of the FMAs, against a packed copy of the panel and its reload.
     */
    private static void straddleTile(int taps, float[] ap, int a, float[] planes, int[] tapOff, Scratch sc, float[] init, int io,
                                     float[] out) {
        FloatVector c00 = FloatVector.broadcast(S, init[io]), c01 = c00, c10 = FloatVector.broadcast(S, init[io + 1]), c11 = c10;
        FloatVector c20 = FloatVector.broadcast(S, init[io + 2]), c21 = c20, c30 = FloatVector.broadcast(S, init[io + 3]), c31 = c30;
        FloatVector c40 = FloatVector.broadcast(S, init[io + 4]), c41 = c40, c50 = FloatVector.broadcast(S, init[io + 5]), c51 = c50;
        FloatVector c60 = FloatVector.broadcast(S, init[io + 6]), c61 = c60, c70 = FloatVector.broadcast(S, init[io + 7]), c71 = c70;
        int sa0 = sc.sa0, sb0 = sc.sb0, sa1 = sc.sa1, sb1 = sc.sb1;
        VectorMask<Float> m0 = VectorMask.fromLong(S, sc.second0), m1 = VectorMask.fromLong(S, sc.second1);
        for (int t = 0; t < taps; t++, a += MR) {
            int off = tapOff[t];
            FloatVector b0 = FloatVector.fromArray(S, planes, sa0 + off).blend(FloatVector.fromArray(S, planes, sb0 + off), m0);
            FloatVector b1 = FloatVector.fromArray(S, planes, sa1 + off).blend(FloatVector.fromArray(S, planes, sb1 + off), m1);
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
        c00.intoArray(out, 0); c01.intoArray(out, L);
        c10.intoArray(out, NR); c11.intoArray(out, NR + L);
        c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
        c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
        c40.intoArray(out, 4 * NR); c41.intoArray(out, 4 * NR + L);
        c50.intoArray(out, 5 * NR); c51.intoArray(out, 5 * NR + L);
        c60.intoArray(out, 6 * NR); c61.intoArray(out, 6 * NR + L);
        c70.intoArray(out, 7 * NR); c71.intoArray(out, 7 * NR + L);
    }

    /**
     * Products this shallow (a one-channel 4×4 layer has 16 taps) run directly on the planes,
     * per image, with {@link ConvDirect}'s 4 channels × 4 vectors tile: at a depth of 16 a packed
     * panel would be copied for as many FMAs as it feeds, and the 8×32 tile spends as much time
     * storing its 16 vectors as computing them.
     */
    static final int DIRECT_MAX_TAPS = 16;

    /** The overwrite product image by image, straight from the planes ({@link ConvDirect#product}). */
    private static void direct(int m, int taps, int images, int npix, float[] a, float[] init, float[] planes, int imgStride,
                               int[] tapOff, float[] c, int cOff, int cImg, int ldc) {
        for (int g = 0; g < images; g++)
            ConvDirect.product(taps, planes, tapOff, g * imgStride, npix, a, m, init, c, cOff + g * cImg, ldc);
    }

    /** Cuts columns q0 .. q0+nr (pixel q of the group = image q / npix) into per-image runs; returns their count. */
    private static int runs(Scratch sc, int q0, int nr, int npix) {
        int runs = 0;
        for (int col = 0; col < nr; runs++) {
            int q = q0 + col, g = q / npix, p = q - g * npix, len = Math.min(nr - col, npix - p);
            sc.runG[runs] = g;
            sc.runP[runs] = p;
            sc.runLen[runs] = len;
            sc.runCol[runs] = col;
            col += len;
        }
        return runs;
    }

    /** panel[t·NR + col] = the tap's value at the column's pixel; columns nr.. are zero. */
    private static void packPanel(int taps, float[] planes, int imgStride, int[] tapOff, Scratch sc, int runs, int nr,
                                  float[] panel) {
        if (runs == 1 && nr == NR) {
            int base = sc.runG[0] * imgStride + sc.runP[0];
            for (int t = 0; t < taps; t++) {
                int s = base + tapOff[t], d = t * NR;
                FloatVector.fromArray(S, planes, s).intoArray(panel, d);
                FloatVector.fromArray(S, planes, s + L).intoArray(panel, d + L);
            }
            return;
        }
        if (twoRunsPerHalf(sc, runs) && loadsInRange(sc, runs, imgStride, planes.length)) {
            packStraddling(taps, planes, imgStride, tapOff, sc, runs, nr, panel);
            return;
        }
        for (int t = 0; t < taps; t++) {
            int d = t * NR;
            for (int r = 0; r < runs; r++)
                System.arraycopy(planes, sc.runG[r] * imgStride + sc.runP[r] + tapOff[t], panel, d + sc.runCol[r], sc.runLen[r]);
            for (int col = nr; col < NR; col++) panel[d + col] = 0f;
        }
    }

    /**
     * True when every vector load of {@link #packStraddling} lies inside the array (else the
     * Vector API checks each lane of a masked load, far slower than the copies it replaces).
     */
    private static boolean loadsInRange(Scratch sc, int runs, int imgStride, int length) {
        for (int r = 0; r < runs; r++) {
            int base = sc.runG[r] * imgStride + sc.runP[r] - sc.runCol[r];
            if (base + sc.minOff < 0 || base + sc.maxOff + 2 * L > length) return false;
        }
        return true;
    }

    /** True when each vector of the panel's columns (L of them) meets at most two runs. */
    private static boolean twoRunsPerHalf(Scratch sc, int runs) {
        for (int h = 0; h < 2; h++) {
            int meet = 0;
            for (int r = 0; r < runs; r++)
                if (sc.runCol[r] < (h + 1) * L && sc.runCol[r] + sc.runLen[r] > h * L) meet++;
            if (meet > 2) return false;
        }
        return true;
    }

    /**
     * A panel whose columns straddle two images (or end early): each of its two vectors is
     * loaded as up to two masked loads, one per image run, blended, so that the copy stays
     * two vector stores per tap instead of an arraycopy per run (a 7×7 output puts an image
     * boundary in most panels). Lanes past the last column load as zero.
     */
    private static void packStraddling(int taps, float[] planes, int imgStride, int[] tapOff, Scratch sc, int runs, int nr,
                                       float[] panel) {
        straddleBases(sc, runs, imgStride);
        int b0 = sc.sa0, b1 = sc.sb0, b2 = sc.sa1, b3 = sc.sb1;
        boolean any0 = sc.first0 != 0, two0 = sc.second0 != 0, any1 = sc.first1 != 0, two1 = sc.second1 != 0;
        VectorMask<Float> m0 = VectorMask.fromLong(S, sc.first0), m1 = VectorMask.fromLong(S, sc.second0);
        VectorMask<Float> m2 = VectorMask.fromLong(S, sc.first1), m3 = VectorMask.fromLong(S, sc.second1);
        FloatVector zero = FloatVector.zero(S);
        for (int t = 0; t < taps; t++) {
            int o = tapOff[t], d = t * NR;
            FloatVector v = any0 ? FloatVector.fromArray(S, planes, b0 + o, m0) : zero;
            if (two0) v = v.blend(FloatVector.fromArray(S, planes, b1 + o, m1), m1);
            v.intoArray(panel, d);
            v = any1 ? FloatVector.fromArray(S, planes, b2 + o, m2) : zero;
            if (two1) v = v.blend(FloatVector.fromArray(S, planes, b3 + o, m3), m3);
            v.intoArray(panel, d + L);
        }
    }

    /** c rows (mr of them, ldc apart) at the runs' pixels = acc (beta 0) or += acc (beta 1). */
    private static void scatter(Scratch sc, int runs, float[] acc, int mr, float beta, float[] c, int c0, int cImg, int ldc) {
        for (int r = 0; r < mr; r++)
            for (int k = 0; k < runs; k++) {
                int src = r * NR + sc.runCol[k], dst = c0 + sc.runG[k] * cImg + r * ldc + sc.runP[k], len = sc.runLen[k];
                if (beta == 0f) System.arraycopy(acc, src, c, dst, len);
                else for (int j = 0; j < len; j++) c[dst + j] += acc[src + j];
            }
    }

    // ---------------------------------------------------------------- the weight gradient

    /**
     * gw += gy · planesᵀ, computed as its transpose: gwᵀ[t][o] = Σ_κ planes[tapOff[t] + pixel κ] ·
     * gy[o][κ], κ = g·npix + p over the group's images and pixels. The taps are the micro-tile's
     * rows and are read where they lie in the planes ({@link #gatheredTile}: eight broadcasts per
     * step, one from each tap's run, exactly as many loads as from a packed panel); only gy is
     * packed, as B panels of 32 output channels ({@link #packGyT}), 8 times less data than the taps'
     * panels it replaces, which were copied out of the planes and transposed before every multiply.
     * Each entry is summed from 0 in κ order per k block ({@link #GRADIENT_KC}) and then added to gw
     * once.
     */
    static void gradient(int m, int taps, int images, int npix, float[] gy, int gyOff, int gyImg, float[] planes,
                         int imgStride, int[] tapOff, float[] gw, int gwOff, int ldw) {
        if (m <= 0 || taps <= 0 || images <= 0 || npix <= 0) return;
        if (taps <= DIRECT_GRADIENT_MAX_TAPS) {
            directGradient(m, taps, images, npix, gy, gyOff, gyImg, planes, imgStride, tapOff, gw, gwOff, ldw);
            return;
        }
        Scratch sc = SCRATCH.get();
        int k = images * npix, ks = Sgemm.kStep(k, GRADIENT_KC), panels = (m + NR - 1) / NR;
        if (sc.b.length < panels * ks * NR) sc.b = new float[panels * ks * NR];
        float[] bp = sc.b, acc = sc.acc;
        int[] rows = sc.tapRows;
        for (int k0 = 0; k0 < k; k0 += ks) {
            int kc = Math.min(ks, k - k0);
            // gy's lines read once in order first: packGyT's 16×16 transposes then read 16 channels'
            // rows at once, 784 bytes apart (a 14×14 image), an order the prefetcher does not follow
            for (int g = k0 / npix, gLast = (k0 + kc - 1) / npix; g <= gLast; g++)
                sc.touched += CacheLines.touch(gy, gyOff + g * gyImg, gyOff + g * gyImg + m * npix);
            packGyT(m, panels, npix, gy, gyOff, gyImg, k0, kc, bp);
            for (int t0 = 0; t0 < taps; t0 += MR) {
                int nt = Math.min(MR, taps - t0);
                // rows past the last tap repeat it: their sums are computed and dropped
                for (int i = 0; i < MR; i++) rows[i] = tapOff[t0 + Math.min(i, nt - 1)];
                for (int j = 0; j < panels; j++) {
                    gatheredTile(kc, k0, npix, planes, imgStride, rows, bp, j * kc * NR, acc);
                    int cols = Math.min(NR, m - j * NR), w0 = gwOff + j * NR * ldw + t0;
                    if (nt == 8 && cols == 32 && MR == 8 && NR == 32 && Transpose16.USABLE) addTransposed(acc, sc.accT, gw, w0, ldw);
                    else
                        for (int col = 0; col < cols; col++)
                            for (int r = 0; r < nt; r++) gw[w0 + col * ldw + r] += acc[r * NR + col];
                }
            }
        }
    }

    /**
     * Depth of the gradient's k blocks (images × pixels), cut into equal parts of at most this: a
     * group of eight 14×14 images (k = 1568) is one block. With sgemm's KC (512: four blocks of
     * 392) every tile was summed, turned round and added to gw four times, and gy packed in four
     * pieces; one block measured 3×3 32→64 weight gradient 149.4 → 158.8 GFLOP/s on one thread and
     * 252.9 → 308.9 on two (one JVM, alternating); blocks of 256 or 192 were slower still (4×4/2
     * 32→64: 92.9 → 88.1, 128.0 → 114.5). The packed gy is then up to 2048 × 32 floats a panel.
     */
    static final int GRADIENT_KC = 2048;

    /**
     * gw[w0 + col·ldw + r] += acc[r·32 + col] for a whole 8×32 tile: the tile turned round in
     * registers ({@link Transpose16#transpose8x16}, twice), then 8 adjacent adds per output
     * channel instead of eight scalar ones a row of gw apart. The same single add per entry. A
     * plain loop, not a 256-bit FloatVector: a second vector shape in the process is what once
     * left C2 boxing the vectors of {@link #gradientTile} (see {@link SgemmPacking}).
     */
    private static void addTransposed(float[] acc, float[] accT, float[] gw, int w0, int ldw) {
        Transpose16.transpose8x16(acc, 0, NR, accT, 0);
        Transpose16.transpose8x16(acc, 16, NR, accT, 128);
        for (int col = 0; col < 32; col++, w0 += ldw)
            for (int r = 0; r < MR; r++) gw[w0 + r] += accT[col * MR + r];
    }

    /**
     * Gradients this shallow (a one-channel layer: 9 or 16 taps) are summed directly, lanes over
     * pixels ({@link #directGradient}): the transposed product above would pack all of gy, one
     * scalar store per value, for only two tiles of eight taps to reuse, and that copy cost twice
     * its multiply-adds.
     */
    static final int DIRECT_GRADIENT_MAX_TAPS = 16;

    /**
     * gw[o][t] += Σ_g Σ_p gy[g][o][p] · planes[tapOff[t] + g·imgStride + p], with no packing: a
     * register tile of 4 channels × 4 taps holds 16 vectors of per-lane partial sums (lanes over
     * pixels); each step loads 4 vectors of gy and 4 of the taps' runs for 16 FMAs, and each sum's
     * lanes are added together once, at the end of the group. An image's last vector ends at its
     * last pixel, its lanes shared with the one before zeroed in gy. Channels and taps outside
     * whole tiles go one pair at a time, the partial vector masked.
     *
     * <p>The tiles visit the group {@link #IMAGES_PER_VISIT} images at a time, every tile in turn,
     * each taking its 16 partial-sum vectors from a scratch array and putting them back: while
     * they go round, those images' planes (16 taps × 196 pixels, 12.5 KB an image for a 4×4/2
     * layer on 28×28) stay in L1 for all 8 channel blocks, where a tile that went through all 8
     * images of the group before the next tile started read them again from L2 for every
     * channel block. Each lane still sums its pixels in the same order: the same floats. Measured
     * (one JVM alternating, 1→32 4×4/2 on 28×28, 128 images, GFLOP/s, medians of nine rounds),
     * whole group → 2 images a visit → and the last vector of an image peeled off the loop (no
     * min and branch in every step): one thread 68.6 → 73.8 → 83.0 and 69.5 → 77.1 → 82.3, two
     * threads 124.2 → 135.2 → 149.1 and 112.0 → 121.9 → 130.5. 1, 2, 4 and 8 images a visit,
     * one thread: 78.4 / 87.4 / 82.8 / 73.8.
     */
    private static void directGradient(int m, int taps, int images, int npix, float[] gy, int gyOff, int gyImg, float[] planes,
                                       int imgStride, int[] tapOff, float[] gw, int gwOff, int ldw) {
        int m4 = npix >= L ? m / 4 * 4 : 0, t4 = taps / 4 * 4, tiles = m4 / 4 * (t4 / 4);
        float[] lanes = VectorKernels.laneSums();
        Scratch sc = SCRATCH.get();
        if (sc.tileSums.length < tiles * 16 * L) sc.tileSums = new float[tiles * 16 * L];
        float[] sums = sc.tileSums;
        java.util.Arrays.fill(sums, 0, tiles * 16 * L, 0f);
        for (int g0 = 0; g0 < images; g0 += IMAGES_PER_VISIT) {
            int g1 = Math.min(images, g0 + IMAGES_PER_VISIT);
            for (int o = 0, at = 0; o < m4; o += 4)          // at: the tile's 16 sum vectors, tiles in this order
                for (int t = 0; t < t4; t += 4, at += 16 * L)
                    gradientTile(sums, at, o, t, g0, g1, npix, gy, gyOff, gyImg, planes, imgStride, tapOff);
        }
        for (int o = 0, at = 0; o < m4; o += 4)
            for (int t = 0; t < t4; t += 4, at += 16 * L) {
                VectorKernels.sumLanes(sums, at, 16, lanes, 0);
                for (int r = 0; r < 4; r++)
                    for (int c = 0; c < 4; c++) gw[gwOff + (o + r) * ldw + t + c] += lanes[4 * r + c];
            }
        int full = npix / L * L;
        FloatVector zero = FloatVector.zero(S);
        for (int o = 0; o < m; o++)
            for (int t = o < m4 ? t4 : 0; t < taps; t++) {
                FloatVector acc = zero;
                for (int g = 0; g < images; g++) {
                    int y = gyOff + g * gyImg + o * npix, x = g * imgStride + tapOff[t];
                    for (int p = 0; p < full; p += L)
                        acc = FloatVector.fromArray(S, gy, y + p).fma(FloatVector.fromArray(S, planes, x + p), acc);
                    if (full < npix) {
                        VectorMask<Float> in = S.indexInRange(full, npix);
                        acc = FloatVector.fromArray(S, gy, y + full, in).fma(FloatVector.fromArray(S, planes, x + full, in), acc);
                    }
                }
                gw[gwOff + o * ldw + t] += VectorKernels.sumLanes(acc);
            }
    }

    /** Images the tiles of {@link #directGradient} go through before the next tile's turn. */
    static final int IMAGES_PER_VISIT = 2;

    /**
     * Channels o .. o+3 × taps t .. t+3 of {@link #directGradient} over images g0 .. g1: its 16
     * vectors of partial sums taken from sums[s ..] and put back.
     */
    private static void gradientTile(float[] sums, int s, int o, int t, int g0, int g1, int npix, float[] gy, int gyOff, int gyImg,
                                     float[] planes, int imgStride, int[] tapOff) {
        FloatVector c00 = FloatVector.fromArray(S, sums, s), c01 = FloatVector.fromArray(S, sums, s + L);
        FloatVector c02 = FloatVector.fromArray(S, sums, s + 2 * L), c03 = FloatVector.fromArray(S, sums, s + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, sums, s + 4 * L), c11 = FloatVector.fromArray(S, sums, s + 5 * L);
        FloatVector c12 = FloatVector.fromArray(S, sums, s + 6 * L), c13 = FloatVector.fromArray(S, sums, s + 7 * L);
        FloatVector c20 = FloatVector.fromArray(S, sums, s + 8 * L), c21 = FloatVector.fromArray(S, sums, s + 9 * L);
        FloatVector c22 = FloatVector.fromArray(S, sums, s + 10 * L), c23 = FloatVector.fromArray(S, sums, s + 11 * L);
        FloatVector c30 = FloatVector.fromArray(S, sums, s + 12 * L), c31 = FloatVector.fromArray(S, sums, s + 13 * L);
        FloatVector c32 = FloatVector.fromArray(S, sums, s + 14 * L), c33 = FloatVector.fromArray(S, sums, s + 15 * L);
        int full = npix / L * L;
        FloatVector zero = FloatVector.zero(S);
        VectorMask<Float> fresh = S.indexInRange(0, L).andNot(S.indexInRange(0, L - (npix - full)));   // lanes L-rem .. L-1
        for (int g = g0; g < g1; g++) {
            int y0 = gyOff + g * gyImg + o * npix, y1 = y0 + npix, y2 = y1 + npix, y3 = y2 + npix, base = g * imgStride;
            int x0 = base + tapOff[t], x1 = base + tapOff[t + 1], x2 = base + tapOff[t + 2], x3 = base + tapOff[t + 3];
            for (int p = 0; p < full; p += L) {
                FloatVector a0 = FloatVector.fromArray(S, gy, y0 + p), a1 = FloatVector.fromArray(S, gy, y1 + p);
                FloatVector a2 = FloatVector.fromArray(S, gy, y2 + p), a3 = FloatVector.fromArray(S, gy, y3 + p);
                FloatVector v = FloatVector.fromArray(S, planes, x0 + p);
                c00 = v.fma(a0, c00); c10 = v.fma(a1, c10); c20 = v.fma(a2, c20); c30 = v.fma(a3, c30);
                v = FloatVector.fromArray(S, planes, x1 + p);
                c01 = v.fma(a0, c01); c11 = v.fma(a1, c11); c21 = v.fma(a2, c21); c31 = v.fma(a3, c31);
                v = FloatVector.fromArray(S, planes, x2 + p);
                c02 = v.fma(a0, c02); c12 = v.fma(a1, c12); c22 = v.fma(a2, c22); c32 = v.fma(a3, c32);
                v = FloatVector.fromArray(S, planes, x3 + p);
                c03 = v.fma(a0, c03); c13 = v.fma(a1, c13); c23 = v.fma(a2, c23); c33 = v.fma(a3, c33);
            }
            if (full < npix) {
                // the image's last vector ends at npix: the lanes it shares with the one before are zeroed in gy
                int q = npix - L;
                FloatVector a0 = zero.blend(FloatVector.fromArray(S, gy, y0 + q), fresh), a1 = zero.blend(FloatVector.fromArray(S, gy, y1 + q), fresh);
                FloatVector a2 = zero.blend(FloatVector.fromArray(S, gy, y2 + q), fresh), a3 = zero.blend(FloatVector.fromArray(S, gy, y3 + q), fresh);
                FloatVector v = FloatVector.fromArray(S, planes, x0 + q);
                c00 = v.fma(a0, c00); c10 = v.fma(a1, c10); c20 = v.fma(a2, c20); c30 = v.fma(a3, c30);
                v = FloatVector.fromArray(S, planes, x1 + q);
                c01 = v.fma(a0, c01); c11 = v.fma(a1, c11); c21 = v.fma(a2, c21); c31 = v.fma(a3, c31);
                v = FloatVector.fromArray(S, planes, x2 + q);
                c02 = v.fma(a0, c02); c12 = v.fma(a1, c12); c22 = v.fma(a2, c22); c32 = v.fma(a3, c32);
                v = FloatVector.fromArray(S, planes, x3 + q);
                c03 = v.fma(a0, c03); c13 = v.fma(a1, c13); c23 = v.fma(a2, c23); c33 = v.fma(a3, c33);
            }
        }
        c00.intoArray(sums, s); c01.intoArray(sums, s + L); c02.intoArray(sums, s + 2 * L); c03.intoArray(sums, s + 3 * L);
        c10.intoArray(sums, s + 4 * L); c11.intoArray(sums, s + 5 * L); c12.intoArray(sums, s + 6 * L); c13.intoArray(sums, s + 7 * L);
        c20.intoArray(sums, s + 8 * L); c21.intoArray(sums, s + 9 * L); c22.intoArray(sums, s + 10 * L); c23.intoArray(sums, s + 11 * L);
        c30.intoArray(sums, s + 12 * L); c31.intoArray(sums, s + 13 * L); c32.intoArray(sums, s + 14 * L); c33.intoArray(sums, s + 15 * L);
    }

    /**
     * out[r·NR + j] = Σ_κ a[rows[r] + pixel κ] · bp[b + κ·NR + j] over the k block κ = k0 .. k0+kc
     * (pixel κ = g·imgStride + p for κ = g·npix + p): the 8×32 register tile of
     * {@link SgemmMicroKernel#multiply} with its eight A values broadcast from eight tap runs
     * instead of a packed panel. Within one image each run advances one float per step.
     */
    private static void gatheredTile(int kc, int k0, int npix, float[] a, int imgStride, int[] rows, float[] bp, int b,
                                     float[] out) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        int r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3], r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
        for (int kk = 0; kk < kc; ) {
            int q = k0 + kk, g = q / npix, p = q - g * npix, len = Math.min(kc - kk, npix - p), base = g * imgStride + p;
            int a0 = r0 + base, a1 = r1 + base, a2 = r2 + base, a3 = r3 + base, a4 = r4 + base, a5 = r5 + base, a6 = r6 + base, a7 = r7 + base;
            for (int u = 0; u < len; u++) {
                int bu = b + u * NR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bu);
                FloatVector b1 = FloatVector.fromArray(S, bp, bu + L);
                FloatVector x;
                x = FloatVector.broadcast(S, a[a0 + u]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, a[a1 + u]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, a[a2 + u]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, a[a3 + u]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, a[a4 + u]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, a[a5 + u]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
                x = FloatVector.broadcast(S, a[a6 + u]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
                x = FloatVector.broadcast(S, a[a7 + u]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            }
            b += len * NR;
            kk += len;
        }
        c00.intoArray(out, 0); c01.intoArray(out, L);
        c10.intoArray(out, NR); c11.intoArray(out, NR + L);
        c20.intoArray(out, 2 * NR); c21.intoArray(out, 2 * NR + L);
        c30.intoArray(out, 3 * NR); c31.intoArray(out, 3 * NR + L);
        c40.intoArray(out, 4 * NR); c41.intoArray(out, 4 * NR + L);
        c50.intoArray(out, 5 * NR); c51.intoArray(out, 5 * NR + L);
        c60.intoArray(out, 6 * NR); c61.intoArray(out, 6 * NR + L);
        c70.intoArray(out, 7 * NR); c71.intoArray(out, 7 * NR + L);
    }

    /**
     * Packs gyᵀ as B panels of NR output channels (columns zero past m): panel j holds, for each
     * κ = k0 .. k0+kc, bp[(j·kc + κ − k0)·NR + col] = gy[image g][channel j·NR + col][pixel p].
     */
    private static void packGyT(int m, int panels, int npix, float[] gy, int gyOff, int gyImg, int k0, int kc, float[] bp) {
        if (m < panels * NR) java.util.Arrays.fill(bp, 0, panels * kc * NR, 0f);
        int o16 = Transpose16.USABLE && NR % 16 == 0 ? m / 16 * 16 : 0;
        for (int o = 0; o < o16; o += 16) {
            // 16 channels × 16 pixels at a time, turned round in registers: 16 stores of 16
            // adjacent floats instead of 256 scalar stores a panel row (128 bytes) apart
            int d = (o / NR) * kc * NR + o % NR;
            for (int kk = 0; kk < kc; ) {
                int q = k0 + kk, g = q / npix, p = q - g * npix, len = Math.min(kc - kk, npix - p);
                int s = gyOff + g * gyImg + o * npix + p, j = 0;
                for (; j + 16 <= len; j += 16) Transpose16.transpose(gy, s + j, npix, bp, d + (kk + j) * NR, NR);
                for (int c = 0; c < 16; c++)
                    for (int jj = j; jj < len; jj++) bp[d + (kk + jj) * NR + c] = gy[s + c * npix + jj];
                kk += len;
            }
        }
        for (int o = o16; o < m; o++) {
            int d = (o / NR) * kc * NR + o % NR;
            for (int kk = 0; kk < kc; ) {
                int q = k0 + kk, g = q / npix, p = q - g * npix, len = Math.min(kc - kk, npix - p);
                int s = gyOff + g * gyImg + o * npix + p;
                for (int j = 0; j < len; j++) bp[d + (kk + j) * NR] = gy[s + j];
                kk += len;
            }
        }
    }
}
