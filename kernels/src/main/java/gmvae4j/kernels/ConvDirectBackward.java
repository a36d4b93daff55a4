package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward-input pass of one image for a layer with few input channels, computed directly:
 * {@link Kernels#convBackwardInputDirect}, for 3×3 stride-1 and 4×4 stride-2 kernels with padding
 * 1. That is an encoder's first layer, and, the same pass, the forward pass of a decoder's last,
 * one-channel transposed convolution.
 *
 * <p>Why: gx = col2im(Wᵀ·gy) as a product has only inC·k² rows (9 or 16 for one channel), so a
 * register tile of it has one or two rows and each loaded value of gy feeds one or two FMAs; and
 * the col2im after it adds the k² columns back one float at a time.
 *
 * <p>How: pixel (y, x) of input channel c receives Σ_o Σ_(i,j) w[o][c][i][j] · gy[o][(y+1−i)/s][(x+1−j)/s]
 * over the taps whose divisions are exact. Grouped by phase (y mod s, x mod s), the pixel (r, u)
 * of a phase reads gy[o][r + dr][u + du] with dr = dr(i), du = du(j) ∈ {−1, 0, 1}:
 * <pre>
 *   3×3, stride 1 (one phase):        dr(i) = 1 − i                    (i = 0, 1, 2)
 *   4×4, stride 2 (phase (py, px)):   dr(i) = +1, 0, 0, −1 for i = 0, 1, 2, 3;  py = 1 − i mod 2
 * </pre>
 * A register tile holds neighbouring rows of the same columns, vectors along the row. For each
 * output channel o it loads the few rows of gy the tile reads, each once, and every tap and row
 * of the tile that reads a loaded vector uses it: the reuse a GEMM gets from its depth. Rows of gy
 * above or below the image read {@link #ZERO_ROW}; columns outside a row are zeroed lanes. gy is
 * read where it lies: no padded copy (one, tried first, cost a third of the time).
 * <pre>
 *   stride 2, a row ≤ 15 wide ({@link #tile2Narrow}): per parity of y, 2 phases × 4 rows;
 *             5 loads, 10 lane permutes (columns u ∓ 1) and 8 broadcasts feed 32 FMAs
 *   stride 1, a row of 17..31 ({@link #tile1Pairs}): two rows, two vectors each;
 *             8 loads, 16 permutes and 9 broadcasts feed 36 FMAs
 *   any other width ({@link #tile1}, {@link #tile2}): 3 loads per gy row, the two shifted ones masked
 * </pre>
 * Each pixel's sum is kept as one partial sum per kernel row i, added in i order at the end (the
 * order {@link Kernels#convBackwardInputSum} defines, so this kernel and the scalar twin agree bit
 * for bit): with a single accumulator per pixel, each FMA waited on the one before (four cycles).
 * Measured on 128 images of 28×28 (one thread, GFLOP/s against our sgemm's at the same FLOPs): 4×4
 * stride 2, 32 → 1 channel, 57 → 112 (0.32 → 0.63); 3×3, 51 → 97 (0.27 → 0.50).
 */
final class ConvDirectBackward {
    private ConvDirectBackward() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** What a row of gy outside the image reads: zeros, for loads at 1 − 1 .. 1 + L (the index does not move). */
    private static final float[] ZERO_ROW = new float[L + 2];

    /**
     * Per thread: room for an image at an end of gy (see {@link #backwardInput}), and the eight
     * vectors a tile hands back. (A tile that also added its sums to gx was more than C2 inlines
     * into one method: NodeCountInliningCutoff left a call there, and every vector was boxed.)
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] image = new float[0];
        final float[] acc = new float[8 * L];
    }

    /**
     * Lane e of {@code UP.selectFrom(v)} is v[e − 1] (lane 0: v[L − 1]); of {@code DOWN.selectFrom(v)},
     * v[e + 1] (lane L − 1: v[0]). On a row shorter than a vector, stored with zeros from lane ow
     * on, these are the row read at columns u − 1 and u + 1: lane 0 of UP gets a zero, and the
     * lanes DOWN wraps around are past the row.
     */
    private static final FloatVector UP, DOWN;
    /**
     * Two-vector forms for a row of two vectors a, b (columns 0 .. 2L−1): {@code UP2.selectFrom(p, q)}
     * is lanes L−1 .. 2L−2 of the pair p, q, {@code DOWN2.selectFrom(p, q)} lanes 1 .. L. So a's
     * columns u − 1 are UP2.selectFrom(zero, a), b's UP2.selectFrom(a, b); columns u + 1: a's
     * DOWN2.selectFrom(a, b), b's DOWN2.selectFrom(b, zero).
     */
    private static final FloatVector UP2, DOWN2;
    static {
        float[] up = new float[L], down = new float[L], up2 = new float[L], down2 = new float[L];
        for (int e = 0; e < L; e++) {
            up[e] = (e + L - 1) % L;
            down[e] = (e + 1) % L;
            up2[e] = L - 1 + e;
            down2[e] = e + 1;
        }
        UP = FloatVector.fromArray(S, up, 0);
        DOWN = FloatVector.fromArray(S, down, 0);
        UP2 = FloatVector.fromArray(S, up2, 0);
        DOWN2 = FloatVector.fromArray(S, down2, 0);
    }

    /** True for the kernels this class has a tile for: 3×3 stride 1 and 4×4 stride 2, padding 1. */
    static boolean handles(int k, int stride, int pad) {
        return pad == 1 && (k == 3 && stride == 1 || k == 4 && stride == 2);
    }

    /** See {@link Kernels#convBackwardInputDirect}; {@link #handles} must hold. */
    static void backwardInput(int inC, int inH, int inW, int outC, int k, int stride, float[] gy, int gyOff, float[] wt,
                              float[] gx, int gxOff) {
        int oh = (inH + 2 - k) / stride + 1, ow = (inW + 2 - k) / stride + 1, plane = oh * ow;
        int rows = Math.ceilDiv(inH, stride), cols = Math.ceilDiv(inW, stride);      // phase 0's, the largest
        boolean narrow = cols < L && ow < L;                       // stride 2: one vector per row, its last lane spare
        boolean pair = ow > L && ow < 2 * L;                       // stride 1: two vectors per row, the last lane spare
        // the tiles load whole vectors from one before a row's start to L + 1 past it: an image at the
        // very start or end of gy is first copied into scratch with that much room around it
        Scratch sc = SCRATCH.get();
        float[] src = gy, acc = sc.acc;
        // masks go into the tiles as bits and are made there before the loop: a VectorMask argument
        // was unboxed at every use inside it
        int so = gyOff, len = outC * plane;
        if (gyOff < 1 || gyOff + len + L + 1 > gy.length) {
            if (sc.image.length < len + L + 2) sc.image = new float[len + L + 2];
            src = sc.image;
            System.arraycopy(gy, gyOff, src, 1, len);
            so = 1;
        }
        long all = VectorKernels.laneBits(0, L);
        for (int c = 0; c < inC; c++) {
            int w0 = c * k * k, wStep = inC * k * k, g = gxOff + c * inH * inW;
            if (stride == 1 && pair) {
                long x1 = VectorKernels.laneBits(0, inW - L);      // the second vector's lanes inside the row
                for (int r0 = 0; r0 < rows; r0 += 2, g += 2 * inW) {
                    tile1Pairs(outC, src, so, plane, oh, ow, r0, x1, wt, w0, wStep, acc);
                    if (r0 + 1 < rows) addTwoRows(acc, gx, g, inW, x1);
                    else {
                        addRow(acc, 0, gx, g, all);
                        addRow(acc, 1, gx, g + L, x1);
                    }
                }
                continue;
            }
            for (int u0 = 0; u0 < cols; u0 += L) {
                // the lanes whose column u0 + e + du lies inside gy's row, for du = −1, 0, +1
                long mm = VectorKernels.laneBits(1 - u0, ow + 1 - u0), m0 = VectorKernels.laneBits(-u0, ow - u0);
                long mp = VectorKernels.laneBits(-1 - u0, ow - 1 - u0);
                if (stride == 1) {
                    long x0 = VectorKernels.laneBits(0, inW - u0);
                    for (int r0 = 0; r0 < rows; r0 += 2) {
                        tile1(outC, src, so, plane, oh, ow, r0, u0, mm, mp, wt, w0, wStep, acc);
                        addRow(acc, 0, gx, g + r0 * inW + u0, x0);
                        if (r0 + 1 < inH) addRow(acc, 1, gx, g + (r0 + 1) * inW + u0, x0);
                    }
                    continue;
                }
                // gx's lanes of the two interleaved vectors
                long xlo = VectorKernels.laneBits(0, inW - 2 * u0), xhi = VectorKernels.laneBits(0, inW - 2 * u0 - L);
                if (narrow) {
                    for (int r0 = 0; r0 < rows; r0 += 4)
                        for (int py = 0; py < 2 && 2 * r0 + py < inH; py++) {
                            tile2Narrow(py, outC, src, so, plane, oh, ow, r0, m0, wt, w0, wStep, acc);
                            for (int q = 0, y = 2 * r0 + py; q < 4 && y < inH; q++, y += 2)
                                addInterleaved(acc, 2 * q, gx, g + y * inW, xlo, xhi);
                        }
                    continue;
                }
                for (int r0 = 0; r0 < rows; r0 += 2)
                    for (int py = 0; py < 2 && 2 * r0 + py < inH; py++) {
                        int y0 = 2 * r0 + py;
                        tile2(py, outC, src, so, plane, oh, ow, r0, u0, mm, m0, mp, wt, w0, wStep, acc);
                        addInterleaved(acc, 0, gx, g + y0 * inW + 2 * u0, xlo, xhi);
                        if (y0 + 2 < inH) addInterleaved(acc, 2, gx, g + (y0 + 2) * inW + 2 * u0, xlo, xhi);
                    }
            }
        }
    }

    /**
     * Stride 2, rows r0 and r0 + 1 of the two phases of row parity py at columns [u0, u0 + L),
     * handed back in acc as phase (py, 0) and (py, 1) of row r0, then of row r0 + 1 (gx rows
     * 2·r0 + py and 2·r0 + py + 2, where gx (y, 2u + X) is phase (py, X)'s (r, u)). Weight (i, j) goes to phase (1 − i mod 2, 1 − j mod 2) and reads
     * gy row r + dr(i), dr = +1, 0, 0, −1, column u + du(j) alike; so parity 0 takes kernel rows
     * i = 1, 3 (gy rows r, r − 1) and parity 1 rows i = 0, 2 (r + 1, r). Accumulators aX / bX:
     * phase (py, X), rows r0 / r0 + 1.
     *
     * <p>One method per parity (each loading 9 vectors per channel), not one for all four phases
     * (12 loads, 16 broadcasts, 32 FMAs): that loop is more than C2 inlines into one method
     * (NodeCountInliningCutoff), and the calls it then leaves box every vector.
     */
    private static void tile2(int py, int outC, float[] gy, int gyOff, int plane, int oh, int ow, int r0, int u0,
                              long mmBits, long m0Bits, long mpBits, float[] wt, int w0, int wStep,
                              float[] acc) {
        // gy rows h, m, l: r0 − 1, r0, r0 + 1 (parity 0) or r0, r0 + 1, r0 + 2 (parity 1); a row outside gy reads ZERO_ROW
        int top = r0 - 1 + py;
        float[] ha = rowArray(gy, top, oh), ma = rowArray(gy, top + 1, oh), la = rowArray(gy, top + 2, oh);
        int hi = rowIndex(gyOff, top, oh, ow, u0), mi = rowIndex(gyOff, top + 1, oh, ow, u0), li = rowIndex(gyOff, top + 2, oh, ow, u0);
        int hs = ha == gy ? plane : 0, ms = ma == gy ? plane : 0, ls = la == gy ? plane : 0;
        int wi = w0 + (py == 0 ? 4 : 0);                                   // kernel row 1 (parity 0) or 0 (parity 1)
        VectorMask<Float> mm = VectorMask.fromLong(S, mmBits), m0 = VectorMask.fromLong(S, m0Bits), mp = VectorMask.fromLong(S, mpBits);
        FloatVector z = FloatVector.zero(S);
        // aX, bX: the first kernel row's partial sums of phase (py, X), rows r0, r0 + 1; aXs, bXs: the second's
        FloatVector a0 = z, b0 = z, a1 = z, b1 = z, a0s = z, b0s = z, a1s = z, b1s = z;
        for (int ch = 0; ch < outC; ch++, hi += hs, mi += ms, li += ls, wi += wStep) {
            FloatVector hM = z.blend(FloatVector.fromArray(S, ha, hi - 1), mm), h0 = z.blend(FloatVector.fromArray(S, ha, hi), m0);
            FloatVector hP = z.blend(FloatVector.fromArray(S, ha, hi + 1), mp);
            FloatVector mM = z.blend(FloatVector.fromArray(S, ma, mi - 1), mm), m0v = z.blend(FloatVector.fromArray(S, ma, mi), m0);
            FloatVector mP = z.blend(FloatVector.fromArray(S, ma, mi + 1), mp);
            FloatVector lM = z.blend(FloatVector.fromArray(S, la, li - 1), mm), l0 = z.blend(FloatVector.fromArray(S, la, li), m0);
            FloatVector lP = z.blend(FloatVector.fromArray(S, la, li + 1), mp);
            FloatVector x;
            // the first kernel row: m for row r0, l for row r0 + 1; j = 0..3: phase X = 1, 0, 1, 0, du = +1, 0, 0, −1
            x = FloatVector.broadcast(S, wt[wi]);      a1 = x.fma(mP, a1);    b1 = x.fma(lP, b1);
            x = FloatVector.broadcast(S, wt[wi + 1]);  a0 = x.fma(m0v, a0);   b0 = x.fma(l0, b0);
            x = FloatVector.broadcast(S, wt[wi + 2]);  a1 = x.fma(m0v, a1);   b1 = x.fma(l0, b1);
            x = FloatVector.broadcast(S, wt[wi + 3]);  a0 = x.fma(mM, a0);    b0 = x.fma(lM, b0);
            // two kernel rows on (i + 2): one gy row up, h for row r0, m for row r0 + 1
            x = FloatVector.broadcast(S, wt[wi + 8]);  a1s = x.fma(hP, a1s);  b1s = x.fma(mP, b1s);
            x = FloatVector.broadcast(S, wt[wi + 9]);  a0s = x.fma(h0, a0s);  b0s = x.fma(m0v, b0s);
            x = FloatVector.broadcast(S, wt[wi + 10]); a1s = x.fma(h0, a1s);  b1s = x.fma(m0v, b1s);
            x = FloatVector.broadcast(S, wt[wi + 11]); a0s = x.fma(hM, a0s);  b0s = x.fma(mM, b0s);
        }
        a0.add(a0s).intoArray(acc, 0);
        a1.add(a1s).intoArray(acc, L);
        b0.add(b0s).intoArray(acc, 2 * L);
        b1.add(b1s).intoArray(acc, 3 * L);
    }

    /**
     * {@link #tile2} for rows shorter than a vector (u0 = 0, cols and ow below L), four rows at once
     * (r0 .. r0 + 3): each gy row is loaded once, its lanes from ow on zeroed, and read at columns
     * u ∓ 1 by a lane permute ({@link #UP}, {@link #DOWN}) instead of two more loads: 5 loads and 10
     * permutes per channel for 32 FMAs. Row k's sums are tile2's for that row, term for term and in
     * the same order. Sixteen chains of partial sums: with two rows a tile (eight chains), each
     * chain's two FMAs a channel waited on each other, and the tile ran at its FMAs' latency.
     * Measured (128 images of 28×28, 32 → 1 channel, best of a few thousand calls, the two jars
     * alternating): one thread 108-114 → 130-133 GFLOP/s, two 191-203 → 222-228. Hands back row r0 + k's
     * phases (py, 0) and (py, 1) in acc's vectors 2k and 2k + 1. Its FMAs are tile2's, written out
     * again: one method with both ways of getting the vectors would be past what C2 inlines into a
     * method (see {@link #tile2}).
     */
    private static void tile2Narrow(int py, int outC, float[] gy, int gyOff, int plane, int oh, int ow, int r0, long m0Bits,
                                    float[] wt, int w0, int wStep, float[] acc) {
        // gy rows top .. top + 4; row r0 + k's first kernel row reads gy row top + 1 + k, its second top + k
        int top = r0 - 1 + py;
        float[] ra = rowArray(gy, top, oh), rb = rowArray(gy, top + 1, oh), rc = rowArray(gy, top + 2, oh);
        float[] rd = rowArray(gy, top + 3, oh), re = rowArray(gy, top + 4, oh);
        int ia = rowIndex(gyOff, top, oh, ow, 0), ib = rowIndex(gyOff, top + 1, oh, ow, 0), ic = rowIndex(gyOff, top + 2, oh, ow, 0);
        int id = rowIndex(gyOff, top + 3, oh, ow, 0), ie = rowIndex(gyOff, top + 4, oh, ow, 0);
        int sa = ra == gy ? plane : 0, sb = rb == gy ? plane : 0, sc = rc == gy ? plane : 0, sd = rd == gy ? plane : 0, se = re == gy ? plane : 0;
        int wi = w0 + (py == 0 ? 4 : 0);
        VectorMask<Float> m0 = VectorMask.fromLong(S, m0Bits);
        FloatVector z = FloatVector.zero(S);
        // fXk: row r0 + k, phase (py, X), the first kernel row's partial sum; sXk: the second's
        FloatVector f00 = z, f10 = z, s00 = z, s10 = z, f01 = z, f11 = z, s01 = z, s11 = z;
        FloatVector f02 = z, f12 = z, s02 = z, s12 = z, f03 = z, f13 = z, s03 = z, s13 = z;
        for (int ch = 0; ch < outC; ch++, ia += sa, ib += sb, ic += sc, id += sd, ie += se, wi += wStep) {
            // j = 0..3: phase X = 1, 0, 1, 0 and column du = +1, 0, 0, −1, for either kernel row
            FloatVector x0 = FloatVector.broadcast(S, wt[wi]), x1 = FloatVector.broadcast(S, wt[wi + 1]);
            FloatVector x2 = FloatVector.broadcast(S, wt[wi + 2]), x3 = FloatVector.broadcast(S, wt[wi + 3]);
            FloatVector y0 = FloatVector.broadcast(S, wt[wi + 8]), y1 = FloatVector.broadcast(S, wt[wi + 9]);
            FloatVector y2 = FloatVector.broadcast(S, wt[wi + 10]), y3 = FloatVector.broadcast(S, wt[wi + 11]);
            // gy row top: row r0's second kernel row
            FloatVector v = z.blend(FloatVector.fromArray(S, ra, ia), m0), vM = UP.selectFrom(v), vP = DOWN.selectFrom(v);
            s10 = y0.fma(vP, s10); s00 = y1.fma(v, s00); s10 = y2.fma(v, s10); s00 = y3.fma(vM, s00);
            // gy row top + 1: row r0's first, row r0 + 1's second
            v = z.blend(FloatVector.fromArray(S, rb, ib), m0); vM = UP.selectFrom(v); vP = DOWN.selectFrom(v);
            f10 = x0.fma(vP, f10); f00 = x1.fma(v, f00); f10 = x2.fma(v, f10); f00 = x3.fma(vM, f00);
            s11 = y0.fma(vP, s11); s01 = y1.fma(v, s01); s11 = y2.fma(v, s11); s01 = y3.fma(vM, s01);
            // gy row top + 2: row r0 + 1's first, row r0 + 2's second
            v = z.blend(FloatVector.fromArray(S, rc, ic), m0); vM = UP.selectFrom(v); vP = DOWN.selectFrom(v);
            f11 = x0.fma(vP, f11); f01 = x1.fma(v, f01); f11 = x2.fma(v, f11); f01 = x3.fma(vM, f01);
            s12 = y0.fma(vP, s12); s02 = y1.fma(v, s02); s12 = y2.fma(v, s12); s02 = y3.fma(vM, s02);
            // gy row top + 3: row r0 + 2's first, row r0 + 3's second
            v = z.blend(FloatVector.fromArray(S, rd, id), m0); vM = UP.selectFrom(v); vP = DOWN.selectFrom(v);
            f12 = x0.fma(vP, f12); f02 = x1.fma(v, f02); f12 = x2.fma(v, f12); f02 = x3.fma(vM, f02);
            s13 = y0.fma(vP, s13); s03 = y1.fma(v, s03); s13 = y2.fma(v, s13); s03 = y3.fma(vM, s03);
            // gy row top + 4: row r0 + 3's first
            v = z.blend(FloatVector.fromArray(S, re, ie), m0); vM = UP.selectFrom(v); vP = DOWN.selectFrom(v);
            f13 = x0.fma(vP, f13); f03 = x1.fma(v, f03); f13 = x2.fma(v, f13); f03 = x3.fma(vM, f03);
        }
        f00.add(s00).intoArray(acc, 0);
        f10.add(s10).intoArray(acc, L);
        f01.add(s01).intoArray(acc, 2 * L);
        f11.add(s11).intoArray(acc, 3 * L);
        f02.add(s02).intoArray(acc, 4 * L);
        f12.add(s12).intoArray(acc, 5 * L);
        f03.add(s03).intoArray(acc, 6 * L);
        f13.add(s13).intoArray(acc, 7 * L);
    }

    /**
     * Stride 1, rows r0 and r0 + 1 of a row two vectors wide (L &lt; ow &lt; 2L; ow = cols = inW) at
     * once. Each gy row is two loads (the second's lanes past the row zeroed, x1) and its columns
     * u ∓ 1 four lane permutes ({@link #UP2}, {@link #DOWN2}), not six more loads; the two rows
     * share two of the four gy rows they read (r0 and r0 + 1). Partial sums per row, kernel row i
     * and vector: twelve chains (one row a tile had six, and each waited on its own FMA three times
     * a channel: 12 cycles for 18 FMAs). Hands back row r0's two
     * vectors in acc[0 .. 2L), row r0 + 1's in acc[2L .. 4L) (when r0 is gx's last row, row r0 + 1's
     * sums are computed all the same, from gy row r0 and ZERO_ROW, and the caller drops them).
     * Measured (128 images of 28×28, 32 → 1 channel, one thread, best of a few thousand calls, the
     * two jars alternating): 86-97 GFLOP/s with one row a tile, 95-110 with two. Reading the
     * columns u ∓ 1 as masked loads instead of permutes ran the Vector API's slow path (60 and 1
     * GFLOP/s).
     */
    private static void tile1Pairs(int outC, float[] gy, int gyOff, int plane, int oh, int ow, int r0, long x1Bits,
                                   float[] wt, int w0, int wStep, float[] acc) {
        float[] aa = rowArray(gy, r0 - 1, oh), ba = rowArray(gy, r0, oh), ca = rowArray(gy, r0 + 1, oh), da = rowArray(gy, r0 + 2, oh);
        int ai = rowIndex(gyOff, r0 - 1, oh, ow, 0), bi = rowIndex(gyOff, r0, oh, ow, 0);
        int ci = rowIndex(gyOff, r0 + 1, oh, ow, 0), di = rowIndex(gyOff, r0 + 2, oh, ow, 0);
        int as = aa == gy ? plane : 0, bs = ba == gy ? plane : 0, cs = ca == gy ? plane : 0, ds = da == gy ? plane : 0;
        // a row outside gy reads ZERO_ROW at index 1: its second vector would run past it, so it reads the first again (zeros)
        int a2 = aa == gy ? L : 0, b2 = ba == gy ? L : 0, c2 = ca == gy ? L : 0, d2 = da == gy ? L : 0;
        VectorMask<Float> x1 = VectorMask.fromLong(S, x1Bits);
        FloatVector z = FloatVector.zero(S);
        // pVi: row r0, vector V, partial sum over kernel row i; qVi: row r0 + 1
        FloatVector p00 = z, p01 = z, p02 = z, p10 = z, p11 = z, p12 = z;
        FloatVector q00 = z, q01 = z, q02 = z, q10 = z, q11 = z, q12 = z;
        for (int ch = 0, wi = w0; ch < outC; ch++, ai += as, bi += bs, ci += cs, di += ds, wi += wStep) {
            FloatVector w0v = FloatVector.broadcast(S, wt[wi]), w1v = FloatVector.broadcast(S, wt[wi + 1]), w2v = FloatVector.broadcast(S, wt[wi + 2]);
            FloatVector w3v = FloatVector.broadcast(S, wt[wi + 3]), w4v = FloatVector.broadcast(S, wt[wi + 4]), w5v = FloatVector.broadcast(S, wt[wi + 5]);
            FloatVector w6v = FloatVector.broadcast(S, wt[wi + 6]), w7v = FloatVector.broadcast(S, wt[wi + 7]), w8v = FloatVector.broadcast(S, wt[wi + 8]);
            // gy row r0 − 1 (A): row r0's i = 2; j = 0, 1, 2 read columns u + 1 (m), u (v), u − 1 (u)
            FloatVector v0 = FloatVector.fromArray(S, aa, ai), v1 = z.blend(FloatVector.fromArray(S, aa, ai + a2), x1);
            FloatVector m0 = DOWN2.selectFrom(v0, v1), m1 = DOWN2.selectFrom(v1, z), u0 = UP2.selectFrom(z, v0), u1 = UP2.selectFrom(v0, v1);
            p02 = w6v.fma(m0, p02); p12 = w6v.fma(m1, p12);
            p02 = w7v.fma(v0, p02); p12 = w7v.fma(v1, p12);
            p02 = w8v.fma(u0, p02); p12 = w8v.fma(u1, p12);
            // gy row r0 (B): row r0's i = 1, row r0 + 1's i = 2
            v0 = FloatVector.fromArray(S, ba, bi); v1 = z.blend(FloatVector.fromArray(S, ba, bi + b2), x1);
            m0 = DOWN2.selectFrom(v0, v1); m1 = DOWN2.selectFrom(v1, z); u0 = UP2.selectFrom(z, v0); u1 = UP2.selectFrom(v0, v1);
            p01 = w3v.fma(m0, p01); p11 = w3v.fma(m1, p11); q02 = w6v.fma(m0, q02); q12 = w6v.fma(m1, q12);
            p01 = w4v.fma(v0, p01); p11 = w4v.fma(v1, p11); q02 = w7v.fma(v0, q02); q12 = w7v.fma(v1, q12);
            p01 = w5v.fma(u0, p01); p11 = w5v.fma(u1, p11); q02 = w8v.fma(u0, q02); q12 = w8v.fma(u1, q12);
            // gy row r0 + 1 (C): row r0's i = 0, row r0 + 1's i = 1
            v0 = FloatVector.fromArray(S, ca, ci); v1 = z.blend(FloatVector.fromArray(S, ca, ci + c2), x1);
            m0 = DOWN2.selectFrom(v0, v1); m1 = DOWN2.selectFrom(v1, z); u0 = UP2.selectFrom(z, v0); u1 = UP2.selectFrom(v0, v1);
            p00 = w0v.fma(m0, p00); p10 = w0v.fma(m1, p10); q01 = w3v.fma(m0, q01); q11 = w3v.fma(m1, q11);
            p00 = w1v.fma(v0, p00); p10 = w1v.fma(v1, p10); q01 = w4v.fma(v0, q01); q11 = w4v.fma(v1, q11);
            p00 = w2v.fma(u0, p00); p10 = w2v.fma(u1, p10); q01 = w5v.fma(u0, q01); q11 = w5v.fma(u1, q11);
            // gy row r0 + 2 (D): row r0 + 1's i = 0
            v0 = FloatVector.fromArray(S, da, di); v1 = z.blend(FloatVector.fromArray(S, da, di + d2), x1);
            m0 = DOWN2.selectFrom(v0, v1); m1 = DOWN2.selectFrom(v1, z); u0 = UP2.selectFrom(z, v0); u1 = UP2.selectFrom(v0, v1);
            q00 = w0v.fma(m0, q00); q10 = w0v.fma(m1, q10);
            q00 = w1v.fma(v0, q00); q10 = w1v.fma(v1, q10);
            q00 = w2v.fma(u0, q00); q10 = w2v.fma(u1, q10);
        }
        p00.add(p01).add(p02).intoArray(acc, 0);
        p10.add(p11).add(p12).intoArray(acc, L);
        q00.add(q01).add(q02).intoArray(acc, 2 * L);
        q10.add(q11).add(q12).intoArray(acc, 3 * L);
    }

    /**
     * gx[g ..] += the lanes of acc's vectors e (even) and e + 1 (odd) interleaved (even[0], odd[0],
     * even[1], ...), where the masks allow.
     */
    private static void addInterleaved(float[] acc, int e, float[] gx, int g, long loBits, long hiBits) {
        FloatVector even = FloatVector.fromArray(S, acc, e * L), odd = FloatVector.fromArray(S, acc, (e + 1) * L);
        VectorMask<Float> lo = VectorMask.fromLong(S, loBits);
        PhaseRows.ZIP_LO.selectFrom(even, odd).add(FloatVector.fromArray(S, gx, g, lo)).intoArray(gx, g, lo);
        if (hiBits != 0) {
            VectorMask<Float> hi = VectorMask.fromLong(S, hiBits);
            PhaseRows.ZIP_HI.selectFrom(even, odd).add(FloatVector.fromArray(S, gx, g + L, hi)).intoArray(gx, g + L, hi);
        }
    }

    /** gy when row y of a channel exists, else {@link #ZERO_ROW}. */
    private static float[] rowArray(float[] gy, int y, int oh) {
        return y >= 0 && y < oh ? gy : ZERO_ROW;
    }

    /** Channel 0's row y at column u0 in gy, or 1 (in {@link #ZERO_ROW}) when the row does not exist. */
    private static int rowIndex(int gyOff, int y, int oh, int ow, int u0) {
        return y >= 0 && y < oh ? gyOff + y * ow + u0 : 1;
    }

    /**
     * Stride 1, rows r0 and r0 + 1 at columns [u0, u0 + L), handed back in acc. Weight (i, j) reads gy row r + 1 − i and column u + 1 − j; gy's rows
     * r0 − 1 .. r0 + 2 are A .. D below, each at columns −1, 0, +1 (suffix M, 0, P).
     */
    private static void tile1(int outC, float[] gy, int gyOff, int plane, int oh, int ow, int r0, int u0,
                              long mmBits, long mpBits, float[] wt, int w0, int wStep,
                              float[] acc) {
        float[] aa = rowArray(gy, r0 - 1, oh), ba = rowArray(gy, r0, oh), ca = rowArray(gy, r0 + 1, oh), da = rowArray(gy, r0 + 2, oh);
        int ai = rowIndex(gyOff, r0 - 1, oh, ow, u0), bi = rowIndex(gyOff, r0, oh, ow, u0);
        int ci = rowIndex(gyOff, r0 + 1, oh, ow, u0), di = rowIndex(gyOff, r0 + 2, oh, ow, u0);
        int as = aa == gy ? plane : 0, bs = ba == gy ? plane : 0, cs = ca == gy ? plane : 0, ds = da == gy ? plane : 0;
        VectorMask<Float> mm = VectorMask.fromLong(S, mmBits), mp = VectorMask.fromLong(S, mpBits);
        FloatVector z = FloatVector.zero(S);
        // cKi: row r0 + K's partial sum over kernel row i (three chains per row, not one: the FMAs of one chain wait on each other)
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z;
        for (int ch = 0, wi = w0; ch < outC; ch++, ai += as, bi += bs, ci += cs, di += ds, wi += wStep) {
            // column du = 0 needs no mask: a stride-1 output column u < ow reads gy column u
            FloatVector aM = z.blend(FloatVector.fromArray(S, aa, ai - 1), mm), a0 = FloatVector.fromArray(S, aa, ai), aP = z.blend(FloatVector.fromArray(S, aa, ai + 1), mp);
            FloatVector bM = z.blend(FloatVector.fromArray(S, ba, bi - 1), mm), b0 = FloatVector.fromArray(S, ba, bi), bP = z.blend(FloatVector.fromArray(S, ba, bi + 1), mp);
            FloatVector cM = z.blend(FloatVector.fromArray(S, ca, ci - 1), mm), cz = FloatVector.fromArray(S, ca, ci), cP = z.blend(FloatVector.fromArray(S, ca, ci + 1), mp);
            FloatVector dM = z.blend(FloatVector.fromArray(S, da, di - 1), mm), d0 = FloatVector.fromArray(S, da, di), dP = z.blend(FloatVector.fromArray(S, da, di + 1), mp);
            FloatVector x;
            // i = 0: gy rows r + 1 (C, D); j = 0, 1, 2: du = +1, 0, −1
            x = FloatVector.broadcast(S, wt[wi]);     c00 = x.fma(cP, c00); c10 = x.fma(dP, c10);
            x = FloatVector.broadcast(S, wt[wi + 1]); c00 = x.fma(cz, c00); c10 = x.fma(d0, c10);
            x = FloatVector.broadcast(S, wt[wi + 2]); c00 = x.fma(cM, c00); c10 = x.fma(dM, c10);
            // i = 1: rows r (B, C)
            x = FloatVector.broadcast(S, wt[wi + 3]); c01 = x.fma(bP, c01); c11 = x.fma(cP, c11);
            x = FloatVector.broadcast(S, wt[wi + 4]); c01 = x.fma(b0, c01); c11 = x.fma(cz, c11);
            x = FloatVector.broadcast(S, wt[wi + 5]); c01 = x.fma(bM, c01); c11 = x.fma(cM, c11);
            // i = 2: rows r − 1 (A, B)
            x = FloatVector.broadcast(S, wt[wi + 6]); c02 = x.fma(aP, c02); c12 = x.fma(bP, c12);
            x = FloatVector.broadcast(S, wt[wi + 7]); c02 = x.fma(a0, c02); c12 = x.fma(b0, c12);
            x = FloatVector.broadcast(S, wt[wi + 8]); c02 = x.fma(aM, c02); c12 = x.fma(bM, c12);
        }
        c00.add(c01).add(c02).intoArray(acc, 0);
        c10.add(c11).add(c12).intoArray(acc, L);
    }

    /**
     * gx[g ..] += acc's vectors 0 and 1 (a row of two vectors, the second's lanes as the mask allows),
     * gx[g + inW ..] += vectors 2 and 3 (the next row): gx's four vectors loaded before any is
     * stored. Why: the first row's masked store ends in the 64 bytes where the next row's first
     * load begins (a row of 28), and a masked store does not forward to a load; loaded after it,
     * that load waited for the store to leave the store buffer. Measured (one JVM alternating, the
     * 3×3 32→1 backward-input pass on 28×28, 128 images, one thread, best call of a 0.6 s round):
     * ahead in 6 of 8 rounds and in 5 of 6, by 1-7% (medians 82.5 → 86.6 GFLOP/s in a slower
     * minute); two threads +1-3%. The same sums.
     */
    private static void addTwoRows(float[] acc, float[] gx, int g, int inW, long bits) {
        VectorMask<Float> m = VectorMask.fromLong(S, bits);
        FloatVector a = FloatVector.fromArray(S, gx, g), b = FloatVector.fromArray(S, gx, g + L, m);
        FloatVector c = FloatVector.fromArray(S, gx, g + inW), d = FloatVector.fromArray(S, gx, g + inW + L, m);
        FloatVector.fromArray(S, acc, 0).add(a).intoArray(gx, g);
        FloatVector.fromArray(S, acc, L).add(b).intoArray(gx, g + L, m);
        FloatVector.fromArray(S, acc, 2 * L).add(c).intoArray(gx, g + inW);
        FloatVector.fromArray(S, acc, 3 * L).add(d).intoArray(gx, g + inW + L, m);
    }

    /** gx[g ..] += acc's vector e, where the mask allows. */
    private static void addRow(float[] acc, int e, float[] gx, int g, long bits) {
        VectorMask<Float> m = VectorMask.fromLong(S, bits);
        FloatVector.fromArray(S, acc, e * L).add(FloatVector.fromArray(S, gx, g, m)).intoArray(gx, g, m);
    }
}
