package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * One image of a stride-1 "same" convolution (odd kH×kW kernel, padding (kH−1)/2, (kW−1)/2, output
 * as large as the input) computed directly, for layers with few taps: a one-channel 3×3 layer
 * has 9, and im2col + sgemm then runs the GEMM at a depth of 9 after copying the image nine
 * times into col.
 *
 * <p>How: for each input channel c and kernel column j the image is copied once, shifted by
 * j − pw along its rows, with the columns that wrapped in from the neighbouring row zeroed and
 * ph zero rows above and below ("shifted planes", inC·kW of them, not inC·kH·kW). Tap (c, i, j)
 * at output pixel p = (y, x) is then plane(c, j)[p + i·w]: a plain vector load at a fixed
 * offset from p, no mask, no gather. The register tile is 4 output channels × 6 vectors of
 * pixels (24 accumulators, started from the bias); each tap loads 6 vectors and broadcasts 4
 * weights for 24 FMAs. Taps are summed in (c, i, j) order from the bias, the order of
 * im2col + {@link Kernels#sgemmRowBias}, so the result is the same, bit for bit.
 *
 * <p>Measured per image (1→32 channels, 3×3, 28×28, same process, alternating, loaded 2-core
 * machine): 12.2-12.5 µs by im2col + sgemm, 8.0 µs here; a batch of 128, 31-33 → 44-47 GFLOP/s.
 * {@link Kernels#convSame} is the scalar twin.
 */
final class ConvDirect {
    private ConvDirect() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Per-thread shifted planes and tap offsets, reused across calls. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] planes = new float[0];
        int[] offsets = new int[0];
    }

    static void convSame(int inC, int h, int w, int outC, int kH, int kW, float[] x, int xOff, float[] wt, float[] bias,
                         float[] y, int yOff) {
        int n = h * w, ph = kH / 2, pw = kW / 2, taps = inC * kH * kW;
        // a plane: ph zero rows, the image, ph zero rows, and room for the last tile's loads past the end
        int plane = n + 2 * ph * w + 4 * L;
        Scratch s = SCRATCH.get();
        if (s.planes.length < inC * kW * plane) s.planes = new float[inC * kW * plane];
        if (s.offsets.length < taps) s.offsets = new int[taps];
        float[] buf = s.planes;
        int[] off = s.offsets;
        for (int c = 0; c < inC; c++)
            for (int j = 0; j < kW; j++) shiftedPlane(x, xOff + c * n, h, w, j - pw, buf, (c * kW + j) * plane, ph * w, plane);
        for (int c = 0, t = 0; c < inC; c++)
            for (int i = 0; i < kH; i++)
                for (int j = 0; j < kW; j++, t++) off[t] = (c * kW + j) * plane + i * w;
        product(taps, buf, off, 0, n, wt, outC, bias, y, yOff, n);
    }

    /**
     * y[yo + o·ldc + p] = init[o] + Σ_t wt[o·taps + t] · buf[base + off[t] + p] for every channel
     * o &lt; m and pixel p &lt; npix (init null for zeros): {@link #tile}s of 4 channels × 6 vectors,
     * then the pixels past the last whole tile up to eight channels at a time, one vector each
     * ({@link #column}). The last vector is the one that ends at pixel npix: it overlaps lanes
     * already written and writes them again with the same values (the same FMAs in the same
     * order), so no load or store needs a mask (a masked load ran the Vector API's slow path).
     * Fewer pixels than one vector go one channel at a time, masked. Loads may reach up to one
     * vector past a run's last pixel. Also {@link TapGemm}'s kernel for shallow products.
     */
    static void product(int taps, float[] buf, int[] off, int base, int npix, float[] wt, int m, float[] init,
                        float[] y, int yo, int ldc) {
        if (npix < L) {
            VectorMask<Float> in = S.indexInRange(0, npix);
            for (int o = 0; o < m; o++) {
                FloatVector acc = FloatVector.broadcast(S, init == null ? 0f : init[o]);
                for (int t = 0; t < taps; t++)
                    acc = FloatVector.fromArray(S, buf, base + off[t], in).fma(FloatVector.broadcast(S, wt[o * taps + t]), acc);
                acc.intoArray(y, yo + o * ldc, in);
            }
            return;
        }
        int m4 = m / 4 * 4, pTiles = npix / TILE_PIXELS * TILE_PIXELS;
        for (int o = 0; o < m4; o += 4)
            for (int p = 0; p < pTiles; p += TILE_PIXELS) tile(taps, buf, off, base + p, wt, o, init, y, yo + o * ldc + p, ldc);
        // up to 8 channels a column; channels below m4 (their first pTiles pixels done by tiles) apart from the rest
        for (int o = 0, rows; o < m; o += rows) {
            rows = Math.min(8, (o < m4 ? m4 : m) - o);
            for (int p = o < m4 ? pTiles : 0; p < npix; p += L) {
                int at = Math.min(p, npix - L);
                column(taps, buf, off, base + at, wt, o, rows, init, y, yo + o * ldc + at, ldc);
            }
        }
    }

    /**
     * buf[dst + top + q] = image[q + d] where column x + d lies inside the row, else 0; zero
     * before (top floats) and after, up to len floats in all.
     */
    private static void shiftedPlane(float[] x, int src, int h, int w, int d, float[] buf, int dst, int top, int len) {
        int n = h * w, at = dst + top;
        Arrays.fill(buf, dst, at, 0f);
        Arrays.fill(buf, at + n, dst + len, 0f);
        if (Math.abs(d) >= w) {   // a kernel wider than the image: every column shifted out
            Arrays.fill(buf, at, at + n, 0f);
            return;
        }
        // one copy of the whole image shifted by d; then the columns that came from the next (d > 0)
        // or previous (d < 0) row are zeroed
        if (d >= 0) {
            System.arraycopy(x, src + d, buf, at, n - d);
            Arrays.fill(buf, at + n - d, at + n, 0f);
        } else {
            System.arraycopy(x, src, buf, at - d, n + d);
            Arrays.fill(buf, at, at - d, 0f);
        }
        // column by column, one store a row: a fill a row (one float each for a 3×3 kernel) set up a
        // loop per row, and a 28×28 image's three planes took 295 ns that way, 125 this way (Zen 4)
        for (int c = d > 0 ? w - d : 0, end = c + Math.abs(d); c < end; c++)
            for (int q = at + c; q < at + n; q += w) buf[q] = 0f;
    }

    /** Pixels in a {@link #tile}: six vectors. */
    static final int TILE_PIXELS = 6 * L;

    /**
     * The 4 channels × 6 vectors tile at pixel p (all {@link #TILE_PIXELS} pixels inside the
     * image): channel o + r at pixel p + v·L + e is written to y[yo + r·n + v·L + e]. 24
     * accumulators, 6 pixel vectors and a broadcast weight take 31 of the 32 vector registers;
     * each tap loads 6 vectors and broadcasts 4 weights for 24 FMAs. At a depth of 9 the tile's
     * start and its stores weigh on every few FMAs, and a wider tile spreads them over more: the
     * register tile alone (a loop over one 28×28 image's 32 channels, 9 taps, stores included)
     * ran 141-147 GFLOP/s as 4 × 4 vectors and 161-165 as 4 × 6.
     */
    static void tile(int taps, float[] buf, int[] off, int p, float[] wt, int o, float[] bias, float[] y, int yo, int n) {
        FloatVector a00 = FloatVector.broadcast(S, bias == null ? 0f : bias[o]), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00;
        FloatVector a10 = FloatVector.broadcast(S, bias == null ? 0f : bias[o + 1]), a11 = a10, a12 = a10, a13 = a10, a14 = a10, a15 = a10;
        FloatVector a20 = FloatVector.broadcast(S, bias == null ? 0f : bias[o + 2]), a21 = a20, a22 = a20, a23 = a20, a24 = a20, a25 = a20;
        FloatVector a30 = FloatVector.broadcast(S, bias == null ? 0f : bias[o + 3]), a31 = a30, a32 = a30, a33 = a30, a34 = a30, a35 = a30;
        int w0 = o * taps, w1 = w0 + taps, w2 = w1 + taps, w3 = w2 + taps;
        for (int t = 0; t < taps; t++) {
            int q = off[t] + p;
            FloatVector x0 = FloatVector.fromArray(S, buf, q), x1 = FloatVector.fromArray(S, buf, q + L);
            FloatVector x2 = FloatVector.fromArray(S, buf, q + 2 * L), x3 = FloatVector.fromArray(S, buf, q + 3 * L);
            FloatVector x4 = FloatVector.fromArray(S, buf, q + 4 * L), x5 = FloatVector.fromArray(S, buf, q + 5 * L);
            FloatVector v;
            v = FloatVector.broadcast(S, wt[w0 + t]);
            a00 = x0.fma(v, a00); a01 = x1.fma(v, a01); a02 = x2.fma(v, a02); a03 = x3.fma(v, a03); a04 = x4.fma(v, a04); a05 = x5.fma(v, a05);
            v = FloatVector.broadcast(S, wt[w1 + t]);
            a10 = x0.fma(v, a10); a11 = x1.fma(v, a11); a12 = x2.fma(v, a12); a13 = x3.fma(v, a13); a14 = x4.fma(v, a14); a15 = x5.fma(v, a15);
            v = FloatVector.broadcast(S, wt[w2 + t]);
            a20 = x0.fma(v, a20); a21 = x1.fma(v, a21); a22 = x2.fma(v, a22); a23 = x3.fma(v, a23); a24 = x4.fma(v, a24); a25 = x5.fma(v, a25);
            v = FloatVector.broadcast(S, wt[w3 + t]);
            a30 = x0.fma(v, a30); a31 = x1.fma(v, a31); a32 = x2.fma(v, a32); a33 = x3.fma(v, a33); a34 = x4.fma(v, a34); a35 = x5.fma(v, a35);
        }
        a00.intoArray(y, yo); a01.intoArray(y, yo + L); a02.intoArray(y, yo + 2 * L);
        a03.intoArray(y, yo + 3 * L); a04.intoArray(y, yo + 4 * L); a05.intoArray(y, yo + 5 * L); yo += n;
        a10.intoArray(y, yo); a11.intoArray(y, yo + L); a12.intoArray(y, yo + 2 * L);
        a13.intoArray(y, yo + 3 * L); a14.intoArray(y, yo + 4 * L); a15.intoArray(y, yo + 5 * L); yo += n;
        a20.intoArray(y, yo); a21.intoArray(y, yo + L); a22.intoArray(y, yo + 2 * L);
        a23.intoArray(y, yo + 3 * L); a24.intoArray(y, yo + 4 * L); a25.intoArray(y, yo + 5 * L); yo += n;
        a30.intoArray(y, yo); a31.intoArray(y, yo + L); a32.intoArray(y, yo + 2 * L);
        a33.intoArray(y, yo + 3 * L); a34.intoArray(y, yo + 4 * L); a35.intoArray(y, yo + 5 * L);
    }

    /**
     * Channels o .. o+rows−1 (rows ≤ 8) × one vector of pixels: the loads at buf[off[t] + q], the
     * outputs at y[yo + r·ldc]. Each channel's sum starts from its init and adds the taps in order,
     * as {@link #tile} does. Missing rows repeat the last one and are not stored. Eight chains of
     * FMAs, not four, so that each FMA has seven others to hide its latency behind (with four, the
     * pixels past the last whole tile took a tenth of a one-channel 4×4/2 forward pass).
     */
    private static void column(int taps, float[] buf, int[] off, int q, float[] wt, int o, int rows, float[] init,
                               float[] y, int yo, int ldc) {
        int l = rows - 1, o1 = o + Math.min(1, l), o2 = o + Math.min(2, l), o3 = o + Math.min(3, l);
        int o4 = o + Math.min(4, l), o5 = o + Math.min(5, l), o6 = o + Math.min(6, l), o7 = o + Math.min(7, l);
        FloatVector a0 = FloatVector.broadcast(S, init == null ? 0f : init[o]), a1 = FloatVector.broadcast(S, init == null ? 0f : init[o1]);
        FloatVector a2 = FloatVector.broadcast(S, init == null ? 0f : init[o2]), a3 = FloatVector.broadcast(S, init == null ? 0f : init[o3]);
        FloatVector a4 = FloatVector.broadcast(S, init == null ? 0f : init[o4]), a5 = FloatVector.broadcast(S, init == null ? 0f : init[o5]);
        FloatVector a6 = FloatVector.broadcast(S, init == null ? 0f : init[o6]), a7 = FloatVector.broadcast(S, init == null ? 0f : init[o7]);
        int w0 = o * taps, w1 = o1 * taps, w2 = o2 * taps, w3 = o3 * taps, w4 = o4 * taps, w5 = o5 * taps, w6 = o6 * taps, w7 = o7 * taps;
        for (int t = 0; t < taps; t++) {
            FloatVector v = FloatVector.fromArray(S, buf, off[t] + q);
            a0 = v.fma(FloatVector.broadcast(S, wt[w0 + t]), a0);
            a1 = v.fma(FloatVector.broadcast(S, wt[w1 + t]), a1);
            a2 = v.fma(FloatVector.broadcast(S, wt[w2 + t]), a2);
            a3 = v.fma(FloatVector.broadcast(S, wt[w3 + t]), a3);
            a4 = v.fma(FloatVector.broadcast(S, wt[w4 + t]), a4);
            a5 = v.fma(FloatVector.broadcast(S, wt[w5 + t]), a5);
            a6 = v.fma(FloatVector.broadcast(S, wt[w6 + t]), a6);
            a7 = v.fma(FloatVector.broadcast(S, wt[w7 + t]), a7);
        }
        a0.intoArray(y, yo);
        if (rows > 1) a1.intoArray(y, yo + ldc);
        if (rows > 2) a2.intoArray(y, yo + 2 * ldc);
        if (rows > 3) a3.intoArray(y, yo + 3 * ldc);
        if (rows > 4) a4.intoArray(y, yo + 4 * ldc);
        if (rows > 5) a5.intoArray(y, yo + 5 * ldc);
        if (rows > 6) a6.intoArray(y, yo + 6 * ldc);
        if (rows > 7) a7.intoArray(y, yo + 7 * ldc);
    }
}
