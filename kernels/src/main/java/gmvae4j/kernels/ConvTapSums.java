package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The backward-input pass of one image of a layer with few input channels
 * ({@link Kernels#convBackwardInputTaps}): 3×3 stride 1 and 4×4 stride 2, padding 1. That is an
 * encoder's first layer, and, the same pass, the forward pass of a decoder's last, one-channel
 * transposed convolution. Two steps, a product and then a few shifted adds:
 * <pre>
 *   tap sums:   P_t[q] = Σ_o w[o][c][t] · gy[o][q]                  t = k·i + j, every gy pixel q
 *   shifted:    gx[c][y][x] += Σ_t P_t[(y + 1 − i) / s][(x + 1 − j) / s]   the taps that divide evenly
 * </pre>
 * Why: the direct form reads gy shifted nine (or sixteen) ways, and each shifted vector is a lane
 * permute or a load that straddles two cache lines; and im2col's form, col = Wᵀ·gy then col2im,
 * writes k² copies of the image and adds them back a float at a time. Here the product reads each
 * vector of gy once, where it lies, and feeds it to one FMA per tap: 3×3, a register tile of 9
 * taps × 2 vectors (18 accumulators; per output channel 2 loads and 9 broadcasts for 18 FMAs);
 * 4×4, sgemm's own micro-kernel ({@link SgemmMicroKernel}, 8 taps × 2 vectors) twice. The shifts
 * come after, on the k² planes P_t of one channel (in L1 or L2), at one load and one add per tap
 * and vector. With stride 2 each gx row interleaves two phases (x even, x odd), each the sum of
 * four taps; one lane permute per 16 pixels zips them.
 *
 * <p>The planes have zero margins above and below, so a tap whose row is outside the image reads
 * zeros. A tap that reads column u + 1 would read the next row's first pixel at the last column,
 * so its plane's column 0, which no pixel reads, is set to zero after the product; column ow − 1
 * likewise for the taps that read u − 1.
 *
 * <p>The order of every sum, which {@link Kernels#convBackwardInputTaps}' scalar twin follows: P_t
 * from zero over o in order, one FMA a term; then the pixel's taps (those whose row and column
 * divide evenly by the stride) added left to right in t order, a tap outside the image adding +0;
 * that sum added to gx.
 *
 * <p>Measured (`./gmvae bench kernels --kernel conv2d --shape '1x28x28->32' --samples 30`, 128
 * images, 1 → 32 channels on 28×28, the jars before and after alternating three times; the
 * fraction of our sgemm's GFLOP/s at the same FLOPs, one / two threads), the direct kernel this
 * replaced ({@code ConvDirectBackward}: gy read shifted, lane permutes) → tap sums: 3×3 0.49-0.53 /
 * 0.68-0.71 → 0.65-0.80 / 0.78-1.01; 4×4/2 0.60-0.62 / 0.69-0.76 → 0.61-0.67 / 0.73-0.88. In a
 * harness (one thread, the pass on 128 images), the 4×4 pass spent a third of its time outside
 * the product while it filled the planes' margins every call (32 small fills an image) and stored
 * the zipped rows masked in place: 106 → 124 GFLOP/s without them.
 */
final class ConvTapSums {
    private ConvTapSums() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** Per-thread planes, reused across calls. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        float[] planes = new float[0];
        /**
         * The layout whose margins are zero now (taps, ow, pixels, and where the planes start in the
         * array, which moves with the array's address when the GC moves it): nothing else writes there.
         */
        int taps, ow, n, base = -1;
    }

    /**
     * True for the layers this kernel takes: padding 1 and 3×3 stride 1 on at least one vector of
     * pixels, or 4×4 stride 2 on even sides whose gy has at least two vectors of pixels (the tiles'
     * last one ends at the last pixel and may redo pixels a tile before it did, with the same floats).
     */
    static boolean handles(int k, int stride, int pad, int h, int w) {
        if (pad != 1) return false;
        if (k == 3 && stride == 1) return h * w >= L;
        return k == 4 && stride == 2 && h % 2 == 0 && w % 2 == 0 && (h / 2) * (w / 2) >= 2 * L;
    }

    /** See {@link Kernels#convBackwardInputTaps}; {@link #handles} must hold. */
    static void backwardInput(int inC, int h, int w, int outC, int k, int stride, float[] gy, int gyOff, float[] wt,
                              float[] gx, int gxOff) {
        int oh = stride == 1 ? h : h / 2, ow = stride == 1 ? w : w / 2, n = oh * ow, taps = k * k;
        // plane t's pixel q at m0 + q: m0 ≥ ow + 1 zeros before (row −1 and the column left of pixel 0),
        // and after the last pixel room for a row, a column and a vector (stride 2 reads a vector from
        // each row's start); m0 and the plane's length whole vectors, so the tiles' stores align
        int m0 = Math.ceilDiv(ow + 1, L) * L, len = Math.ceilDiv(m0 + n + ow + 1 + L, L) * L;
        // and for stride 2, the image's sums before they are added to gx (see phases)
        int need = taps * len + (stride == 2 ? h * w + 2 * L : 0) + CacheLines.FLOATS;
        Scratch sc = SCRATCH.get();
        if (sc.planes.length < need) {
            sc.planes = new float[need];
            sc.base = -1;
        }
        float[] pl = sc.planes;
        int base = CacheLines.start(pl), d = base + m0;
        if (sc.taps != taps || sc.ow != ow || sc.n != n || sc.base != base) {
            // zero margins, once per layout: 32 small fills an image had cost about 7% of the 4×4 pass
            for (int t = 0; t < taps; t++) {
                Arrays.fill(pl, base + t * len, d + t * len, 0f);
                Arrays.fill(pl, d + t * len + n, base + (t + 1) * len, 0f);
            }
            sc.taps = taps;
            sc.ow = ow;
            sc.n = n;
            sc.base = base;
        }
        int aStep = inC * taps;
        for (int c = 0; c < inC; c++) {
            int a = c * taps;
            if (k == 3) tapSums3(outC, gy, gyOff, n, wt, a, aStep, pl, d, len);
            else tapSums4(outC, gy, gyOff, n, wt, a, aStep, pl, d, len);
            // the columns that only a wrapped read reaches: 0 for the taps that read u + 1 (j = 0),
            // ow − 1 for those that read u − 1 (j = k − 1)
            for (int r = 0; r < oh; r++)
                for (int i = 0; i < k; i++) {
                    pl[d + i * k * len + r * ow] = 0f;
                    pl[d + (i * k + k - 1) * len + r * ow + ow - 1] = 0f;
                }
            if (k == 3) shiftedSum(n, w, pl, d, len, gx, gxOff + c * n);
            else phases(oh, ow, pl, d, len, base + taps * len, gx, gxOff + c * h * w);
        }
    }

    /**
     * The 9 tap sums of one input channel: tiles of 2 vectors of pixels, the last one ending at pixel
     * n (it may redo pixels a tile before it did, with the same floats), or of one vector where n
     * is under 2 vectors.
     */
    private static void tapSums3(int outC, float[] gy, int g, int n, float[] wt, int a, int aStep, float[] pl, int d, int len) {
        int q = 0;
        for (; q + 2 * L <= n; q += 2 * L) tile2(outC, gy, g + q, n, wt, a, aStep, pl, d + q, len);
        if (q == n) return;
        if (n >= 2 * L) tile2(outC, gy, g + n - 2 * L, n, wt, a, aStep, pl, d + n - 2 * L, len);
        else {
            if (n - q > L) tile1(outC, gy, g + q, n, wt, a, aStep, pl, d + q, len);
            tile1(outC, gy, g + n - L, n, wt, a, aStep, pl, d + n - L, len);
        }
    }

    /**
     * The 16 tap sums of one input channel by sgemm's micro-kernel: A is wᵀ read where it lies (taps
     * t0 .. t0 + 7 of output channel o at a + o·aStep + t0), B gy where it lies (k step o at g + o·n);
     * 2 vectors of pixels a tile. The last pixels: a tile that ends at pixel n, or, where they fit
     * in one vector, {@link #tile1} twice (taps 0-8, then 7-15: taps 7 and 8 twice, the same floats),
     * which redoes fewer pixels (196 pixels of 14×14: 12 against 28). Measured (one JVM, the two tails
     * alternating ten rounds, 128 images, one thread): ahead in 7 of 10 rounds, by 0.2-4%.
     */
    private static void tapSums4(int outC, float[] gy, int g, int n, float[] wt, int a, int aStep, float[] pl, int d, int len) {
        int nr = SgemmMicroKernel.NR, q = 0;
        for (; q + nr <= n; q += nr) tile8x2(outC, gy, g + q, n, wt, a, aStep, pl, d + q, len);
        if (q == n) return;
        if (n - q > L) tile8x2(outC, gy, g + n - nr, n, wt, a, aStep, pl, d + n - nr, len);
        else {
            tile1(outC, gy, g + n - L, n, wt, a, aStep, pl, d + n - L, len);
            tile1(outC, gy, g + n - L, n, wt, a + 7, aStep, pl, d + 7 * len + n - L, len);
        }
    }

    /** Taps 0-7 and 8-15 of pixels q .. q + 2L by the micro-kernel (gy and the planes from q on). */
    private static void tile8x2(int outC, float[] gy, int g, int n, float[] wt, int a, int aStep, float[] pl, int d, int len) {
        for (int t0 = 0; t0 < 16; t0 += SgemmMicroKernel.MR)
            SgemmMicroKernel.multiply(outC, wt, a + t0, aStep, gy, g, n, SgemmMicroKernel.ZEROS, 0, pl, d + t0 * len, len, false);
    }

    /**
     * P_t[q .. q + 2L) for the 9 taps t of one input channel: gy's pixels from g (output channel o's
     * at g + o·n), the weights w[o][c][t] at a + o·aStep + t, plane t's pixel q at d + t·len.
     */
    private static void tile2(int outC, float[] gy, int g, int n, float[] wt, int a, int aStep, float[] pl, int d, int len) {
        FloatVector p00 = FloatVector.zero(S), p01 = p00, p10 = p00, p11 = p00, p20 = p00, p21 = p00;
        FloatVector p30 = p00, p31 = p00, p40 = p00, p41 = p00, p50 = p00, p51 = p00;
        FloatVector p60 = p00, p61 = p00, p70 = p00, p71 = p00, p80 = p00, p81 = p00;
        for (int o = 0; o < outC; o++, g += n, a += aStep) {
            FloatVector b0 = FloatVector.fromArray(S, gy, g), b1 = FloatVector.fromArray(S, gy, g + L);
            FloatVector x;
            x = FloatVector.broadcast(S, wt[a]);     p00 = x.fma(b0, p00); p01 = x.fma(b1, p01);
            x = FloatVector.broadcast(S, wt[a + 1]); p10 = x.fma(b0, p10); p11 = x.fma(b1, p11);
            x = FloatVector.broadcast(S, wt[a + 2]); p20 = x.fma(b0, p20); p21 = x.fma(b1, p21);
            x = FloatVector.broadcast(S, wt[a + 3]); p30 = x.fma(b0, p30); p31 = x.fma(b1, p31);
            x = FloatVector.broadcast(S, wt[a + 4]); p40 = x.fma(b0, p40); p41 = x.fma(b1, p41);
            x = FloatVector.broadcast(S, wt[a + 5]); p50 = x.fma(b0, p50); p51 = x.fma(b1, p51);
            x = FloatVector.broadcast(S, wt[a + 6]); p60 = x.fma(b0, p60); p61 = x.fma(b1, p61);
            x = FloatVector.broadcast(S, wt[a + 7]); p70 = x.fma(b0, p70); p71 = x.fma(b1, p71);
            x = FloatVector.broadcast(S, wt[a + 8]); p80 = x.fma(b0, p80); p81 = x.fma(b1, p81);
        }
        p00.intoArray(pl, d);           p01.intoArray(pl, d + L);
        p10.intoArray(pl, d + len);     p11.intoArray(pl, d + len + L);
        p20.intoArray(pl, d + 2 * len); p21.intoArray(pl, d + 2 * len + L);
        p30.intoArray(pl, d + 3 * len); p31.intoArray(pl, d + 3 * len + L);
        p40.intoArray(pl, d + 4 * len); p41.intoArray(pl, d + 4 * len + L);
        p50.intoArray(pl, d + 5 * len); p51.intoArray(pl, d + 5 * len + L);
        p60.intoArray(pl, d + 6 * len); p61.intoArray(pl, d + 6 * len + L);
        p70.intoArray(pl, d + 7 * len); p71.intoArray(pl, d + 7 * len + L);
        p80.intoArray(pl, d + 8 * len); p81.intoArray(pl, d + 8 * len + L);
    }

    /** {@link #tile2} for one vector of pixels. */
    private static void tile1(int outC, float[] gy, int g, int n, float[] wt, int a, int aStep, float[] pl, int d, int len) {
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, p4 = p0, p5 = p0, p6 = p0, p7 = p0, p8 = p0;
        for (int o = 0; o < outC; o++, g += n, a += aStep) {
            FloatVector b = FloatVector.fromArray(S, gy, g);
            p0 = FloatVector.broadcast(S, wt[a]).fma(b, p0);
            p1 = FloatVector.broadcast(S, wt[a + 1]).fma(b, p1);
            p2 = FloatVector.broadcast(S, wt[a + 2]).fma(b, p2);
            p3 = FloatVector.broadcast(S, wt[a + 3]).fma(b, p3);
            p4 = FloatVector.broadcast(S, wt[a + 4]).fma(b, p4);
            p5 = FloatVector.broadcast(S, wt[a + 5]).fma(b, p5);
            p6 = FloatVector.broadcast(S, wt[a + 6]).fma(b, p6);
            p7 = FloatVector.broadcast(S, wt[a + 7]).fma(b, p7);
            p8 = FloatVector.broadcast(S, wt[a + 8]).fma(b, p8);
        }
        p0.intoArray(pl, d);           p1.intoArray(pl, d + len);     p2.intoArray(pl, d + 2 * len);
        p3.intoArray(pl, d + 3 * len); p4.intoArray(pl, d + 4 * len); p5.intoArray(pl, d + 5 * len);
        p6.intoArray(pl, d + 6 * len); p7.intoArray(pl, d + 7 * len); p8.intoArray(pl, d + 8 * len);
    }

    /**
     * gx[g + p] += P_0 + P_1 + ... + P_8 at pixel p, tap t = 3i + j read at p + (1 − i)·w + (1 − j)
     * of its plane (at d + t·len); whole vectors, then the last pixels one at a time in the same order.
     */
    private static void shiftedSum(int n, int w, float[] pl, int d, int len, float[] gx, int g) {
        int p = 0;
        for (; p + L <= n; p += L) {
            int at = d + p + w + 1;
            FloatVector s = FloatVector.fromArray(S, pl, at);
            s = s.add(FloatVector.fromArray(S, pl, at + len - 1));
            s = s.add(FloatVector.fromArray(S, pl, at + 2 * len - 2));
            s = s.add(FloatVector.fromArray(S, pl, at + 3 * len - w));
            s = s.add(FloatVector.fromArray(S, pl, at + 4 * len - w - 1));
            s = s.add(FloatVector.fromArray(S, pl, at + 5 * len - w - 2));
            s = s.add(FloatVector.fromArray(S, pl, at + 6 * len - 2 * w));
            s = s.add(FloatVector.fromArray(S, pl, at + 7 * len - 2 * w - 1));
            s = s.add(FloatVector.fromArray(S, pl, at + 8 * len - 2 * w - 2));
            s.add(FloatVector.fromArray(S, gx, g + p)).intoArray(gx, g + p);
        }
        for (; p < n; p++) {
            int at = d + p + w + 1;
            float s = pl[at];
            for (int t = 1; t < 9; t++) s += pl[at + t * len - (t / 3) * w - t % 3];
            gx[g + p] = s + gx[g + p];
        }
    }

    /**
     * Lane e of {@code ZIP_LO.selectFrom(a, b)} is a[e / 2] for even e and b[e / 2] for odd; of
     * {@code ZIP_HI}'s, a[L/2 + e / 2] and b[L/2 + e / 2]: the two phases of a row, x = 2u and 2u + 1,
     * put back side by side.
     */
    private static final FloatVector ZIP_LO, ZIP_HI;
    static {
        float[] lo = new float[L], hi = new float[L];
        for (int e = 0; e < L; e++) {
            lo[e] = e / 2 + (e % 2) * L;
            hi[e] = L / 2 + e / 2 + (e % 2) * L;
        }
        ZIP_LO = FloatVector.fromArray(S, lo, 0);
        ZIP_HI = FloatVector.fromArray(S, hi, 0);
    }

    /**
     * gx += the stride-2 sums of one channel (gx rows of 2·ow at g). Row y = 2r + py, column
     * x = 2u + px takes the taps (i, j) with i ≡ py + 1 and j ≡ px + 1 (mod 2), reading P at row
     * r + (py + 1 − i) / 2 and column u + (px + 1 − j) / 2. For L values of u at a time: the even
     * columns' sum a and the odd columns' b, four loads each, added in t order, then zipped into the
     * row's 2L pixels from x = 2u. These go to the image's sums at {@code sums} first, row after row,
     * whole vectors: the lanes past a row's end land on the next row's first pixels, which that row
     * then writes over (a masked store in place cost more than the whole product's last tile). Then
     * gx += sums, whole vectors and a scalar tail.
     */
    private static void phases(int oh, int ow, float[] pl, int d, int len, int sums, float[] gx, int g) {
        int w = 2 * ow;
        for (int y = 0; y < 2 * oh; y++) {
            int r = y / 2, py = y % 2, i1 = 1 - py, i2 = 3 - py;       // the two kernel rows, i1 < i2
            // where kernel rows i1 and i2 read, less u: their planes at j = 0, the row r + dr
            int r1 = d + i1 * 4 * len + (r + (py + 1 - i1) / 2) * ow, r2 = d + i2 * 4 * len + (r + (py + 1 - i2) / 2) * ow;
            int row = sums + y * w;
            for (int u = 0; u < ow; u += L) {
                // even x: j = 1 (du 0), 3 (du −1); odd x: j = 0 (du +1), 2 (du 0)
                FloatVector a = FloatVector.fromArray(S, pl, r1 + len + u)
                        .add(FloatVector.fromArray(S, pl, r1 + 3 * len + u - 1))
                        .add(FloatVector.fromArray(S, pl, r2 + len + u))
                        .add(FloatVector.fromArray(S, pl, r2 + 3 * len + u - 1));
                FloatVector b = FloatVector.fromArray(S, pl, r1 + u + 1)
                        .add(FloatVector.fromArray(S, pl, r1 + 2 * len + u))
                        .add(FloatVector.fromArray(S, pl, r2 + u + 1))
                        .add(FloatVector.fromArray(S, pl, r2 + 2 * len + u));
                ZIP_LO.selectFrom(a, b).intoArray(pl, row + 2 * u);
                ZIP_HI.selectFrom(a, b).intoArray(pl, row + 2 * u + L);
            }
        }
        int n = 2 * oh * w, p = 0;
        for (; p + L <= n; p += L)
            FloatVector.fromArray(S, pl, sums + p).add(FloatVector.fromArray(S, gx, g + p)).intoArray(gx, g + p);
        for (; p < n; p++) gx[g + p] = pl[sums + p] + gx[g + p];
    }
}
