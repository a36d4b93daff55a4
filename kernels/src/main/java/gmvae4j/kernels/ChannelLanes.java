package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The weight gradient of a convolution with 32 input channels in the lanes of the vectors:
 * <pre>
 *   gw[o][c][ky][kx] += Σ_n Σ_{i, j} gy[n][o][i][j] · x[n][c][stride·i + ky − pad][stride·j + kx − pad]
 * </pre>
 * For one tap (ky, kx) this is a product whose depth is the images' output pixels: 8 output
 * channels (broadcast from gy) times 32 input channels (two vectors of x at the pixel the tap
 * reads). That is sgemm's 8×32 register tile, the one {@link BatchLanes} uses
 * ({@link Kernels#laneTile}): its k loop cut into segments, one per output row of the tap.
 *
 * <p>Layout, per group of {@link #imagesPerGroup} images (m of them): x channels-last
 * ({@link Kernels#toLanes}, 16×16 register transposes) and split by stride phase, the group's
 * images innermost: input pixel (y, x) of image q, channel block cb, at
 * <pre>
 *   xl[((((cb·st + y mod st)·st + x mod st)·pr + y / st)·pc + x / st)·m·32 + q·32 + c]
 * </pre>
 * and gy packed 8 channels at a time, images innermost: ap[((o / 8)·npix + p)·m·8 + q·8 + o mod 8].
 * Output pixel (i, j) of tap (ky, kx) reads input (st·i + ky − pad, st·j + kx − pad): phase
 * ((ky − pad) mod st, (kx − pad) mod st), row i + ⌊(ky − pad)/st⌋, column j + ⌊(kx − pad)/st⌋. So
 * along an output row, j and then the images step one pixel of the phase plane and one image:
 * 32 floats of xl and 8 of ap a step, for all (j1 − j0)·m steps of the row (96-112 for the 4×4/2
 * 32→64 layer on 14×14 with its groups of 16, 104-112 for the 3×3 one with 8). A tap's
 * border pixels, which would read padding, are left out of its rows: no FMA is spent on zeros.
 *
 * <p>Why: with the images outermost and x neither packed nor split by phase (the route before,
 * 66d0271), each tile ran a loop of one output row's 6-7 pixels (4×4/2 32→64 on 14×14), and
 * the pass sat at 0.60-0.69 of our sgemm on one thread and 0.49-0.68 on two on the Zen 5
 * (`bench kernels --kernel conv2d --shape '32x14x14->64,4x4'`, 2026-12-06); each row's loop is now
 * 8 times longer and both operands are read one after another: 0.83-0.87 / 0.83-0.87 with the
 * jars alternating (the speed history has the runs). The tile calls were tried on chunks of 2, 4
 * and 8 of a group's images (one JVM each, alternating): 8 as fast as 4 or faster in seven of
 * eight comparisons, 2 the slowest.
 *
 * <p>Order: each entry is summed over its group in the order (output row, output column, image),
 * one fused multiply-add a step from zero, by one tile call; the groups' sums are added in group
 * order, then to gw. So the result does not depend on the threads (the same floats on one and
 * two). Other routes sum the same terms in other orders (images outermost), so their floats differ
 * in the last bits.
 */
final class ChannelLanes {
    private ChannelLanes() {}

    /** Input channels in the lanes of a tile: two 16-lane vectors. */
    static final int LANES = 32;

    /** Output channels per tile: the rows of sgemm's register tile. */
    static final int ROWS = 8;

    /** Floats of one tile's sums. */
    private static final int TILE = ROWS * LANES;

    /** A pixel's 32 lanes are two of these vectors where this route applies ({@link #applies}: 16-lane vectors). */
    private static final VectorSpecies<Float> V = FloatVector.SPECIES_PREFERRED;

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

    /** Per thread: a group's x in lanes, its packed gy, one image block's lanes before the phase split, 16 pixels of gy turned round, the segments. */
    private static final class Scratch {
        float[] x = new float[0], gy = new float[0], lanes = new float[0], turn = new float[16 * ROWS];
        int[] segA = new int[0], segB = new int[0];
    }

    /**
     * Images in a group: enough that a tap's output row over the group's images (the k loop of one
     * segment of the tile) is about {@link #ROW_STEPS} steps long, from {@link Conv2d#IMAGES_PER_GROUP}
     * (8: 112 steps for the 3×3 layer's 14-pixel rows) up to 16 (the 4×4/2 layer's 7-pixel rows: 56 → 112
     * steps). A group's layout stays within L2: 600 KB at 16 images of the 4×4/2 32→64 layer. Measured
     * in one JVM, 8 and 16 alternating (best GFLOP/s of a round, 128 images, one / two threads): the
     * 4×4/2 32→64 weight gradient 177-183 → 180-190 / 299-303 → 322-329; the 3×3 one 182-186 →
     * 177-183 / 336-357 → 342-355, so it keeps 8.
     */
    static int imagesPerGroup(int outW) {
        return Math.max(Conv2d.IMAGES_PER_GROUP, Math.min(16, Math.ceilDiv(ROW_STEPS, outW)));
    }

    /** See {@link #imagesPerGroup}. */
    static final int ROW_STEPS = 112;

    /** Floats of the caller's scratch {@link #backwardWeight} needs for {@code s}: each group's sums of every weight. */
    static int partialLength(ConvShape s) {
        return Math.ceilDiv(s.batch(), imagesPerGroup(s.outW())) * s.outC() * s.inC() * s.kH() * s.kW();
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * gw += dL/dw for {@code s} (see the class comment); partial: the caller's scratch of at least
     * {@link #partialLength} floats, each group's tile sums.
     */
    static void backwardWeight(Kernels k, ConvShape s, float[] x, float[] gy, float[] gw, float[] partial) {
        int inC = s.inC(), outC = s.outC(), kh = s.kH(), kw = s.kW(), taps = kh * kw, st = s.stride(), pad = s.pad();
        int h = s.inH(), w = s.inW(), oh = s.outH(), ow = s.outW(), pix = h * w, npix = oh * ow;
        int xImg = inC * pix, yImg = outC * npix, wLen = outC * inC * taps;
        int blocks = inC / LANES, tiles = outC / ROWS;
        int pr = Math.ceilDiv(h, st), pc = Math.ceilDiv(w, st), phase = pr * pc;   // a phase plane's rows, columns, pixels
        int group = imagesPerGroup(ow), groups = Math.ceilDiv(s.batch(), group);
        Conv2d.inRuns(k, groups, g -> {
            Scratch sc = SCRATCH.get();
            if (sc.x.length < blocks * st * st * phase * group * LANES) sc.x = new float[blocks * st * st * phase * group * LANES];
            if (sc.gy.length < outC * npix * group + ROWS) sc.gy = new float[outC * npix * group + ROWS];
            if (st > 1 && sc.lanes.length < pix * LANES) sc.lanes = new float[pix * LANES];
            if (sc.segA.length < oh) { sc.segA = new int[oh]; sc.segB = new int[oh]; }
            float[] xl = sc.x, ap = sc.gy;
            int[] segA = sc.segA, segB = sc.segB;
            int p0 = g * wLen;                 // the group's sums: partial[p0 ..], [tap][tile][block][row][lane]
            int n = g * group, m = Math.min(group, s.batch() - n);
            for (int q = 0; q < m; q++) {
                for (int cb = 0; cb < blocks; cb++) xInLanes(k, x, (n + q) * xImg + cb * LANES * pix, h, w, st, pr, pc, m, q, xl,
                        cb * st * st * phase * m * LANES, sc.lanes);
                packGy(gy, (n + q) * yImg, outC, npix, m, q, ap, sc.turn);
            }
            for (int ky = 0; ky < kh; ky++) {
                // the output rows whose input row stride·i + ky − pad lies inside the image; that
                // row is row i + dy of phase py
                int i0 = first(ky, pad, st), i1 = Math.min(oh, last(ky, pad, st, h));
                int py = Math.floorMod(ky - pad, st), dy = Math.floorDiv(ky - pad, st);
                for (int kx = 0; kx < kw; kx++) {
                    int t = ky * kw + kx, at = p0 + t * tiles * blocks * TILE;
                    int j0 = first(kx, pad, st), j1 = Math.min(ow, last(kx, pad, st, w));
                    if (i0 >= i1 || j0 >= j1) {        // the tap reads only padding
                        Arrays.fill(partial, at, at + tiles * blocks * TILE, 0f);
                        continue;
                    }
                    int px = Math.floorMod(kx - pad, st), dx = Math.floorDiv(kx - pad, st);
                    int nseg = i1 - i0, kc = (j1 - j0) * m;
                    for (int ob = 0; ob < tiles; ob++) {
                        for (int r = 0; r < nseg; r++) segA[r] = (ob * npix + (i0 + r) * ow + j0) * m * ROWS;
                        for (int cb = 0; cb < blocks; cb++) {
                            int plane = ((cb * st + py) * st + px) * phase;
                            for (int r = 0; r < nseg; r++) segB[r] = (plane + (i0 + r + dy) * pc + j0 + dx) * m * LANES;
                            k.laneTile(nseg, segA, segB, kc, ap, xl, partial, at + (ob * blocks + cb) * TILE);
                        }
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

    /**
     * One image's block of 32 channels (x[src ..], [channel][row][column]) into the group's lanes,
     * split by phase: input pixel (y, x) goes to phase plane (y mod st, x mod st), at row y / st and
     * column x / st, image q of m: xl[dst + (((y mod st)·st + x mod st)·pr·pc + (y/st)·pc + x/st)·m·32
     * + q·32 + c]. Stride 1 has one phase, whose pixels are a constant stride apart, so the
     * transposes write them in place; otherwise they go through {@code lanes} and are copied out
     * by pixel.
     */
    private static void xInLanes(Kernels k, float[] x, int src, int h, int w, int st, int pr, int pc, int m, int q, float[] xl,
                                 int dst, float[] lanes) {
        int pix = h * w;
        if (st == 1) {
            k.toLanes(x, src, pix, LANES, 1, pix, xl, dst + q * LANES, m * LANES);
            return;
        }
        k.toLanes(x, src, pix, LANES, 1, pix, lanes, 0, LANES);
        for (int y = 0, from = 0; y < h; y++)
            for (int c = 0; c < w; c++, from += LANES) {
                int to = dst + (((y % st) * st + c % st) * pr * pc + (y / st) * pc + c / st) * m * LANES + q * LANES;
                // the pixel's 32 lanes: two vector copies
                FloatVector.fromArray(V, lanes, from).intoArray(xl, to);
                FloatVector.fromArray(V, lanes, from + V.length()).intoArray(xl, to + V.length());
            }
    }

    /**
     * One image's gy (gy[src ..], [channel][pixel]) into the group's packed A, image q of m: channel
     * o at pixel p to ap[((o / 8)·npix + p)·m·8 + q·8 + o mod 8], so that a tile's k steps (the
     * pixels of a row, the group's images at each) read 8 consecutive floats each, one after
     * another. Sixteen pixels at a time where the vectors have 16 lanes (below), the rest a pixel
     * at a time. (A transposed layout, a pixel's outC values together by 16×16 register
     * transposes, made the tile read A outC floats apart a step: the pass ran 5-20% slower than
     * this in both pairs of JVMs measured.)
     */
    private static void packGy(float[] gy, int src, int outC, int npix, int m, int q, float[] ap, float[] turn) {
        int step = m * ROWS, whole = Transpose16.USABLE ? npix / 16 * 16 : 0;
        VectorMask<Float> first = V.indexInRange(0, ROWS), second = first.not();     // a vector's two pixels
        for (int ob = 0; ob < outC / ROWS; ob++) {
            int to = (ob * npix * m + q) * ROWS, from = src + ob * ROWS * npix, p = 0;
            // 16 pixels at a time: the tile's 8 channel rows turned round in registers into turn
            // ([pixel][8], Transpose16.transpose8x16), then each vector of it (two pixels) stored twice
            // with a mask, each pixel's 8 values to its own place (ap has 8 floats of slack past the
            // end for the first store's unwritten half). The scalar loop below alone (8 loads from 8
            // rows and 8 stores a pixel) was 19% of the 3×3 32→64 layer's weight-gradient pass in JFR.
            for (; p < whole; p += 16) {
                Transpose16.transpose8x16(gy, from + p, npix, turn, 0);
                for (int i = 0, at = to + p * step; i < 16; i += 2, at += 2 * step) {
                    FloatVector two = FloatVector.fromArray(V, turn, i * ROWS);
                    two.intoArray(ap, at, first);
                    two.intoArray(ap, at + step - ROWS, second);
                }
            }
            for (int at = to + p * step; p < npix; p++, at += step) {
                int f = from + p;
                ap[at] = gy[f];                ap[at + 1] = gy[f + npix];
                ap[at + 2] = gy[f + 2 * npix]; ap[at + 3] = gy[f + 3 * npix];
                ap[at + 4] = gy[f + 4 * npix]; ap[at + 5] = gy[f + 5 * npix];
                ap[at + 6] = gy[f + 6 * npix]; ap[at + 7] = gy[f + 7 * npix];
            }
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
