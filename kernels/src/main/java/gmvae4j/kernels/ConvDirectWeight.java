package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The weight gradient of a 3×3, stride-1, padding-1 convolution with few input channels (an
 * encoder's first layer on one-channel images), computed directly: {@link Kernels#convWeightDirect}.
 *
 * <p>Why: each entry
 * <pre>
 *   gw[o][c][ky][kx] = Σ_images Σ_(i,j) gy[o][i][j] · x[c][i + ky − 1][j + kx − 1]
 * </pre>
 * is one long dot product (every output pixel of the batch), and a one-channel layer has only
 * 9·outC of them (288 for 32 channels). As a product per image ({@link RowDots}: gy·col(x)ᵀ) each
 * image was first unfolded into 9 shifted copies (im2col), each step of the 4×3 tile loaded 7
 * vectors for 12 FMAs, and every entry's lanes were summed per image: 0.35-0.41 of our sgemm's
 * rate on one thread.
 *
 * <p>How: an output plane is taken flat, one vector of L = 16 pixels at a time (a 28×28 plane is
 * 49 vectors: no lane idles at a row's end). Each image's x is copied once with zero margins above
 * and below, so that tap (ky, kx) reads it at the flat pixel index plus (ky − 1)·w + kx − 1: one
 * load for 16 pixels. A load with kx = 0 takes column 0's left neighbour from the end of the row
 * above, and kx = 2 column w − 1's right one from the start of the row below; those must read as
 * padding. So the plane is kept three times: as it is (kx = 1), with its last column zeroed
 * (what kx = 0 reads), and with its first column zeroed (kx = 2). Masked loads are a gamble here:
 * with only gy's loads masked (a mask made from bits each step), a 3 × 9 tile ran at 35 GFLOP/s,
 * or at 92 for one of the eight places gy could start relative to a 64-byte line, in one JVM, and
 * Java gives no say over where an array's vectors fall; unmasked, it ran at 73-81 at every place.
 * A 512-bit load that straddles two cache lines costs two load slots on the Zen 5 (16 loads and
 * 16 FMAs: 8 cycles aligned, 16.5 not), so the tiles keep to about one load per two FMAs.
 *
 * <p>Register tiles ({@link #tile5}, {@link #tile4}): 4 output channels × 5 or 4 taps, 20 or 16
 * accumulators; a step loads 4 vectors of gy and 5 or 4 of x for 20 or 16 FMAs; the 9 taps are
 * taps 0-4, then 5-8. (3 channels × 9 taps, 27 accumulators, looked better on paper: C2, which
 * loads every operand of a step before its FMAs, spilled six of them, and a step took about 30
 * cycles instead of 14.) The tiles run over {@link #IMAGES_PER_TILE} images at a time, whose
 * planes stay in L1, and carry their accumulators in memory from one call to the next; their
 * lanes are summed once, at the end. Where a plane's pixels do not fill its last vector, gy is
 * copied with each plane padded by zeros to whole vectors, so that no load is masked.
 *
 * <p>Order (what {@link Kernels#convWeightDirect}'s scalar twin does): lane e of entry (o, c, ky, kx)
 * sums, from zero, one FMA a term, over the images in order and then the vectors v of the plane,
 * the product of gy at pixel p = 16v + e (0 from p = h·w on) and x at the tap's input pixel (0
 * where that is padding, or p is past the plane); then the 16 lanes are added by the fixed tree of
 * {@link VectorKernels#sumLanes(float[], int, float[], int)}. Only 16-lane vectors take this class
 * ({@link #USABLE}); the twin defines the same order for any machine.
 */
final class ConvDirectWeight {
    private ConvDirectWeight() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** The lanes the summation order is written for ({@link Kernels#convWeightDirect}). */
    static final int LANES = 16;

    /** True where the vectors have {@link #LANES} lanes (AVX-512); elsewhere the scalar twin runs. */
    static final boolean USABLE = L == LANES;

    /** Output channels per register tile. */
    private static final int ROWS = 4;

    /**
     * Images per tile call. Measured (a harness calling {@link #weights} on 128 images of 28×28,
     * 1 → 32 channels, one thread, three JVMs each, GFLOP/s): 1 image 74-136, 2 images 120-127,
     * 8 images 81-117; the spread is mostly between JVMs.
     */
    private static final int IMAGES_PER_TILE = 2;

    /** The three copies of the plane: as it is (kx = 1); last column zeroed (kx = 0); first column zeroed (kx = 2). */
    private static final int PLAIN = 0, NO_LAST = 1, NO_FIRST = 2, COPIES = 3;

    /** Per thread: the images' planes, the tiles' accumulators, gy padded to whole vectors, a tile's sums. */
    private static final class Scratch {
        float[] planes = new float[0], acc = new float[0], gy = new float[0];
        final int[] off = new int[9];
        final float[] sums = new float[ROWS * 5];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** See {@link Kernels#convWeightDirect}; {@link #USABLE} must hold. */
    static void weights(int inC, int h, int w, int outC, float[] x, int xOff, float[] gy, int gyOff, int n, float[] out,
                        int outOff) {
        int npix = h * w, nv = Math.ceilDiv(npix, L), margin = w + 1, planeLen = margin + npix + margin + L;
        int block = COPIES * planeLen, xImg = inC * npix, yImg = outC * npix;       // block: one image's channel
        int tiles = Math.ceilDiv(outC, ROWS), tileLanes = ROWS * 9 * L;            // a tile's lanes: its 9 taps' sums
        boolean pad = npix % L != 0;             // gy copied, each plane padded with zeros to whole vectors
        int m = IMAGES_PER_TILE, gPlane = pad ? nv * L : npix, gImg = pad ? outC * gPlane : yImg;
        Scratch sc = SCRATCH.get();
        if (sc.planes.length < m * inC * block) sc.planes = new float[m * inC * block];
        if (sc.acc.length < inC * tiles * tileLanes) sc.acc = new float[inC * tiles * tileLanes];
        if (pad && sc.gy.length < m * gImg) sc.gy = new float[m * gImg];
        float[] planes = sc.planes, acc = sc.acc, sums = sc.sums;
        Arrays.fill(acc, 0, inC * tiles * tileLanes, 0f);
        int[] off = sc.off;                      // each tap's offset from a vector's pixel index
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++)
                off[ky * 3 + kx] = (kx == 0 ? NO_LAST : kx == 2 ? NO_FIRST : PLAIN) * planeLen + margin + (ky - 1) * w + kx - 1;
        for (int q0 = 0; q0 < n; q0 += m) {
            int mm = Math.min(m, n - q0);
            for (int q = 0; q < mm; q++)
                for (int c = 0; c < inC; c++)
                    fillPlanes(x, xOff + (q0 + q) * xImg + c * npix, h, w, margin, planeLen, planes, (q * inC + c) * block);
            float[] g = gy;
            int gAt = gyOff + q0 * yImg;
            if (pad) {
                g = sc.gy;
                gAt = 0;
                for (int q = 0; q < mm * outC; q++) {
                    System.arraycopy(gy, gyOff + q0 * yImg + q * npix, g, q * gPlane, npix);
                    Arrays.fill(g, q * gPlane + npix, (q + 1) * gPlane, 0f);
                }
            }
            for (int c = 0; c < inC; c++)
                for (int t = 0, o = 0; t < tiles; t++, o += ROWS) {
                    // a last tile with fewer channels repeats its last one (the same sums, written again)
                    int g0 = gAt + o * gPlane, g1 = gAt + Math.min(o + 1, outC - 1) * gPlane;
                    int g2 = gAt + Math.min(o + 2, outC - 1) * gPlane, g3 = gAt + Math.min(o + 3, outC - 1) * gPlane;
                    int at = (c * tiles + t) * tileLanes, xb = c * block;
                    tile5(mm, nv, planes, xb, inC * block, off, g, g0, g1, g2, g3, gImg, acc, at);
                    tile4(mm, nv, planes, xb, inC * block, off, g, g0, g1, g2, g3, gImg, acc, at + ROWS * 5 * L);
                }
        }
        // each tile's lanes summed: taps 0-4 ([r][t] in the first 20 vectors), then 5-8
        for (int c = 0; c < inC; c++)
            for (int t = 0, o = 0; t < tiles; t++, o += ROWS)
                for (int t0 = 0; t0 < 9; t0 += 5) {
                    int tn = t0 == 0 ? 5 : 4;
                    VectorKernels.sumLanes(acc, (c * tiles + t) * tileLanes + t0 * ROWS * L, ROWS * tn, sums, 0);
                    for (int r = 0, or = o; r < ROWS; r++, or = Math.min(or + 1, outC - 1))
                        System.arraycopy(sums, r * tn, out, outOff + (or * inC + c) * 9 + t0, tn);
                }
    }

    /**
     * One channel of one image (x[src ..], h × w) into its three copies at planes[dst ..], planeLen
     * floats apart, each: margin zeros, the h·w pixels, zeros to the end ({@link #weights}' layout).
     */
    private static void fillPlanes(float[] x, int src, int h, int w, int margin, int planeLen, float[] planes, int dst) {
        int npix = h * w;
        for (int cp = 0; cp < COPIES; cp++) {
            int at = dst + cp * planeLen;
            Arrays.fill(planes, at, at + margin, 0f);
            System.arraycopy(x, src, planes, at + margin, npix);
            Arrays.fill(planes, at + margin + npix, at + planeLen, 0f);
        }
        for (int r = 0; r < h; r++) {
            planes[dst + NO_LAST * planeLen + margin + r * w + w - 1] = 0f;
            planes[dst + NO_FIRST * planeLen + margin + r * w] = 0f;
        }
    }

    /**
     * The 5-tap tile: 4 output channels (gy planes at g0 .. g3, the next image gStep on) × the taps
     * at offsets off[0 .. 4] from the x planes at xb (the next image xStep on), over m images of nv
     * vectors each, added to the 20 accumulators kept at acc[at + (r·5 + t)·L ..].
     */
    private static void tile5(int m, int nv, float[] xp, int xb, int xStep, int[] off, float[] gy, int g0, int g1, int g2,
                              int g3, int gStep, float[] acc, int at) {
        int u0 = off[0], u1 = off[1], u2 = off[2], u3 = off[3], u4 = off[4];
        FloatVector a00 = FloatVector.fromArray(S, acc, at), a01 = FloatVector.fromArray(S, acc, at + L), a02 = FloatVector.fromArray(S, acc, at + 2 * L),
                a03 = FloatVector.fromArray(S, acc, at + 3 * L), a04 = FloatVector.fromArray(S, acc, at + 4 * L);
        FloatVector a10 = FloatVector.fromArray(S, acc, at + 5 * L), a11 = FloatVector.fromArray(S, acc, at + 6 * L), a12 = FloatVector.fromArray(S, acc, at + 7 * L),
                a13 = FloatVector.fromArray(S, acc, at + 8 * L), a14 = FloatVector.fromArray(S, acc, at + 9 * L);
        FloatVector a20 = FloatVector.fromArray(S, acc, at + 10 * L), a21 = FloatVector.fromArray(S, acc, at + 11 * L), a22 = FloatVector.fromArray(S, acc, at + 12 * L),
                a23 = FloatVector.fromArray(S, acc, at + 13 * L), a24 = FloatVector.fromArray(S, acc, at + 14 * L);
        FloatVector a30 = FloatVector.fromArray(S, acc, at + 15 * L), a31 = FloatVector.fromArray(S, acc, at + 16 * L), a32 = FloatVector.fromArray(S, acc, at + 17 * L),
                a33 = FloatVector.fromArray(S, acc, at + 18 * L), a34 = FloatVector.fromArray(S, acc, at + 19 * L);
        for (int q = 0; q < m; q++, xb += xStep, g0 += gStep, g1 += gStep, g2 += gStep, g3 += gStep)
            for (int v = 0, p = 0; v < nv; v++, p += L) {
                FloatVector y0 = FloatVector.fromArray(S, gy, g0 + p), y1 = FloatVector.fromArray(S, gy, g1 + p);
                FloatVector y2 = FloatVector.fromArray(S, gy, g2 + p), y3 = FloatVector.fromArray(S, gy, g3 + p);
                int b = xb + p;
                FloatVector w;
                w = FloatVector.fromArray(S, xp, b + u0); a00 = y0.fma(w, a00); a10 = y1.fma(w, a10); a20 = y2.fma(w, a20); a30 = y3.fma(w, a30);
                w = FloatVector.fromArray(S, xp, b + u1); a01 = y0.fma(w, a01); a11 = y1.fma(w, a11); a21 = y2.fma(w, a21); a31 = y3.fma(w, a31);
                w = FloatVector.fromArray(S, xp, b + u2); a02 = y0.fma(w, a02); a12 = y1.fma(w, a12); a22 = y2.fma(w, a22); a32 = y3.fma(w, a32);
                w = FloatVector.fromArray(S, xp, b + u3); a03 = y0.fma(w, a03); a13 = y1.fma(w, a13); a23 = y2.fma(w, a23); a33 = y3.fma(w, a33);
                w = FloatVector.fromArray(S, xp, b + u4); a04 = y0.fma(w, a04); a14 = y1.fma(w, a14); a24 = y2.fma(w, a24); a34 = y3.fma(w, a34);
            }
        a00.intoArray(acc, at); a01.intoArray(acc, at + L); a02.intoArray(acc, at + 2 * L); a03.intoArray(acc, at + 3 * L); a04.intoArray(acc, at + 4 * L);
        a10.intoArray(acc, at + 5 * L); a11.intoArray(acc, at + 6 * L); a12.intoArray(acc, at + 7 * L); a13.intoArray(acc, at + 8 * L); a14.intoArray(acc, at + 9 * L);
        a20.intoArray(acc, at + 10 * L); a21.intoArray(acc, at + 11 * L); a22.intoArray(acc, at + 12 * L); a23.intoArray(acc, at + 13 * L); a24.intoArray(acc, at + 14 * L);
        a30.intoArray(acc, at + 15 * L); a31.intoArray(acc, at + 16 * L); a32.intoArray(acc, at + 17 * L); a33.intoArray(acc, at + 18 * L); a34.intoArray(acc, at + 19 * L);
    }

    /** The 4-tap tile: as {@link #tile5}, for taps 5-8 (offsets off[5 .. 8]); accumulators at acc[at + (r·4 + t)·L ..]. */
    private static void tile4(int m, int nv, float[] xp, int xb, int xStep, int[] off, float[] gy, int g0, int g1, int g2,
                              int g3, int gStep, float[] acc, int at) {
        int u0 = off[5], u1 = off[6], u2 = off[7], u3 = off[8];
        FloatVector a00 = FloatVector.fromArray(S, acc, at), a01 = FloatVector.fromArray(S, acc, at + L),
                a02 = FloatVector.fromArray(S, acc, at + 2 * L), a03 = FloatVector.fromArray(S, acc, at + 3 * L);
        FloatVector a10 = FloatVector.fromArray(S, acc, at + 4 * L), a11 = FloatVector.fromArray(S, acc, at + 5 * L),
                a12 = FloatVector.fromArray(S, acc, at + 6 * L), a13 = FloatVector.fromArray(S, acc, at + 7 * L);
        FloatVector a20 = FloatVector.fromArray(S, acc, at + 8 * L), a21 = FloatVector.fromArray(S, acc, at + 9 * L),
                a22 = FloatVector.fromArray(S, acc, at + 10 * L), a23 = FloatVector.fromArray(S, acc, at + 11 * L);
        FloatVector a30 = FloatVector.fromArray(S, acc, at + 12 * L), a31 = FloatVector.fromArray(S, acc, at + 13 * L),
                a32 = FloatVector.fromArray(S, acc, at + 14 * L), a33 = FloatVector.fromArray(S, acc, at + 15 * L);
        for (int q = 0; q < m; q++, xb += xStep, g0 += gStep, g1 += gStep, g2 += gStep, g3 += gStep)
            for (int v = 0, p = 0; v < nv; v++, p += L) {
                FloatVector y0 = FloatVector.fromArray(S, gy, g0 + p), y1 = FloatVector.fromArray(S, gy, g1 + p);
                FloatVector y2 = FloatVector.fromArray(S, gy, g2 + p), y3 = FloatVector.fromArray(S, gy, g3 + p);
                int b = xb + p;
                FloatVector w;
                w = FloatVector.fromArray(S, xp, b + u0); a00 = y0.fma(w, a00); a10 = y1.fma(w, a10); a20 = y2.fma(w, a20); a30 = y3.fma(w, a30);
                w = FloatVector.fromArray(S, xp, b + u1); a01 = y0.fma(w, a01); a11 = y1.fma(w, a11); a21 = y2.fma(w, a21); a31 = y3.fma(w, a31);
                w = FloatVector.fromArray(S, xp, b + u2); a02 = y0.fma(w, a02); a12 = y1.fma(w, a12); a22 = y2.fma(w, a22); a32 = y3.fma(w, a32);
                w = FloatVector.fromArray(S, xp, b + u3); a03 = y0.fma(w, a03); a13 = y1.fma(w, a13); a23 = y2.fma(w, a23); a33 = y3.fma(w, a33);
            }
        a00.intoArray(acc, at); a01.intoArray(acc, at + L); a02.intoArray(acc, at + 2 * L); a03.intoArray(acc, at + 3 * L);
        a10.intoArray(acc, at + 4 * L); a11.intoArray(acc, at + 5 * L); a12.intoArray(acc, at + 6 * L); a13.intoArray(acc, at + 7 * L);
        a20.intoArray(acc, at + 8 * L); a21.intoArray(acc, at + 9 * L); a22.intoArray(acc, at + 10 * L); a23.intoArray(acc, at + 11 * L);
        a30.intoArray(acc, at + 12 * L); a31.intoArray(acc, at + 13 * L); a32.intoArray(acc, at + 14 * L); a33.intoArray(acc, at + 15 * L);
    }
}
