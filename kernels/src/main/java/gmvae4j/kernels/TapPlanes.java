package gmvae4j.kernels;

/**
 * The input of a convolution rearranged so that every kernel tap reads one contiguous run over
 * the output pixels: "tap planes". A convolution is then a product of the weights with these
 * runs ({@link Kernels#tapGemm}), and its weight gradient a product of the output gradient with
 * them ({@link Kernels#tapGradient}), for a whole group of images at once.
 *
 * <p>A plane is an image-sized grid (rows × width, width = the output's) holding, at (ρ, u), the
 * source value one tap row and column would read there, shifted and subsampled once:
 * plane[ρ][u] = src[rowStart + ρ·step][colStart + u·step] (0 outside the source). Taps that differ
 * only in their kernel row share a plane: they read it ρ rows further down, so tap t at output
 * pixel p = r·width + u reads planes[off[t] + g·image + p] for image g of the group. The grid has
 * the few extra rows those row offsets need. For a 4×4 stride-2 layer the planes hold each input
 * value twice, where im2col's column matrix holds it four times.
 *
 * <p>Layout for a group of {@code group} images: [plane][image][rows × width], so that one tap's
 * runs for consecutive images follow each other, {@code image} floats apart; {@link #length()} adds
 * slack at the end for vector loads past the last image's pixels.
 *
 * <p>Two uses. {@link #forward}: the planes of a convolution's input (the forward pass and the
 * weight gradient). {@link #phases}: the planes of a convolution's output gradient for its
 * backward-input pass, computed as stride² interleaved "phases" (input pixels (s·r + a, s·u + b)
 * for each a, b), each a stride-1 convolution of the gradient with the taps that reach it; this
 * replaces col2im's scattered adds and needs no zero-filled column matrix.
 */
final class TapPlanes {
    /** Planes per image, their grid, and the images of a group. */
    final int planes, rows, width, group;
    /** The source image's height and width (the convolution's input, or its output gradient for {@link #phases}). */
    private final int h, w;
    /** Floats of one image's plane: rows × width. */
    final int image;
    /** Source row of plane row 0, per plane; the source column of plane column 0, per plane; the subsampling step. */
    private final int[] rowStart, colStart, channel;
    /** Per plane: an earlier plane of the same rows one source step to the left (filled first), or −1. */
    private final int[] leftOf;
    private final int step;
    /**
     * Planes per channel, in the same order for every channel: kW · stride for {@link #forward}, the
     * column shifts for {@link #phases}. Plane q of channel c is plane c · perChannel + q.
     */
    private int perChannel;
    /**
     * Kernel columns of a stride-2 layer whose planes are all made directly (none from its left
     * neighbour, {@link #NEXT_COLUMN_MIN_WIDTH}): {@link #fill} then makes the columns of one row
     * phase in one call ({@link Kernels#subsampledPlaneColumns}); 0 otherwise.
     */
    private int columns;
    private TapPlanes(int planes, int rows, int width, int group, int step, int h, int w) {
        this.planes = planes;
        this.h = h;
        this.w = w;
        this.rows = rows;
        this.width = width;
        this.group = group;
        this.step = step;
        this.image = rows * width;
        this.rowStart = new int[planes];
        this.colStart = new int[planes];
        this.channel = new int[planes];
        this.leftOf = new int[planes];
        java.util.Arrays.fill(leftOf, -1);
    }

    /** Floats a buffer for one group needs: the planes plus one image of slack. */
    int length() { return planes * group * image + image + 64; }

    /** Start of plane q's run for the group's first image. */
    int planeOffset(int q) { return q * group * image; }

    // ---------------------------------------------------------------- the forward pass

    /** Tap offsets of {@link #forward}: tap (c, i, j) at index (c·kH + i)·kW + j. */
    int[] forwardTaps;

    /**
     * Planes of a convolution's input: for every input channel c, kernel column j and row phase
     * a = (i − pad) mod stride, plane[ρ][ox] = x[c][stride·(ρ + diMin) + a][stride·ox + j − pad],
     * with diMin = ⌊−pad / stride⌋; tap (c, i, j) reads it ⌊(i − pad)/stride⌋ − diMin rows down.
     */
    static TapPlanes forward(ConvShape s, int group) {
        return cached("forward", s, group);
    }

    /**
     * The planes' layout depends on the layer and the group size, not on the batch or the data, so
     * each is made once and shared (read only) by every call and thread: making them per call (the
     * phases' tap tables, their weights' places) was 3-4% of a 4×4/2 backward-input pass.
     */
    private static final java.util.concurrent.ConcurrentHashMap<java.util.List<Object>, TapPlanes> CACHE =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static TapPlanes cached(String kind, ConvShape s, int group) {
        ConvShape layer = new ConvShape(1, s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.stride(), s.pad());
        if (CACHE.size() > 256) CACHE.clear();      // a program that keeps making new layer shapes
        return CACHE.computeIfAbsent(java.util.List.of(kind, layer, group),
                key -> kind.equals("forward") ? makeForward(layer, group) : makePhases(layer, group));
    }

    private static TapPlanes makeForward(ConvShape s, int group) {
        int st = s.stride(), diMin = Math.floorDiv(-s.pad(), st), diMax = Math.floorDiv(s.kH() - 1 - s.pad(), st);
        TapPlanes tp = new TapPlanes(s.inC() * s.kW() * st, s.outH() + diMax - diMin, s.outW(), group, st, s.inH(), s.inW());
        for (int c = 0; c < s.inC(); c++)
            for (int j = 0; j < s.kW(); j++)
                for (int a = 0; a < st; a++) {
                    int q = (c * s.kW() + j) * st + a;
                    tp.channel[q] = c;
                    tp.rowStart[q] = st * diMin + a;
                    tp.colStart[q] = j - s.pad();
                    if (st > 1 && j >= st && !allColumnsAtOnce(s)) tp.leftOf[q] = (c * s.kW() + j - st) * st + a;
                }
        int[] off = new int[s.inC() * s.kH() * s.kW()];
        for (int c = 0, t = 0; c < s.inC(); c++)
            for (int i = 0; i < s.kH(); i++)
                for (int j = 0; j < s.kW(); j++, t++) {
                    int q = (c * s.kW() + j) * st + Math.floorMod(i - s.pad(), st);
                    off[t] = tp.planeOffset(q) + (Math.floorDiv(i - s.pad(), st) - diMin) * tp.width;
                }
        tp.forwardTaps = off;
        tp.perChannel = s.kW() * st;
        if (allColumnsAtOnce(s)) tp.columns = s.kW();
        return tp;
    }

    // ---------------------------------------------------------------- the backward-input pass, by phases

    /** Per phase (a·stride + b): its taps' offsets. */
    int[][] phaseTaps;
    /**
     * Per phase: the phase's weight matrix [inC][its taps] as places in the weight array
     * [outC][inC][kH][kW]: entry c·taps + t is w's index of tap t's weight for input channel c.
     */
    int[][] phaseWeightPlaces;

    /**
     * Planes of a convolution's output gradient gy (outC × outH × outW), for the backward-input
     * pass by phases. Input pixel (s·r + a, s·u + b) receives w[o][c][i][j]·gy[o][r + dy][u + dx]
     * for every i ≡ a + pad (mod s), dy = (a + pad − i)/s, and j likewise: per phase a stride-1
     * convolution over gy. Planes (o, dx) serve every phase: plane[ρ][u] = gy[o][ρ + dyMin][u + dx],
     * on the grid ⌈inH/s⌉ × ⌈inW/s⌉ (the largest phase; smaller phases ignore its last row or column).
     */
    static TapPlanes phases(ConvShape s, int group) {
        return cached("phases", s, group);
    }

    private static TapPlanes makePhases(ConvShape s, int group) {
        int st = s.stride(), kH = s.kH(), kW = s.kW(), pad = s.pad();
        int dyMin = Integer.MAX_VALUE, dyMax = Integer.MIN_VALUE, dxMin = Integer.MAX_VALUE, dxMax = Integer.MIN_VALUE;
        for (int i = 0; i < kH; i++) {
            int dy = Math.floorDiv(Math.floorMod(i - pad, st) + pad - i, st);
            dyMin = Math.min(dyMin, dy);
            dyMax = Math.max(dyMax, dy);
        }
        for (int j = 0; j < kW; j++) {
            int dx = Math.floorDiv(Math.floorMod(j - pad, st) + pad - j, st);
            dxMin = Math.min(dxMin, dx);
            dxMax = Math.max(dxMax, dx);
        }
        int nDx = dxMax - dxMin + 1, gh = Math.ceilDiv(s.inH(), st), gw = Math.ceilDiv(s.inW(), st);
        TapPlanes tp = new TapPlanes(s.outC() * nDx, gh + dyMax - dyMin, gw, group, 1, s.outH(), s.outW());
        for (int o = 0; o < s.outC(); o++)
            for (int d = 0; d < nDx; d++) {
                int q = o * nDx + d;
                tp.channel[q] = o;
                tp.rowStart[q] = dyMin;
                tp.colStart[q] = dxMin + d;
            }
        tp.perChannel = nDx;
        tp.phaseTaps = new int[st * st][];
        tp.phaseWeightPlaces = new int[st * st][];
        for (int a = 0; a < st; a++)
            for (int b = 0; b < st; b++) {
                int ni = 0, nj = 0;
                for (int i = 0; i < kH; i++) if (Math.floorMod(a + pad - i, st) == 0) ni++;
                for (int j = 0; j < kW; j++) if (Math.floorMod(b + pad - j, st) == 0) nj++;
                int[] off = new int[s.outC() * ni * nj], wi = new int[off.length];
                int t = 0;
                for (int o = 0; o < s.outC(); o++)
                    for (int i = 0; i < kH; i++) {
                        if (Math.floorMod(a + pad - i, st) != 0) continue;
                        int dy = Math.floorDiv(a + pad - i, st);
                        for (int j = 0; j < kW; j++) {
                            if (Math.floorMod(b + pad - j, st) != 0) continue;
                            int dx = Math.floorDiv(b + pad - j, st);
                            off[t] = tp.planeOffset(o * nDx + dx - dxMin) + (dy - dyMin) * tp.width;
                            wi[t++] = (o * kH + i) * kW + j;
                        }
                    }
                tp.phaseTaps[a * st + b] = off;
                // wi[t]: tap t's (o, i, j) as o·kH·kW + i·kW + j
                int kk = kH * kW, inC = s.inC();
                int[] places = new int[inC * wi.length];
                for (int c = 0; c < inC; c++)
                    for (int u = 0; u < wi.length; u++) places[c * wi.length + u] = (wi[u] / kk * inC + c) * kk + wi[u] % kk;
                tp.phaseWeightPlaces[a * st + b] = places;
            }
        return tp;
    }

    // ---------------------------------------------------------------- filling

    /**
     * Fills image slot g of the group from one source image (channels × h × w at srcOff): every
     * plane of it, zeros where a plane reads outside the source.
     */
    void fill(Kernels k, float[] src, int srcOff, int g, float[] dst) {
        if (step > 1 || width == w) {
            // each (kernel column, row phase), or each column shift of the phases' planes, for every
            // channel at once (a stride-1 plane as wide as its image is the image shifted)
            int channels = planes / perChannel, dStride = planeOffset(perChannel);
            if (columns > 1) {
                // plane q = j·step + a: the kernel columns j of row phase a are planes step apart, their
                // source columns one apart, so each pair of source rows is read once for all of them
                for (int a = 0; a < step; a++)
                    k.subsampledPlaneColumns(columns, planeOffset(step), channels, src, srcOff, h * w, h, w, rowStart[a], colStart[a],
                            step, rows, width, dst, planeOffset(a) + g * image, dStride);
                return;
            }
            for (int q = 0; q < perChannel; q++) {
                int d = planeOffset(q) + g * image;
                if (leftOf[q] < 0) {
                    k.subsampledPlanes(channels, src, srcOff, h * w, h, w, rowStart[q], colStart[q], step, rows, width, dst, d, dStride);
                    continue;
                }
                for (int c = 0, from = planeOffset(leftOf[q]) + g * image; c < channels; c++)
                    nextColumn(src, srcOff + c * h * w, rowStart[q], colStart[q], dst, from + c * dStride, d + c * dStride);
            }
            return;
        }
        for (int q = 0; q < planes; q++) {
            int so = srcOff + channel[q] * h * w, d = planeOffset(q) + g * image;
            plane(src, so, rowStart[q], colStart[q], dst, d);
        }
    }

    /**
     * Subsampled planes at least this wide are made from their left neighbour ({@link #nextColumn}),
     * except those {@link #allColumnsAtOnce} takes;
     * narrower ones directly ({@link Kernels#subsampledPlanes}), which the vector backend does
     * two plane rows per vector, and a 4×4 kernel's four columns of a row phase in one pass
     * ({@link Kernels#subsampledPlaneColumns}: 32→64 channels on 14×14, the planes of 128 images
     * 551-558 → 315-437 µs, one thread). Measured (4×4 stride 2, 32→64 channels on 14×14: 7-wide planes,
     * one thread, one JVM alternating): forward 129.4 → 135.3 GFLOP/s, weight gradient 124.0 → 133.0.
     */
    static final int NEXT_COLUMN_MIN_WIDTH = 9;

    /**
     * True when {@link #fill} makes all kernel columns of a row phase in one call
     * ({@link Kernels#subsampledPlaneColumns}) rather than plane by plane: a stride-2 layer with
     * planes narrower than {@link #NEXT_COLUMN_MIN_WIDTH}, and a 4×4 stride-2 layer with planes up
     * to {@link #ONE_PASS_MAX_WIDTH} wide, whose source rows (2 · 15 + 2 floats from the first
     * column) are two vectors on AVX-512: the vector backend loads each source row once for all
     * four columns ({@code Subsample.fourColumns}), where the plane-by-plane route made two
     * columns by a permute per row each and the other two from their left neighbours. Measured
     * (1→32 4×4/2 on 28×28: 14-wide planes, 128 images, one JVM alternating, medians of seven
     * rounds, GFLOP/s), plane by plane → one pass: forward 118.9 → 129.5 (one thread), 192.3 → 207.7
     * (two); weight gradient 93.5 → 100.7, 182.2 → 191.1. (On a CPU with 8-float vectors the vector
     * backend cannot take 14-wide planes in one pass and makes them column by column, without
     * the neighbour copies.)
     */
    private static boolean allColumnsAtOnce(ConvShape s) {
        return s.stride() > 1
                && (s.outW() < NEXT_COLUMN_MIN_WIDTH || s.stride() == 2 && s.kW() == 4 && s.outW() <= ONE_PASS_MAX_WIDTH);
    }

    /** See {@link #allColumnsAtOnce}. */
    static final int ONE_PASS_MAX_WIDTH = 15;

    /**
     * A subsampled plane one source step to the right of plane {@code from} (kernel column j + stride
     * next to j): the same values one column to the left, so all but each row's last column come
     * over in one copy instead of a subsampled copy per row (half the subsampled planes of a 4×4 stride-2 layer).
     */
    private void nextColumn(float[] src, int so, int r0, int c0, float[] dst, int from, int d) {
        System.arraycopy(dst, from + 1, dst, d, image - 1);
        int u = width - 1, ix = c0 + u * step;
        for (int r = 0; r < rows; r++) {
            int iy = r0 + r * step;
            dst[d + r * width + u] = iy >= 0 && iy < h && ix >= 0 && ix < w ? src[so + iy * w + ix] : 0f;
        }
    }

    /**
     * A stride-1 plane of another width than its image's ("valid" layers): dst[d + ρ·width + u] =
     * src[so + (r0 + ρ)·w + c0 + u], 0 outside h × w (the others: {@link Kernels#subsampledPlanes}).
     */
    private void plane(float[] src, int so, int r0, int c0, float[] dst, int d) {
        int lo = Math.max(0, -c0), hi = Math.min(width, w - c0);
        for (int r = 0; r < rows; r++, d += width) {
            int iy = r0 + r;
            if (iy < 0 || iy >= h || lo >= hi) {
                java.util.Arrays.fill(dst, d, d + width, 0f);
                continue;
            }
            int s = so + iy * w + c0;
            for (int u = 0; u < lo; u++) dst[d + u] = 0f;
            System.arraycopy(src, s + lo, dst, d + lo, hi - lo);
            for (int u = hi; u < width; u++) dst[d + u] = 0f;
        }
    }
}
