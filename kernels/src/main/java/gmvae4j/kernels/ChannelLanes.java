package gmvae4j.kernels;

import java.util.Arrays;

/**
 * The weight gradient of a convolution with 32 input channels in the lanes of the vectors:
 * <pre>
 *   gw[o][c][ky][kx] += Σ_n Σ_{i, j} gy[n][o][i][j] · x[n][c][stride·i + ky − pad][stride·j + kx − pad]
 * </pre>
 * For one tap (ky, kx) this is a product whose depth is the images' output pixels: 8 output
 * channels (broadcast from gy's rows, where they lie) times 32 input channels (two vectors of x
 * at the pixel the tap reads). That is sgemm's 8×32 register tile ({@link Kernels#channelTile}),
 * with neither operand packed: gy is read in place, and x is turned channels-last once per image
 * ({@link Kernels#toLanes}, 16×16 register transposes: [channel block][pixel][32]), so that each
 * step's two vectors of B are the 32 channels of one input pixel, one stride further along the
 * row each step. A tap's border pixels, which would read padding, are left out of its range: no
 * FMA is spent on zeros.
 *
 * <p>Why: the tap-plane route ({@link Conv2d}'s gradient by planes) builds the planes of a group
 * of images (a copy of x per kernel column and row phase), packs gy transposed for every k block
 * and gathers the taps' values into its tiles; for the 4×4/2 32→64 layer on 14×14 that ran at
 * 0.60-0.69 of our sgemm (`bench kernels`, both thread counts, 2026-12-06), the worst 32→64 row.
 * Here {@link #PER_TILE} images' channels-last x (25 KB an image) and gy (12.5 KB an image for 64
 * channels of 7×7) stay in or near L1 while all their tiles run. Measured on the Intel Xeon VM
 * (`bench kernels --kernel conv2d --shape '32x14x14->64,4x4'`, 4f3e55d's jar and this one
 * alternating three times, one image a tile call): the weight gradient 78.6-79.0 → 91.4-99.8
 * GFLOP/s on one thread (0.60-0.61 → 0.70-0.76 of sgemm), 149.9-152.0 → 169.0-170.8 on two (0.61
 * → 0.68-0.69).
 *
 * <p>Where gw starts at zero (every training step) the floats are those of the tap-plane route:
 * both sum each entry over a group's images and pixels in the same order, one fused multiply-add
 * a step from zero, and add the groups in order (a padded pixel's zero term changes nothing); a
 * conv model's `train` printed the same losses and purity with either.
 *
 * <p>Order: each tile's 16 vectors of sums are kept per group of {@link Conv2d#IMAGES_PER_GROUP}
 * images (loaded and stored by each tile call), images in order, each image's pixels row by row;
 * the groups' sums are added together in group order, then to gw. So the result does not depend
 * on the threads (the same floats on one and two).
 */
final class ChannelLanes {
    private ChannelLanes() {}

    /** Input channels in the lanes of a tile: two 16-lane vectors. */
    static final int LANES = 32;

    /** Output channels per tile: the rows of sgemm's register tile. */
    static final int ROWS = 8;

    /**
     * Images each tile call goes through before its sums go back to memory. Measured (`bench
     * kernels --kernel conv2d --shape '32x14x14->64,4x4'`, the weight gradient, GFLOP/s, one / two
     * threads, two rounds): 1 image 92.6 / 171.6 and 92.1 / 171.5, 2 images 93.5 / 176.9 and 93.6 /
     * 173.4, 4 images 87.3 / 165.2 and 87.1 / 158.6 (their channels-last copies, 25 KB an image, no
     * longer in L1).
     */
    static final int PER_TILE = 2;

    /** Floats of one tile's sums. */
    private static final int TILE = ROWS * LANES;

    /**
     * True when the weight gradient of {@code s} goes this way: the backend has the vector tile
     * ({@link Kernels#hasLaneTiles}), input channels in whole blocks of 32, output channels in
     * whole tiles of 8, and more than one tap (a 1×1 layer's gradient is a plain product). Measured
     * against the tap planes on the 3×3 stride-1 32→64 layer too (`bench kernels --kernel conv2d
     * --shape '32x14x14->64,3x3'`, 4f3e55d's jar and this one alternating three times, GFLOP/s one
     * / two threads): 95.4-96.6 / 186.4-189.5 by planes, 99.5-101.1 / 202.9-204.0 this way (0.79-0.81
     * / 0.79-0.82 → 0.83-0.84 / 0.86-0.87 of sgemm).
     */
    static boolean applies(Kernels k, ConvShape s) {
        return k.hasLaneTiles() && s.inC() % LANES == 0 && s.outC() % ROWS == 0 && s.kH() * s.kW() > 1;
    }

    /** Per thread: {@link #PER_TILE} images' channels-last x, [image][channel block][pixel][32]. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /**
     * gw += dL/dw for {@code s} (see the class comment); partial: the caller's scratch of at least
     * groups · outC·inC·kH·kW floats, each group's tile sums.
     */
    static void backwardWeight(Kernels k, ConvShape s, float[] x, float[] gy, float[] gw, float[] partial) {
        int inC = s.inC(), outC = s.outC(), kh = s.kH(), kw = s.kW(), taps = kh * kw, st = s.stride(), pad = s.pad();
        int h = s.inH(), w = s.inW(), oh = s.outH(), ow = s.outW(), pix = h * w, npix = oh * ow;
        int xImg = inC * pix, yImg = outC * npix, wLen = outC * inC * taps;
        int blocks = inC / LANES, tiles = outC / ROWS;
        int group = Conv2d.IMAGES_PER_GROUP, groups = Math.ceilDiv(s.batch(), group);
        Conv2d.inRuns(k, groups, g -> {
            float[][] sc = SCRATCH.get();
            if (sc[0].length < PER_TILE * blocks * pix * LANES) sc[0] = new float[PER_TILE * blocks * pix * LANES];
            float[] xt = sc[0];
            int p0 = g * wLen;                 // the group's sums: partial[p0 ..], [tap][tile][block][row][lane]
            Arrays.fill(partial, p0, p0 + wLen, 0f);
            for (int n = g * group, end = Math.min(s.batch(), n + group); n < end; n += PER_TILE) {
                int m = Math.min(PER_TILE, end - n);
                for (int q = 0; q < m; q++)
                    for (int cb = 0; cb < blocks; cb++)
                        k.toLanes(x, (n + q) * xImg + cb * LANES * pix, pix, LANES, 1, pix, xt, (q * blocks + cb) * pix * LANES, LANES);
                for (int ky = 0; ky < kh; ky++) {
                    // the output rows whose input row stride·i + ky − pad lies inside the image
                    int i0 = first(ky, pad, st), i1 = Math.min(oh, last(ky, pad, st, h));
                    for (int kx = 0; kx < kw; kx++) {
                        int j0 = first(kx, pad, st), j1 = Math.min(ow, last(kx, pad, st, w));
                        if (i0 >= i1 || j0 >= j1) continue;
                        int t = ky * kw + kx, in = (st * i0 + ky - pad) * w + st * j0 + kx - pad;
                        for (int ob = 0; ob < tiles; ob++)
                            for (int cb = 0; cb < blocks; cb++)
                                k.channelTile(m, yImg, blocks * pix * LANES, i1 - i0, j1 - j0,
                                        gy, n * yImg + ob * ROWS * npix + i0 * ow + j0, npix, ow,
                                        xt, cb * pix * LANES + in * LANES, st * w * LANES, st * LANES,
                                        partial, p0 + ((t * tiles + ob) * blocks + cb) * TILE);
                    }
                }
            }
        });
        // the groups' sums added in group order, then into gw ([o][c][tap]) once
        for (int g = 1; g < groups; g++) k.add(wLen, partial, 0, partial, g * wLen, partial, 0);
        for (int t = 0; t < taps; t++)
            for (int ob = 0; ob < tiles; ob++)
                for (int cb = 0; cb < blocks; cb++) {
                    int at = ((t * tiles + ob) * blocks + cb) * TILE;
                    for (int r = 0; r < ROWS; r++)
                        for (int j = 0; j < LANES; j++)
                            gw[((ob * ROWS + r) * inC + cb * LANES + j) * taps + t] += partial[at + r * LANES + j];
                }
    }

    /** The first output row (or column) whose tap at offset {@code kk} reads inside the image: stride·i + kk − pad ≥ 0. */
    private static int first(int kk, int pad, int st) {
        return Math.max(0, Math.ceilDiv(pad - kk, st));
    }

    /** One past the last output row whose tap reads inside an image of {@code size}: stride·i + kk − pad ≤ size − 1. */
    private static int last(int kk, int pad, int st, int size) {
        return Math.floorDiv(size - 1 + pad - kk, st) + 1;
    }
}
