package gmvae4j.kernels;

import java.util.Arrays;

/**
 * 2-D convolution and transposed convolution over a batch, NCHW, by im2col + sgemm.
 *
 * <p>Layouts (all arrays packed, no offsets, row-major):
 * <ul>
 * <li>input x: [batch][inC][inH][inW]; output y: [batch][outC][outH][outW]
 *     ({@link ConvShape#outH()}).</li>
 * <li>convolution weight: [outC][inC][kH][kW]; transposed-convolution weight:
 *     [inC][outC][kH][kW] (PyTorch's layouts); bias: [outC], or null for none.</li>
 * </ul>
 *
 * <p>API, for an autodiff op:
 * <pre>
 * forward(k, s, x, w, bias, y)              y  = conv(x, w) + bias        (overwrites y)
 * backwardInput(k, s, gy, w, gx)            gx += dL/dx                   (accumulates)
 * backwardWeight(k, s, x, gy, gw, gb)       gw += dL/dw, gb += dL/db      (accumulate; gb may be null)
 * transposedForward(k, s, x, w, bias, y)    y  = convT(x, w) + bias       (overwrites y)
 * transposedBackwardInput(k, s, gy, w, gx)  gx += dL/dx                   (accumulates)
 * transposedBackwardWeight(k, s, x, gy, gw, gb)
 * </pre>
 * For the transposed methods, {@code s} describes the transposed layer itself: its input is
 * batch×inC×inH×inW and its output batch×outC×{@link ConvShape#transposedOutH()}×... A
 * transposed convolution is the backward-input pass of the ordinary convolution
 * {@link ConvShape#transposedAsConv()} with the same weight array, and that is how it is
 * computed.
 *
 * <p>How: by groups of images, each group's input laid out as tap planes ({@link TapPlanes}: every
 * kernel tap reads one contiguous run over the output pixels), then one product per group:
 * forward y = W·planes(x) ({@link Kernels#tapGemm}, the columns of all the group's images side
 * by side, packed straight from the planes), backward-weight gw += gy·planes(x)ᵀ
 * ({@link Kernels#tapGradient}), backward-input by stride² phases, each a product of its taps'
 * weights with the planes of gy ({@link #byPhases}; no col2im, no zeroed column matrix). Groups
 * are spread over the backend's threads in contiguous runs ({@link #inRuns}); the products inside
 * run on one thread. With a batch of 32 or more on AVX-512, the backward-input pass (input channels
 * in whole tiles of 8) and the forward pass of a strided layer, or of a stride-1 layer whose small
 * output fills the planes' panels badly ({@link BatchLanes#planesStraddle}), go another way: 32 images in the
 * lanes of two vectors, one register tile per output pixel and 8 channels ({@link BatchLanes}),
 * so no panel straddles two small images and a border pixel skips its padding's taps. The weight
 * gradient of a layer with input channels in whole blocks of 32 puts those channels in the lanes
 * instead ({@link ChannelLanes}): one 8×32 tile per tap, 8 output channels broadcast from a
 * packed gy against the 32 channels of the pixel the tap reads, from a channels-last copy of x
 * split by stride phase, each output row of the tap one run over its pixels and a group's
 * images. Backward-weight sums images in fixed groups of {@link #IMAGES_PER_GROUP} and adds the group
 * sums in order, so every result is the same for any thread count. Scratch buffers are per
 * thread and reused across calls.
 *
 * <p>Measured (one thread, CPU time, loaded 2-core machine, as a fraction of our sgemm's GFLOP/s at
 * the same FLOP count, batch 128), im2col + sgemm per image → tap planes: 4×4 stride 2, 32→64
 * channels on 14×14, forward 0.46 → 0.83, backward-input 0.55 → 0.74, backward-weight 0.53 → 0.67;
 * 4×4 stride 2, 1→32 on 28×28, forward 0.32 → 0.56; 3×3 "same", 32→64 on 14×14, forward
 * 0.84 → 1.02, backward-input 0.66 → 0.88.
 *
 * <p>The per-image im2col + sgemm route (im2col unfolds an image into col [inC·kH·kW ×
 * outH·outW]; forward y_b = W·col, backward-input col2im(Wᵀ·gy_b), backward-weight gy_b·colᵀ)
 * remains where it was measured as fast or faster: 1×1 layers (col is the image), the
 * backward-input pass of layers with fewer than {@link #PHASED_MIN_CHANNELS} input channels and
 * a kernel {@link #tapSums} does not take, the weight gradient with fewer than
 * {@link #TAP_GRADIENT_MIN_TAPS} taps, and the shortcuts for few taps and channels: the forward
 * pass of a "same" layer directly ({@link #direct}), the weight gradient of a 3×3 "same" layer
 * with few channels directly ({@link #directWeight}) and of a 4×4 stride-2 one with each pixel's
 * patch in the lanes ({@link #patchWeight}), or else as row dot products
 * ({@link #ROW_DOTS_MAX_TAPS}), the backward-input pass of a one-channel 3×3 or 4×4/2 layer
 * as tap sums ({@link #tapSums}).
 */
public final class Conv2d {
    private Conv2d() {}

    /** Images summed into one partial weight gradient before the partials are added in order. */
    static final int IMAGES_PER_GROUP = 8;

    /**
     * Per-thread scratch arrays, reused across calls, one per slot so that no two uses alias: the
     * per-image column matrix ({@link #COLUMNS}), a group's tap planes ({@link #PLANES}), the phase
     * outputs ({@link #PHASE_OUT}), the weight gradient's per-group sums ({@link #PARTIALS}), the bias
     * gradient's per-image sums ({@link #ROW_SUMS}), {@link BatchLanes}' lanes and packed weights
     * ({@link #LANES}), and from {@link #PHASE_WEIGHTS} on one weight
     * matrix per phase.
     */
    private static final ThreadLocal<java.util.List<float[]>> SCRATCH = ThreadLocal.withInitial(java.util.ArrayList::new);
    private static final int COLUMNS = 0, PLANES = 1, PHASE_OUT = 2, PARTIALS = 3, ROW_SUMS = 4, LANES = 5, PHASE_WEIGHTS = 6;

    /** The calling thread's scratch array of the slot, at least n floats; contents undefined. */
    private static float[] scratch(int slot, int n) {
        java.util.List<float[]> l = SCRATCH.get();
        while (l.size() <= slot) l.add(new float[0]);
        if (l.get(slot).length < n) l.set(slot, new float[n]);
        return l.get(slot);
    }

    // ---------------------------------------------------------------- convolution

    /** y = conv(x, w) + bias; y is overwritten. */
    public static void forward(Kernels k, ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        check(s, x, w, y, s.inC() * s.inH() * s.inW(), s.outC() * s.inC() * s.kH() * s.kW(), s.outC() * s.outH() * s.outW());
        conv(k, s, x, w, bias, y, 0f);
    }

    /** gx += dL/dx given gy = dL/dy. */
    public static void backwardInput(Kernels k, ConvShape s, float[] gy, float[] w, float[] gx) {
        check(s, gx, w, gy, s.inC() * s.inH() * s.inW(), s.outC() * s.inC() * s.kH() * s.kW(), s.outC() * s.outH() * s.outW());
        convBackwardInput(k, s, gy, w, gx);
    }

    /** gw += dL/dw and, when gb != null, gb += dL/db, given gy = dL/dy. */
    public static void backwardWeight(Kernels k, ConvShape s, float[] x, float[] gy, float[] gw, float[] gb) {
        check(s, x, gw, gy, s.inC() * s.inH() * s.inW(), s.outC() * s.inC() * s.kH() * s.kW(), s.outC() * s.outH() * s.outW());
        convBackwardWeight(k, s, x, gy, gw);
        if (gb != null) biasGrad(k, s.batch(), s.outC(), s.outH() * s.outW(), gy, gb);
    }

    // ---------------------------------------------------------------- transposed convolution

    /** y = convT(x, w) + bias; y is overwritten. */
    public static void transposedForward(Kernels k, ConvShape s, float[] x, float[] w, float[] bias, float[] y) {
        ConvShape c = s.transposedAsConv();
        check(c, y, w, x, c.inC() * c.inH() * c.inW(), c.outC() * c.inC() * c.kH() * c.kW(), c.outC() * c.outH() * c.outW());
        if (phased(c)) {
            if (BatchLanes.applies(k, c)) BatchLanes.backwardInput(k, c, x, w, bias, y, true, scratch(LANES, BatchLanes.scratchLength(k, c)));
            else byPhases(k, c, x, w, bias, y, true);
            return;
        }
        Arrays.fill(y, 0, c.batch() * c.inC() * c.inH() * c.inW(), 0f);
        convBackwardInput(k, c, x, w, y);
        if (bias != null) addBias(s.batch(), s.outC(), c.inH() * c.inW(), bias, y, 0);
    }

    /** gx += dL/dx given gy = dL/dy (gy: batch×outC×transposedOutH×transposedOutW). */
    public static void transposedBackwardInput(Kernels k, ConvShape s, float[] gy, float[] w, float[] gx) {
        ConvShape c = s.transposedAsConv();
        check(c, gy, w, gx, c.inC() * c.inH() * c.inW(), c.outC() * c.inC() * c.kH() * c.kW(), c.outC() * c.outH() * c.outW());
        conv(k, c, gy, w, null, gx, 1f);
    }

    /** gw += dL/dw and, when gb != null, gb += dL/db. */
    public static void transposedBackwardWeight(Kernels k, ConvShape s, float[] x, float[] gy, float[] gw, float[] gb) {
        ConvShape c = s.transposedAsConv();
        check(c, gy, gw, x, c.inC() * c.inH() * c.inW(), c.outC() * c.inC() * c.kH() * c.kW(), c.outC() * c.outH() * c.outW());
        convBackwardWeight(k, c, gy, x, gw);
        if (gb != null) biasGrad(k, s.batch(), s.outC(), c.inH() * c.inW(), gy, gb);
    }

    // ---------------------------------------------------------------- images over the threads

    /** Runs of images (or groups of them) a thread takes in a pass: see {@link #inRuns}. */
    static final int RUNS_PER_THREAD = 2;

    /**
     * body(i) for every i in [0, n), i an image or a group of images, spread over the threads in
     * contiguous runs, {@link #RUNS_PER_THREAD} a thread, so that each thread writes long stretches
     * of the output. Why: two cores writing alternating stretches of memory write slower than two
     * cores writing one stretch each (a store loop over 12.8 MB on two threads: 117-130 GB/s as two
     * halves, 96-98 as alternating 100 KB blocks, 75-80 as 4 KB blocks), and handed out one at a
     * time, the images' outputs alternated. Measured in one JVM, alternating, two threads, 128
     * images, one at a time → two runs a thread (four or eight: mostly between the two; one: level
     * with two): 1→32 3×3 forward 145.5 → 214.2 GFLOP/s, backward-input 146.8 → 157.9, weight
     * gradient 164.1 → 180.4; 1→32 4×4/2 forward 177.3 → 230.2, backward-input 173.3 → 219.9; the
     * 32→64 passes level or ahead by up to 5.5%. Which thread runs which image never changes a
     * result: each image's output is written by one task, and the weight gradient's group sums are
     * added in group order.
     */
    static void inRuns(Kernels k, int n, java.util.function.IntConsumer body) {
        k.parallelRange(n, RUNS_PER_THREAD * k.threads(), body);
    }

    // ---------------------------------------------------------------- the passes: direct, or im2col + gemm

    /** True when col would be the image itself: a 1×1, stride-1, unpadded convolution. */
    private static boolean pointwise(ConvShape s) {
        return s.kH() == 1 && s.kW() == 1 && s.stride() == 1 && s.pad() == 0;
    }

    /**
     * True when the forward pass runs directly ({@link Kernels#convSame}) rather than by im2col +
     * sgemm: a stride-1 "same" convolution (odd square kernel, pad (k−1)/2) with fewer than
     * {@link #DIRECT_MAX_TAPS} taps, e.g. a one-channel 3×3 layer (9 taps: 12.2-12.5 → 8.0 µs per
     * 28×28 image, 1→32 channels; see {@link ConvDirect}). Deeper layers keep the GEMM, which
     * reuses each loaded value over a deeper k.
     */
    static boolean direct(ConvShape s) {
        return s.stride() == 1 && s.kH() == s.kW() && s.kH() % 2 == 1 && s.pad() == s.kH() / 2
                && s.inC() * s.kH() * s.kW() < DIRECT_MAX_TAPS && !pointwise(s);
    }

    /** See {@link #direct}: measured at 9 taps; from 16 on the GEMM route is kept unmeasured. */
    static final int DIRECT_MAX_TAPS = 16;

    /**
     * y_b = W·col(x_b) + bias (forward: bias may be null, beta must be 0) or y_b = W·col(x_b) +
     * beta·y_b (bias null; the transposed convolution's backward-input pass) for every image.
     *
     * <p>The bias is where the product starts ({@link Kernels#sgemmRowBias}): each register tile
     * of y_b begins from its output channel's bias, so y_b is written once and no pass or k step
     * is spent on the bias (1→32 channels on 28×28, whose 12.8 MB output is written at a depth of
     * only 9: a separate sweep to add the bias cost 14%, a row of ones in col as a 10th k step 5%).
     */
    private static void conv(Kernels k, ConvShape s, float[] x, float[] w, float[] bias, float[] y, float beta) {
        int oh = s.outH(), ow = s.outW(), npix = oh * ow, ckk = s.inC() * s.kH() * s.kW();
        int xImg = s.inC() * s.inH() * s.inW(), yImg = s.outC() * npix;
        if (bias != null && beta != 0f) throw new IllegalArgumentException("a bias needs beta = 0, got " + beta);
        boolean pointwise = pointwise(s);
        if (beta == 0f && direct(s)) {
            inRuns(k, s.batch(), b -> k.convSame(s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), x, b * xImg, w, bias,
                    y, b * yImg));
            return;
        }
        if (!pointwise) {
            if (BatchLanes.appliesForward(k, s)) BatchLanes.forward(k, s, x, w, bias, y, beta == 0f, scratch(LANES, BatchLanes.scratchLength(k, s)));
            else byPlanes(k, s, x, w, bias, y, beta);
            return;
        }
        inRuns(k, s.batch(), b -> {
            float[] col = x;        // a 1×1 convolution reads its input where it lies
            int colOff = b * xImg;
            if (!pointwise) {
                col = scratch(COLUMNS, ckk * npix);
                colOff = 0;
                Im2col.im2col(x, b * xImg, s.inC(), s.inH(), s.inW(), s.kH(), s.kW(), s.stride(), s.pad(), oh, ow, col);
            }
            if (bias != null) k.sgemmRowBias(s.outC(), npix, ckk, w, 0, ckk, col, colOff, npix, bias, 0, y, b * yImg, npix);
            else k.sgemm(false, false, s.outC(), npix, ckk, 1f, w, 0, ckk, col, colOff, npix, beta, y, b * yImg, npix);
        });
    }

    /** gx_b += col2im(Wᵀ·gy_b) for every image. */
    private static void convBackwardInput(Kernels k, ConvShape s, float[] gy, float[] w, float[] gx) {
        int oh = s.outH(), ow = s.outW(), npix = oh * ow, ckk = s.inC() * s.kH() * s.kW();
        int xImg = s.inC() * s.inH() * s.inW(), yImg = s.outC() * npix;
        if (phased(s)) {
            if (BatchLanes.applies(k, s)) BatchLanes.backwardInput(k, s, gy, w, null, gx, false, scratch(LANES, BatchLanes.scratchLength(k, s)));
            else byPhases(k, s, gy, w, null, gx, false);
            return;
        }
        if (tapSums(s)) {
            inRuns(k, s.batch(), b -> k.convBackwardInputTaps(s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.stride(), s.pad(),
                    gy, b * yImg, w, gx, b * xImg));
            return;
        }
        inRuns(k, s.batch(), b -> {
            if (pointwise(s)) {
                k.sgemm(true, false, ckk, npix, s.outC(), 1f, w, 0, ckk, gy, b * yImg, npix, 1f, gx, b * xImg, npix);
                return;
            }
            float[] col = scratch(COLUMNS, ckk * npix);
            k.sgemm(true, false, ckk, npix, s.outC(), 1f, w, 0, ckk, gy, b * yImg, npix, 0f, col, 0, npix);
            Im2col.col2imAdd(col, s.inC(), s.inH(), s.inW(), s.kH(), s.kW(), s.stride(), s.pad(), oh, ow, gx, b * xImg);
        });
    }

    /**
     * The weight gradient is taken as dot products ({@link Kernels#rowDots}) below this many taps
     * (inC·kH·kW) and from {@link #ROW_DOTS_MIN_PIXELS} output pixels on: each entry then has a
     * long dot product to amortise its lane sum. Measured per image against sgemm (same process,
     * alternating, loaded 2-core machine): 1→32 channels 3×3 on 28×28 (9 taps, 784 pixels)
     * 22 → 7.4 µs, 2→32 (18 taps) 29 → 12, 3→32 (27 taps) 34 → 17; but 4×4 stride 2 (16 taps,
     * 196 pixels) 3.9 → 5.5, slower. (3×3 "same" layers with few channels now go
     * {@link #directWeight}, faster again.)
     */
    static final int ROW_DOTS_MAX_TAPS = 32, ROW_DOTS_MIN_PIXELS = 512;

    /**
     * gw += Σ_b gy_b·col(x_b)ᵀ, summed per fixed group of images, groups added in order.
     *
     * <p>A 3×3 "same" layer with few input channels goes {@link #directWeight}, a 4×4 stride-2 one
     * {@link #patchWeight}. Otherwise, with few
     * taps and many pixels (e.g. 9 taps of an unpadded 1-channel 3×3 layer over 676 pixels; see
     * {@link #ROW_DOTS_MAX_TAPS}) each gradient entry is one long dot product (outC × taps of them,
     * over every output pixel), and {@link Kernels#rowDots} takes them straight from gy and col
     * into the group's sum, with no packing. Otherwise sgemm; with taps below a register tile's width it computes
     * the product transposed, col·gyᵀ = gwᵀ, so that the wide side (outC) fills the micro-kernel's
     * vectors, and the group sums are added back transposed.
     */
    private static void convBackwardWeight(Kernels k, ConvShape s, float[] x, float[] gy, float[] gw) {
        int oh = s.outH(), ow = s.outW(), npix = oh * ow, ckk = s.inC() * s.kH() * s.kW(), outC = s.outC();
        int xImg = s.inC() * s.inH() * s.inW(), yImg = outC * npix, wLen = outC * ckk;
        int groups = (s.batch() + IMAGES_PER_GROUP - 1) / IMAGES_PER_GROUP;
        boolean dots = ckk < ROW_DOTS_MAX_TAPS && npix >= ROW_DOTS_MIN_PIXELS;
        if (ChannelLanes.applies(k, s)) {
            ChannelLanes.backwardWeight(k, s, x, gy, gw, scratch(PARTIALS, ChannelLanes.partialLength(s)));
            return;
        }
        boolean patches = patchWeight(s), direct = directWeight(s) || patches;
        if (!direct && !dots && !pointwise(s) && ckk >= TAP_GRADIENT_MIN_TAPS) {
            gradientByPlanes(k, s, x, gy, gw);
            return;
        }
        boolean swap = !direct && !dots && tileUse(ckk, outC) > 1.25 * tileUse(outC, ckk);
        // the caller's scratch, each group's slice written (direct) or zeroed by the task that sums
        // into it (as in gradientByPlanes; a fresh array was 18 KB of garbage a call for a 1→32 3×3 layer)
        float[] partial = scratch(PARTIALS, groups * wLen);
        inRuns(k, groups, g -> {
            if (direct) {
                int b = g * IMAGES_PER_GROUP, n = Math.min(IMAGES_PER_GROUP, s.batch() - b);
                if (patches) k.convWeightPatches(s.inC(), s.inH(), s.inW(), outC, x, b * xImg, gy, b * yImg, n, partial, g * wLen);
                else k.convWeightDirect(s.inC(), s.inH(), s.inW(), outC, x, b * xImg, gy, b * yImg, n, partial, g * wLen);
                return;
            }
            Arrays.fill(partial, g * wLen, (g + 1) * wLen, 0f);
            for (int b = g * IMAGES_PER_GROUP, e = Math.min(s.batch(), b + IMAGES_PER_GROUP); b < e; b++) {
                float[] col = x;
                int colOff = b * xImg;
                if (!pointwise(s)) {
                    col = scratch(COLUMNS, ckk * npix);
                    colOff = 0;
                    Im2col.im2col(x, b * xImg, s.inC(), s.inH(), s.inW(), s.kH(), s.kW(), s.stride(), s.pad(), oh, ow, col);
                }
                float beta = b == g * IMAGES_PER_GROUP ? 0f : 1f;
                if (dots) k.rowDots(outC, ckk, npix, gy, b * yImg, npix, col, colOff, npix, partial, g * wLen, ckk);
                else if (swap) k.sgemm(false, true, ckk, outC, npix, 1f, col, colOff, npix, gy, b * yImg, npix, beta, partial, g * wLen, outC);
                else k.sgemm(false, true, outC, ckk, npix, 1f, gy, b * yImg, npix, col, colOff, npix, beta, partial, g * wLen, ckk);
            }
        });
        for (int g = 0; g < groups; g++) {
            if (!swap) {
                k.add(wLen, gw, 0, partial, g * wLen, gw, 0);
                continue;
            }
            for (int j = 0; j < ckk; j++)
                for (int o = 0; o < outC; o++) gw[o * ckk + j] += partial[g * wLen + j * outC + o];
        }
    }

    // ---------------------------------------------------------------- the passes over tap planes

    /**
     * True when the backward-input pass runs by phases ({@link #byPhases}): not for a 1×1 layer, and
     * not with fewer input channels than a register tile has rows (8), since each phase's product
     * has inC rows: a one-channel layer would fill one row of eight (such a layer, and the
     * transposed convolution back to a one-channel image, go by {@link #tapSums} or by
     * im2col + sgemm + col2im, whose product is taps × pixels).
     */
    static boolean phased(ConvShape s) {
        return !pointwise(s) && s.inC() >= PHASED_MIN_CHANNELS;
    }

    static final int PHASED_MIN_CHANNELS = 8;

    /**
     * True when the backward-input pass of a layer with fewer input channels than {@link #phased}
     * needs runs as tap sums and shifted adds ({@link Kernels#convBackwardInputTaps},
     * {@link ConvTapSums}): 3×3 stride 1 and 4×4 stride 2 (on even sides), padding 1. Measured
     * (128 images of 28×28, 32 → 1 channel, GFLOP/s against our sgemm's at the same FLOPs, one /
     * two threads), im2col + sgemm + col2im → a direct kernel (one thread): 4×4/2 0.32 →
     * 0.63, 3×3 0.27 → 0.50; direct → tap sums (2026-12-06, late evening, `bench kernels --shape
     * '1x28x28->32' --samples 30`, three pairs): 4×4/2 0.60-0.62 / 0.69-0.76 → 0.61-0.67 / 0.73-0.88,
     * 3×3 0.49-0.53 / 0.68-0.71 → 0.65-0.80 / 0.78-1.01.
     */
    static boolean tapSums(ConvShape s) {
        return !phased(s) && s.kH() == s.kW() && ConvTapSums.handles(s.kH(), s.stride(), s.pad(), s.inH(), s.inW());
    }

    /**
     * True when the weight gradient runs directly ({@link Kernels#convWeightDirect},
     * {@link ConvDirectWeight}): a 3×3, stride-1, padding-1 layer with fewer input channels than
     * {@link #phased} needs. Measured (`bench kernels --kernel conv2d --shape '1x28x28->32' --samples
     * 30`, one JVM each, GFLOP/s one / two threads): row dots 61 / 122, direct 102 / 197 (0.35 / 0.52 →
     * 0.56 / 0.59 of our sgemm). The same kernel for the 4×4 stride-2 layer (its phases in planes,
     * four taps a tile) ran at 58-72 against the tap planes' 78-85 on one thread with gy copied into
     * planes padded to whole vectors, and at 55-66 against 78-81 with gy read in place and the
     * last, partial vector's loads masked; neither was kept.
     */
    static boolean directWeight(ConvShape s) {
        return !phased(s) && s.kH() == 3 && s.kW() == 3 && s.stride() == 1 && s.pad() == 1;
    }

    /**
     * True when the weight gradient runs with each pixel's 4×4 input patch in the lanes
     * ({@link Kernels#convWeightPatches}, {@link PatchLanes}): a 4×4, stride-2, padding-1 layer on
     * even sides with fewer input channels than {@link #phased} needs, where it went over tap planes
     * (1 → 32 channels on 28×28, tap planes → patches: 0.49 → 0.51-0.63 of our sgemm on one
     * thread, 0.56-0.60 → 0.75-0.83 on two; {@link PatchLanes} has the command).
     */
    static boolean patchWeight(ConvShape s) {
        return !phased(s) && s.kH() == s.kW() && PatchLanes.layer(s.kH(), s.stride(), s.pad(), s.inH(), s.inW());
    }

    /**
     * The weight gradient goes over tap planes ({@link #gradientByPlanes}) from this many taps
     * (inC·kH·kW) on; below, the per-image route with its row dots or transposed sgemm. Measured
     * (one thread, best of a few hundred calls in a loop, the second core busy), per-image route →
     * planes: 3×3 "same" 32→64 on 14×14 (288 taps) 76 → 81 GFLOP/s, 4×4 stride 2 1→32 on 28×28
     * (16 taps) 28.8 → 31.0; but 3×3 1→32 on 28×28 (9 taps, row dots) 55 → 16.
     */
    static final int TAP_GRADIENT_MIN_TAPS = 16;

    /** Images per group of a product over tap planes: at least 512 output columns, so that edge tiles are rare. */
    private static int planeGroup(int npix) {
        return Math.max(1, Math.min(16, Math.ceilDiv(512, npix)));
    }


    /**
     * y = W·planes(x) + bias (beta 0) or y += W·planes(x) (beta 1, bias null), by groups of images
     * spread over the threads: each group's input is laid out as tap planes ({@link TapPlanes#forward})
     * and multiplied as one product ({@link Kernels#tapGemm}).
     */
    private static void byPlanes(Kernels k, ConvShape s, float[] x, float[] w, float[] bias, float[] y, float beta) {
        int npix = s.outH() * s.outW(), ckk = s.inC() * s.kH() * s.kW(), group = planeGroup(npix);
        int xImg = s.inC() * s.inH() * s.inW(), yImg = s.outC() * npix;
        TapPlanes tp = TapPlanes.forward(s, group);
        inRuns(k, Math.ceilDiv(s.batch(), group), gi -> {
            int b0 = gi * group, n = Math.min(group, s.batch() - b0);
            float[] planes = scratch(PLANES, tp.length());
            for (int g = 0; g < n; g++) tp.fill(k, x, (b0 + g) * xImg, g, planes);
            k.tapGemm(s.outC(), ckk, n, npix, w, bias, planes, tp.image, tp.forwardTaps, beta, y, b0 * yImg, yImg, npix);
        });
    }

    /**
     * The backward-input pass by phases ({@link TapPlanes#phases}): gx += dL/dx, or, for a
     * transposed convolution's forward pass (overwrite), gx = dL/dx + bias. Each of the stride²
     * phases (input pixels (s·r + a, s·u + b)) is one product of its own taps' weights with the
     * planes of gy, written to a scratch grid and then to its pixels of gx; every pixel of gx
     * belongs to exactly one phase, so nothing is added twice and gx needs no zeroing first. With
     * stride 1 there is one phase and its grid is gx's own, so the backward-input pass adds the
     * product straight into gx. Otherwise all stride² phases are computed first, then put back plane
     * by plane ({@link Kernels#phasePlanes}).
     */
    private static void byPhases(Kernels k, ConvShape s, float[] gy, float[] w, float[] bias, float[] gx, boolean overwrite) {
        int st = s.stride(), gh = Math.ceilDiv(s.inH(), st), gwid = Math.ceilDiv(s.inW(), st), gpix = gh * gwid;
        int group = planeGroup(gpix), inC = s.inC();
        int xImg = inC * s.inH() * s.inW(), yImg = s.outC() * s.outH() * s.outW();
        TapPlanes tp = TapPlanes.phases(s, group);
        // each phase's weights as a matrix [inC][its taps], in the order of its tap offsets
        float[][] a = new float[st * st][];
        for (int ph = 0; ph < st * st; ph++) {
            int[] places = tp.phaseWeightPlaces[ph];
            a[ph] = scratch(PHASE_WEIGHTS + ph, places.length);   // the caller's: written before the group tasks start, only read by them
            for (int i = 0; i < places.length; i++) a[ph][i] = w[places[i]];
        }
        int inH = s.inH(), inW = s.inW();
        inRuns(k, Math.ceilDiv(s.batch(), group), gi -> {
            int b0 = gi * group, n = Math.min(group, s.batch() - b0), len = n * inC * gpix;
            float[] planes = scratch(PLANES, tp.length());
            for (int g = 0; g < n; g++) tp.fill(k, gy, (b0 + g) * yImg, g, planes);
            if (st == 1 && !overwrite) {
                // one phase, whose grid is gx's own (inC planes of inH × inW per image): the product adds
                // straight into gx, with no scratch grid to write back (that copy was 7% of a 3×3 32→64
                // layer's backward-input pass); the same floats, gx + Σ
                int taps = tp.phaseTaps[0].length;
                if (taps > 0) k.tapGemm(inC, taps, n, gpix, a[0], null, planes, tp.image, tp.phaseTaps[0], 1f, gx, b0 * xImg, xImg, gpix);
                return;
            }
            // every phase into the scratch, then each image's planes of gx written once, row after row in
            // order (Kernels#phasePlanes; stride 2: each row one vector). A scalar loop that put back the
            // column phases of one row phase at a time, value by value, was about 15% of a 4×4/2 32→64
            // backward-input pass (without it, results wrong, the pass ran 18% faster). Measured (one
            // JVM alternating, 128 images, GFLOP/s, best call of a 0.6 s round, medians of six rounds):
            // one thread 118.8 → 127.1, two threads 167.8 → 184.4; the same floats. The scratch has room
            // past its end for a vector load from each of the last image's rows, so that its planes take
            // the vector route too.
            float[] out = scratch(PHASE_OUT, st * st * len + 64);
            for (int ph = 0; ph < st * st; ph++) {
                if (ph / st >= inH || ph % st >= inW) continue;       // a phase with no pixels
                int taps = tp.phaseTaps[ph].length;
                if (taps == 0) Arrays.fill(out, ph * len, (ph + 1) * len, 0f);
                else k.tapGemm(inC, taps, n, gpix, a[ph], null, planes, tp.image, tp.phaseTaps[ph], 0f, out, ph * len, inC * gpix, gpix);
            }
            for (int g = 0; g < n; g++)
                k.phasePlanes(st, inC, inH, inW, out, g * inC * gpix, len, gpix, gwid, bias, 0, overwrite, gx, (b0 + g) * xImg, inH * inW);
        });
    }

    /**
     * gw += Σ_b gy_b·planes(x_b)ᵀ ({@link Kernels#tapGradient}), summed per fixed group of
     * {@link #IMAGES_PER_GROUP} images, the group sums added in order: the same result for any
     * thread count.
     */
    private static void gradientByPlanes(Kernels k, ConvShape s, float[] x, float[] gy, float[] gw) {
        int npix = s.outH() * s.outW(), ckk = s.inC() * s.kH() * s.kW(), outC = s.outC(), wLen = outC * ckk;
        int xImg = s.inC() * s.inH() * s.inW(), yImg = outC * npix, groups = Math.ceilDiv(s.batch(), IMAGES_PER_GROUP);
        TapPlanes tp = TapPlanes.forward(s, IMAGES_PER_GROUP);
        // the caller's scratch (a fresh array was 2 MB of garbage per call for 32→64 channels), each
        // group's slice zeroed by the task that sums into it
        float[] partial = scratch(PARTIALS, groups * wLen);
        inRuns(k, groups, gi -> {
            int b0 = gi * IMAGES_PER_GROUP, n = Math.min(IMAGES_PER_GROUP, s.batch() - b0);
            Arrays.fill(partial, gi * wLen, (gi + 1) * wLen, 0f);
            float[] planes = scratch(PLANES, tp.length());
            for (int g = 0; g < n; g++) tp.fill(k, x, (b0 + g) * xImg, g, planes);
            k.tapGradient(outC, ckk, n, npix, gy, b0 * yImg, yImg, planes, tp.image, tp.forwardTaps, partial, gi * wLen, ckk);
        });
        for (int g = 0; g < groups; g++) k.add(wLen, gw, 0, partial, g * wLen, gw, 0);
    }

    /** Fraction of the register tiles' lanes an m×n product keeps busy (edge tiles are padded). */
    private static double tileUse(int m, int n) {
        // Sgemm's 8×32 micro-tile on AVX-512, written out rather than read from the Vector API
        // classes so that Conv2d still loads on a JVM without jdk.incubator.vector
        int mr = 8, nr = 32;
        return (double) m / ((m + mr - 1) / mr * mr) * n / ((n + nr - 1) / nr * nr);
    }

    private static void addBias(int batch, int channels, int npix, float[] bias, float[] y, int yOff) {
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < channels; c++) {
                int o = yOff + (b * channels + c) * npix;
                float v = bias[c];
                for (int i = 0; i < npix; i++) y[o + i] += v;
            }
    }

    /**
     * gb[c] += Σ_b Σ_p gy[b][c][p]: each image's sum per channel by {@link Kernels#rowSums} (a float
     * loop here was one add per value in a chain: 0.54 ms per call for 128 images of 32×14×14, as
     * long as the weight gradient of a one-channel layer it came with), then the images in order,
     * in double.
     */
    private static void biasGrad(Kernels k, int batch, int channels, int npix, float[] gy, float[] gb) {
        float[] sums = scratch(ROW_SUMS, batch * channels);     // the caller's; every value written by rowSums
        k.rowSums(batch * channels, npix, gy, 0, sums, 0);
        for (int c = 0; c < channels; c++) {
            double acc = 0;
            for (int b = 0; b < batch; b++) acc += sums[b * channels + c];
            gb[c] += (float) acc;
        }
    }

    private static void check(ConvShape s, float[] in, float[] w, float[] out, int inImg, int wLen, int outImg) {
        if (s.outH() < 1 || s.outW() < 1)
            throw new IllegalArgumentException("kernel larger than the padded input: " + s);
        need("input", in, (long) s.batch() * inImg, s);
        need("weight", w, wLen, s);
        need("output", out, (long) s.batch() * outImg, s);
    }

    private static void need(String what, float[] a, long n, ConvShape s) {
        if (a.length < n)
            throw new IllegalArgumentException(what + " has " + a.length + " floats, needs " + n + " for " + s);
    }
}
