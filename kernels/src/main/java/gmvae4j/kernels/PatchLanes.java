package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The weight gradient of a 4×4, stride-2, padding-1 convolution with few input channels (the conv
 * encoder's first layer, one channel → 32), with the 16 taps of one pixel's input patch in the
 * lanes of a vector ({@link Kernels#convWeightPatches}):
 * <pre>
 *   gw[o][c][ky][kx] = Σ_images Σ_(i,j) gy[o][i][j] · x[c][2i + ky − 1][2j + kx − 1]
 * </pre>
 * For one channel c this is a product of depth "output pixels": outC rows (gy, broadcast one value
 * at a time, read where it lies) times 16 columns (the patch of the pixel, one vector). A register
 * tile of 8 output channels × 1 vector ({@link #tile}): each step loads one patch vector and
 * broadcasts 8 values of gy, 8 FMAs; for 14×14 output planes (28×28 images, every benchmark
 * dataset's) 16 channels, with the rows' distance a constant ({@link #tile196}). Nothing is summed
 * across lanes: lane t of row o is gw[o][c][t].
 *
 * <p>Why: a 4×4 layer on one channel has 16 taps, so an output-gradient value is used by only 16
 * FMAs, and any pass over gy besides the product costs a good part of it. Over tap planes
 * ({@link Kernels#tapGradient}) gy was packed for sgemm. With the pixels in the lanes instead (gy
 * read where it lies, one aligned plane per tap, 4 channels × 4 taps a tile), each step loaded a
 * vector of gy and one of x for every 2 FMAs: 56-73 GFLOP/s for the pass, its tile alone 105-136.
 * Here gy is read as scalars, in order, and the patches are the only vectors. Measured
 * (`bench kernels --kernel conv2d --shape '1x28x28->32,4x4' --samples 15`, bed7126's jar and
 * 9857354's alternating, three pairs, 2026-12-06 night; fraction of our sgemm at the same FLOPs):
 * one thread 0.49, 0.49, 0.49 → 0.60, 0.51, 0.63; two threads 0.58, 0.60, 0.56 → 0.83, 0.75, 0.80.
 *
 * <p>The patches of one image and channel: pixel p = i·ow + j at patches[p·16 ..], lane
 * 4·ky + kx = x[2i + ky − 1][2j + kx − 1] (0 for padding), made from a copy of the image with a
 * border of zeros (xp, (h + 2) × (w + 2)): the patch row ky of pixel (i, j) is the 4 values of
 * row 2i + ky of xp from column 2j ({@link #fillPatches}).
 *
 * <p>Order (the scalar twin, {@link Kernels#convWeightPatches}): each entry from zero, over the
 * images in order and then the output pixels in order, one {@link Math#fma} a term (0 where the
 * tap reads padding). The result does not depend on threads: {@link Conv2d} calls this per fixed
 * group of images and adds the groups in order.
 */
final class PatchLanes {
    private PatchLanes() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Taps of a 4×4 patch: the lanes this class is written for. */
    static final int TAPS = 16;

    /** True where the vectors have {@link #TAPS} lanes (AVX-512); elsewhere the scalar twin runs. */
    static final boolean USABLE = L == TAPS;

    /** Output channels per register tile. */
    private static final int ROWS = 8;

    /** The layer {@link Kernels#convWeightPatches} is for: 4×4, stride 2, padding 1, even sides. */
    static boolean layer(int k, int stride, int pad, int h, int w) {
        return k == 4 && stride == 2 && pad == 1 && h % 2 == 0 && w % 2 == 0;
    }

    /** Per thread: the bordered image, the group's patches, a tile's sums. */
    private static final class Scratch {
        float[] xp = new float[0], patches = new float[0];
        int xpH = -1, xpW = -1;            // the border of xp is zero for this size
        final float[] sums = new float[2 * ROWS * TAPS];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** See {@link Kernels#convWeightPatches}; {@link #USABLE} and {@link #layer} must hold. */
    static void weights(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n, float[] out,
                        int outOff) {
        int oh = h / 2, ow = w / 2, npix = oh * ow, xImg = inC * h * w, yImg = outC * npix;
        int img = (npix + 1) * TAPS;             // one image's patches, and room for a pair's second past the end
        Scratch sc = SCRATCH.get();
        int xpLen = (h + 2) * (w + 2) + L;       // slack: the last row's loads read past its end
        if (sc.xp.length < xpLen || sc.xpH != h || sc.xpW != w) {
            if (sc.xp.length < xpLen) sc.xp = new float[xpLen];
            Arrays.fill(sc.xp, 0f);
            sc.xpH = h;
            sc.xpW = w;
        }
        if (sc.patches.length < n * img) sc.patches = new float[n * img];
        float[] xp = sc.xp, patches = sc.patches, sums = sc.sums;
        for (int c = 0; c < inC; c++) {
            for (int q = 0; q < n; q++) fillPatches(x, xOff + q * xImg + c * h * w, h, w, xp, patches, q * img);
            for (int o = 0; o < outC; ) {
                int rows = npix == FOLDED && o + 2 * ROWS <= outC ? 2 * ROWS : ROWS;
                if (rows == 2 * ROWS) tile196(n, gy, gyOff, yImg, o, patches, img, sums);
                else tile(n, npix, gy, gyOff, yImg, o, outC, patches, img, sums);
                for (int r = 0; r < rows && o + r < outC; r++)
                    System.arraycopy(sums, r * TAPS, out, outOff + ((o + r) * inC + c) * TAPS, TAPS);
                o += rows;
            }
        }
    }

    /**
     * For rows a, b (16 values each from column 2j), {@code a.rearrange(PAIR, b)} gives a[0..3],
     * b[0..3] (pixel j's rows), then a[2..5], b[2..5] (pixel j + 1's); FIRST and SECOND take one
     * pixel's halves from two such pairs (rows 0-1 and rows 2-3): lanes 0-7 of each, or lanes 8-15.
     */
    private static final VectorShuffle<Float> PAIR, FIRST, SECOND;
    static {
        int[] pair = new int[L], first = new int[L], second = new int[L];
        if (USABLE) {
            for (int e = 0; e < 4; e++) {
                pair[e] = e;
                pair[4 + e] = L + e;
                pair[8 + e] = 2 + e;
                pair[12 + e] = L + 2 + e;
            }
            for (int e = 0; e < 8; e++) {
                first[e] = e;
                first[8 + e] = L + e;
                second[e] = 8 + e;
                second[8 + e] = L + 8 + e;
            }
        }
        PAIR = VectorShuffle.fromArray(S, pair, 0);
        FIRST = VectorShuffle.fromArray(S, first, 0);
        SECOND = VectorShuffle.fromArray(S, second, 0);
    }

    /**
     * The patches of one channel (x[at ..], h × w) at patches[dst ..]: its rows copied into xp's
     * interior (whose border stays zero), then two pixels (j, j + 1) at a time: four loads of 16
     * values of xp from column 2j (rows 2i .. 2i + 3), two permutes that put the rows' 4-value
     * pieces side by side in pairs, two more that give each pixel its vector. A row with an odd
     * number of pixels writes one patch past its end, which the next row's first overwrites (the
     * last row's lands in the slack). Measured on 28×28 (ns an image, the permutes alone): these
     * permutes 214; {@code selectFrom} with a vector of indices 417; each patch as four 4-value
     * loads and stores of a 128-bit species, 184, but a second species in the process made other
     * 512-bit kernels' code slow (a tile at 185 GFLOP/s ran at 7 in the same JVM); a gather a pixel, 865.
     */
    private static void fillPatches(float[] x, int at, int h, int w, float[] xp, float[] patches, int dst) {
        int wp = w + 2, ow = w / 2;
        for (int r = 0; r < h; r++) System.arraycopy(x, at + r * w, xp, (r + 1) * wp + 1, w);
        for (int i = 0, p = dst; i < h / 2; i++) {
            for (int j = 0, a = 2 * i * wp; j < ow; j += 2, a += 4, p += 2 * TAPS) {
                FloatVector r0 = FloatVector.fromArray(S, xp, a), r1 = FloatVector.fromArray(S, xp, a + wp);
                FloatVector r2 = FloatVector.fromArray(S, xp, a + 2 * wp), r3 = FloatVector.fromArray(S, xp, a + 3 * wp);
                FloatVector top = r0.rearrange(PAIR, r1), bottom = r2.rearrange(PAIR, r3);
                top.rearrange(FIRST, bottom).intoArray(patches, p);
                top.rearrange(SECOND, bottom).intoArray(patches, p + TAPS);
            }
            p -= (ow % 2) * TAPS;                // an odd row's extra patch is overwritten
        }
    }

    /**
     * sums[r·16 + t] = Σ_images Σ_p gy[o + r][p] · patches[p][t] for the 8 output channels from o
     * (those past outC repeat outC − 1), from zero, images then pixels in order. Eight rows, not
     * sixteen: the rows of gy are read in place, npix apart, and with sixteen rows the same loop
     * ran at 98-125 GFLOP/s with the offsets variable against 185 with them constant (most likely
     * fifteen offsets do not fit the general registers beside the loop's own; the assembly was not
     * looked at); eight accumulators still cover the FMA's latency (4 cycles, 2 a cycle).
     */
    private static void tile(int n, int npix, float[] gy, int gyOff, int yImg, int o, int outC, float[] pt, int img, float[] sums) {
        int d1 = (Math.min(o + 1, outC - 1) - o) * npix, d2 = (Math.min(o + 2, outC - 1) - o) * npix;
        int d3 = (Math.min(o + 3, outC - 1) - o) * npix, d4 = (Math.min(o + 4, outC - 1) - o) * npix;
        int d5 = (Math.min(o + 5, outC - 1) - o) * npix, d6 = (Math.min(o + 6, outC - 1) - o) * npix;
        int d7 = (Math.min(o + 7, outC - 1) - o) * npix;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int q = 0; q < n; q++) {
            int g = gyOff + q * yImg + o * npix, e = g + npix;
            for (int b = q * img; g < e; g++, b += TAPS) {
                FloatVector v = FloatVector.fromArray(S, pt, b);
                c0 = FloatVector.broadcast(S, gy[g]).fma(v, c0);
                c1 = FloatVector.broadcast(S, gy[g + d1]).fma(v, c1);
                c2 = FloatVector.broadcast(S, gy[g + d2]).fma(v, c2);
                c3 = FloatVector.broadcast(S, gy[g + d3]).fma(v, c3);
                c4 = FloatVector.broadcast(S, gy[g + d4]).fma(v, c4);
                c5 = FloatVector.broadcast(S, gy[g + d5]).fma(v, c5);
                c6 = FloatVector.broadcast(S, gy[g + d6]).fma(v, c6);
                c7 = FloatVector.broadcast(S, gy[g + d7]).fma(v, c7);
            }
        }
        c0.intoArray(sums, 0); c1.intoArray(sums, L); c2.intoArray(sums, 2 * L); c3.intoArray(sums, 3 * L);
        c4.intoArray(sums, 4 * L); c5.intoArray(sums, 5 * L); c6.intoArray(sums, 6 * L); c7.intoArray(sums, 7 * L);
    }

    /** The output plane size whose tile has its rows' distance folded in as a constant: 14×14, a 28×28 input's. */
    private static final int FOLDED = 196;

    /**
     * {@link #tile} for 16 whole rows of 196-pixel planes (14×14), the rows' distance the constant
     * {@link #FOLDED}, which C2 can fold into each row's load as a displacement. With the distance a
     * variable each row's offset needs a general register, and fifteen most likely do not fit beside
     * the loop's own (not checked in the assembly): the 16-row tile ran at 98-125 GFLOP/s against
     * 184-186 with the constant (a harness, one thread), hence {@link #tile}'s 8 rows for other
     * sizes. `bench kernels --kernel
     * conv2d --shape '1x28x28->32,4x4' --samples 15`, 8-row tiles (29ffe8d) and this alternating,
     * three pairs: 0.57, 0.58, 0.50 → 0.74, 0.69, 0.67 of our sgemm on one thread, 0.75, 0.82, 0.67 →
     * 0.97, 0.95, 0.73 on two. The same sums in the same order as {@link #tile}'s.
     */
    private static void tile196(int n, float[] gy, int gyOff, int yImg, int o, float[] pt, int img, float[] sums) {
        final int d = FOLDED;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int q = 0; q < n; q++) {
            int g = gyOff + q * yImg + o * d, e = g + d;
            for (int b = q * img; g < e; g++, b += TAPS) {
                FloatVector v = FloatVector.fromArray(S, pt, b);
                c0 = FloatVector.broadcast(S, gy[g]).fma(v, c0);
                c1 = FloatVector.broadcast(S, gy[g + d]).fma(v, c1);
                c2 = FloatVector.broadcast(S, gy[g + 2 * d]).fma(v, c2);
                c3 = FloatVector.broadcast(S, gy[g + 3 * d]).fma(v, c3);
                c4 = FloatVector.broadcast(S, gy[g + 4 * d]).fma(v, c4);
                c5 = FloatVector.broadcast(S, gy[g + 5 * d]).fma(v, c5);
                c6 = FloatVector.broadcast(S, gy[g + 6 * d]).fma(v, c6);
                c7 = FloatVector.broadcast(S, gy[g + 7 * d]).fma(v, c7);
                c8 = FloatVector.broadcast(S, gy[g + 8 * d]).fma(v, c8);
                c9 = FloatVector.broadcast(S, gy[g + 9 * d]).fma(v, c9);
                c10 = FloatVector.broadcast(S, gy[g + 10 * d]).fma(v, c10);
                c11 = FloatVector.broadcast(S, gy[g + 11 * d]).fma(v, c11);
                c12 = FloatVector.broadcast(S, gy[g + 12 * d]).fma(v, c12);
                c13 = FloatVector.broadcast(S, gy[g + 13 * d]).fma(v, c13);
                c14 = FloatVector.broadcast(S, gy[g + 14 * d]).fma(v, c14);
                c15 = FloatVector.broadcast(S, gy[g + 15 * d]).fma(v, c15);
            }
        }
        c0.intoArray(sums, 0); c1.intoArray(sums, L); c2.intoArray(sums, 2 * L); c3.intoArray(sums, 3 * L);
        c4.intoArray(sums, 4 * L); c5.intoArray(sums, 5 * L); c6.intoArray(sums, 6 * L); c7.intoArray(sums, 7 * L);
        c8.intoArray(sums, 8 * L); c9.intoArray(sums, 9 * L); c10.intoArray(sums, 10 * L); c11.intoArray(sums, 11 * L);
        c12.intoArray(sums, 12 * L); c13.intoArray(sums, 13 * L); c14.intoArray(sums, 14 * L); c15.intoArray(sums, 15 * L);
    }
}
