package gmvae4j.kernels;

/**
 * Convolution passes with 32 images in the lanes of the vectors: the backward-input pass,
 * gx[n][c][u][v] (+)= Σ_{o, ky, kx} w[o][c][ky][kx] · gy[n][o][i][j] over the taps with
 * u + pad = stride·i + ky and v + pad = stride·j + kx (and with it a transposed convolution's
 * forward pass), and the forward pass of a strided layer, y[n][o][i][j] = bias[o] +
 * Σ_{c, ky, kx} w[o][c][ky][kx] · x[n][c][stride·i + ky − pad][stride·j + kx − pad].
 *
 * <p>Why: the other route ({@link Conv2d}'s tap planes) makes each product's columns the pixels
 * of a group of images, and a 7×7 output (49 pixels) fits the register tile's 32 columns badly:
 * most panels straddle two images and take a slower, gathered path. Here the 32 columns are 32
 * images at one pixel, always whole. Each output pixel is one tile per 8 output-side channels
 * ({@link Kernels#laneTile}), its k loop the taps that reach the pixel, each tap a run of steps
 * over contiguous memory: the weights packed once a call ([tile][tap][channel][8]) and the source
 * pixel's lane rows ([channel][32]). A border pixel has fewer taps, so padding costs nothing.
 *
 * <p>The price is two layout changes, by 16×16 register transposes: the source into lanes once a
 * call ({@link Kernels#toLanes}: [pixel][channel][32] a block, from a cache line on), and each run
 * of {@link #RUN} output pixels back to NCHW right after its tiles, while it is in cache
 * ({@link Kernels#fromLanes}). Where the blocks share out evenly over the threads, a task is one
 * block: its source goes into lanes the thread keeps for itself, and its runs follow at once. The
 * whole source in lanes (6.4 MB for 128 images of 64 channels on 14×14) had gone out to memory
 * before the tiles read it back; one block's (1.6 MB) is still in L2 and L3, and the next block
 * overwrites the same lines. Measured in one JVM, the two ways alternating eight rounds of 30 calls
 * (best GFLOP/s of a round, 128 images): the 3×3 32→64 layer's backward-input 149-155 → 160-168 on one
 * thread, 252-269 → 300-317 on two; the 4×4/2 32→64 forward 142-158 → 157-166 and 257-282 →
 * 301-364, its backward-input 151-178 → 158-171 and 262-279 → 279-306 (the same floats).
 *
 * <p>A lane pixel's rows are padded by 16 floats: at channels·32 floats (a power of two for 32 or
 * 64 channels) the 16 rows a transpose reads or writes would sit in one L1 set.
 *
 * <p>Measured (`./gmvae bench kernels --json`, four runs, fraction of our sgemm's GFLOP/s at the
 * same FLOPs, one / two threads), the 4×4/2 32→64 layer on 14×14, tap planes → lanes:
 * backward-input 0.56-0.58 / 0.52-0.59 → 0.80-0.91 / 0.74-0.78, forward 0.73-0.76 / 0.73-0.79 →
 * 0.82-0.88 / 0.71-0.73; the 3×3 32→64 backward-input 0.76-0.79 / 0.71-0.79 → 0.78-0.83 /
 * 0.75-0.77. On two threads the copies are memory traffic the second core does not halve.
 *
 * <p>Each output is one sum in a fixed order (taps in ky, kx order, channels in order), written
 * by one task, so the result does not depend on the threads. Images past the batch in the last
 * block are zeros in the lanes and never written back.
 */
final class BatchLanes {
    private BatchLanes() {}

    /** Images in a block: two 16-lane vectors. */
    static final int LANES = 32;

    /** Rows of a tile: input channels per {@link Kernels#laneTile}. */
    static final int ROWS = 8;

    /**
     * True when the backward-input pass of {@code s} goes this way: the backend has the vector
     * tile ({@link Kernels#hasLaneTiles}), the input channels fill whole tiles, and the batch
     * fills at least one block (a smaller batch would leave most lanes empty).
     */
    static boolean applies(Kernels k, ConvShape s) {
        return k.hasLaneTiles() && s.inC() % ROWS == 0 && s.batch() >= LANES;
    }

    /**
     * The same for the forward pass: the output channels fill whole tiles, at least 8 input
     * channels make each tap's run of k steps worth its setup (a one-channel layer has its own
     * direct kernel, {@link ConvDirect}), and either a stride of 2 or more, or a stride-1 output
     * that fills the tap planes' panels badly ({@link #planesStraddle}).
     */
    static boolean appliesForward(Kernels k, ConvShape s) {
        return k.hasLaneTiles() && s.outC() % ROWS == 0 && s.inC() >= ROWS && s.batch() >= LANES
                && (s.stride() >= 2 || planesStraddle(s.outH() * s.outW()));
    }

    /**
     * True when a stride-1 forward pass of images of {@code npix} output pixels goes by lanes
     * rather than by tap planes ({@link Conv2d}'s other route, whose products take a group's
     * pixels {@link SgemmMicroKernel#NR} columns at a time): fewer than {@link #PLANES_MIN_PIXELS}
     * pixels an image, not a whole number of panels, so that many panels straddle two images and
     * take the planes' slower, gathered path. Measured in one JVM, the two routes alternating (best
     * GFLOP/s of a round, 128 images, one / two threads), planes → lanes, since each thread keeps
     * one block's lanes: 3×3 32→64 on 14×14 163-166 → 180-186 / 250-257 → 257-268; 3×3 64→64 on
     * 7×7 141-145 → 209-212 / 280-299 → 379-409; 5×5 16→16 on 14×14 135 → 191-203 / 217-225 →
     * 297-316; 3×3 8→32 on 14×14 131-135 → 149-154 / 239-252 → 229-270; 3×3 32→32 on 20×20
     * 158-162 → 183-186 / 303-310 → 325-333. Kept on planes: 3×3 32→64 on 16×16 (256 pixels, eight
     * whole panels) 188-192 against 186-190 / 343-347 against 321-331; on 28×28 (784 pixels), 3×3
     * 32→32 124-133 against 129-134 (level), 16→32 153 against 141-145 / 292-299 against 267-268,
     * 8→16 115-118 against 98-101 / level.
     */
    static boolean planesStraddle(int npix) {
        return npix < PLANES_MIN_PIXELS && npix % SgemmMicroKernel.NR != 0;
    }

    /** See {@link #planesStraddle}: from this many output pixels an image a stride-1 forward pass keeps its tap planes. */
    static final int PLANES_MIN_PIXELS = 512;

    /** Floats between consecutive pixels of a lane layout with this many channels. */
    static int pixelStride(int channels) { return channels * LANES + 16; }

    /** Destination pixels a task computes and writes back at once: one 16×16 transpose's worth. */
    static final int RUN = 16;

    /** A thread's scratch, reused across calls. */
    private static final class Scratch {
        /** The source of the block the thread is working on, in lanes (see {@link #pass}). */
        float[] lanes = new float[0];
        /** A run's tiles in lanes, before {@link Kernels#fromLanes} writes them back. */
        float[] runOut = new float[0];
        /** One destination pixel's taps: where each one's weights and source lanes start, and which tap it is. */
        int[] segA = new int[0], segB = new int[0], tapOf = new int[0];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * y = conv(x, w) + bias (overwrite true; bias may be null) or y += conv(x, w) (overwrite false,
     * bias null: a transposed convolution's backward-input pass); scratch of at least
     * {@link #scratchLength} floats, the caller's.
     */
    static void forward(Kernels k, ConvShape s, float[] x, float[] w, float[] bias, float[] y, boolean overwrite, float[] scratch) {
        pass(k, s, true, x, w, bias, y, overwrite, scratch);
    }

    /**
     * gx += dL/dx (overwrite false, bias null) or gx = dL/dx + bias (overwrite true: a transposed
     * convolution's forward pass), given gy = dL/dy of the convolution {@code s}; scratch of at
     * least {@link #scratchLength} floats, the caller's.
     */
    static void backwardInput(Kernels k, ConvShape s, float[] gy, float[] w, float[] bias, float[] gx, boolean overwrite,
                              float[] scratch) {
        pass(k, s, false, gy, w, bias, gx, overwrite, scratch);
    }

    /**
     * Floats of the caller's scratch a pass of {@code s} on {@code k} needs: the packed weights, and
     * the whole source in lanes where the blocks are not a block a task ({@link #blockTasks}); the
     * larger direction's source, so one length serves both.
     */
    static int scratchLength(Kernels k, ConvShape s) {
        int blocks = Math.ceilDiv(s.batch(), LANES);
        int src = Math.max(s.outH() * s.outW() * pixelStride(s.outC()), s.inH() * s.inW() * pixelStride(s.inC()));
        return CacheLines.FLOATS - 1 + (blockTasks(k, blocks) ? 0 : blocks * src) + s.inC() * s.kH() * s.kW() * s.outC();
    }

    /** True when a task is one block of images: the blocks share out evenly over k's threads. */
    private static boolean blockTasks(Kernels k, int blocks) {
        return blocks % k.threads() == 0;
    }

    /**
     * The source row (or column) that kernel row (column) {@code k} reads for destination row
     * {@code o}, or −1 when there is none: forward, stride·o + k − pad; backward-input, the i with
     * stride·i + k = o + pad, where one divides evenly. −1 too when it falls outside [0, extent).
     */
    private static int source(boolean fwd, int o, int k, int stride, int pad, int extent) {
        int t = fwd ? stride * o + k - pad : o + pad - k;
        if (!fwd) {
            if (t < 0 || t % stride != 0) return -1;
            t /= stride;
        }
        return t >= 0 && t < extent ? t : -1;
    }

    /**
     * One pass: forward (source x, destination y, a tile's rows output channels, its k steps input
     * channels) or backward-input (source gy, destination gx, rows input channels, k steps output
     * channels). Either way, per destination pixel, the taps whose source pixel lies inside the
     * source: forward, y pixel (i, j) reads x at (stride·i + ky − pad, stride·j + kx − pad);
     * backward-input, gx pixel (u, v) reads gy at ((u + pad − ky) / stride, (v + pad − kx) / stride)
     * where both divide evenly.
     */
    private static void pass(Kernels k, ConvShape s, boolean fwd, float[] src, float[] w, float[] bias, float[] dst,
                             boolean overwrite, float[] scratch) {
        int inC = s.inC(), outC = s.outC(), kH = s.kH(), kW = s.kW(), kk = kH * kW, st = s.stride(), pad = s.pad();
        int srcC = fwd ? inC : outC, srcH = fwd ? s.inH() : s.outH(), srcW = fwd ? s.inW() : s.outW();
        int dstC = fwd ? outC : inC, dstW = fwd ? s.outW() : s.inW(), dstPix = (fwd ? s.outH() : s.inH()) * dstW;
        int srcPix = srcH * srcW, blocks = Math.ceilDiv(s.batch(), LANES), psS = pixelStride(srcC), psD = pixelStride(dstC);
        int srcImg = srcC * srcPix, dstImg = dstC * dstPix, srcBlock = srcPix * psS, tiles = dstC / ROWS;
        // the lanes from a cache line on: every lane row then fills whole lines (psS and 32 are
        // multiples of 16 floats), and toLanes' 64-byte stores each write one line, not parts of two
        // (its source in L3, two threads: 144-150 µs against 175-184 for the 4×4/2 32→64 layer's x)
        int base = CacheLines.start(scratch), wp = base + (blockTasks(k, blocks) ? 0 : blocks * srcBlock);
        int runs = Math.ceilDiv(dstPix, RUN);

        // the weights as [tile][tap][k step][8 rows] (w is [outC][inC][kH][kW]), a tile a task
        k.parallelRange(tiles, tiles, t -> {
            for (int tap = 0; tap < kk; tap++)
                for (int c = 0; c < srcC; c++)
                    for (int r = 0; r < ROWS; r++)
                        scratch[wp + ((t * kk + tap) * srcC + c) * ROWS + r] =
                                w[(fwd ? (t * ROWS + r) * inC + c : c * inC + t * ROWS + r) * kk + tap];
        });

        if (blockTasks(k, blocks)) {
            // a block a task: its source into the thread's own lanes, then all its runs. One block's lanes
            // (1.6 MB for 64 channels of 14×14) are read back from L2 and L3 while they are warm, and the
            // next block's overwrite the same lines: the whole batch's (6.4 MB) went out to memory and back
            k.parallelRange(blocks, blocks, nb -> {
                Scratch sc = SCRATCH.get();
                if (sc.lanes.length < srcBlock + CacheLines.FLOATS - 1) sc.lanes = new float[srcBlock + CacheLines.FLOATS - 1];
                float[] lanes = sc.lanes;
                int l0 = CacheLines.start(lanes);
                k.toLanes(src, nb * LANES * srcImg, srcImg, Math.min(LANES, s.batch() - nb * LANES), srcC, srcPix, lanes, l0, psS);
                for (int r = 0; r < runs; r++) run(k, s, fwd, bias, dst, overwrite, scratch, wp, lanes, l0, nb, r);
            });
            return;
        }
        // blocks that do not share out evenly (a batch of 96 on two threads): every block's source into
        // the caller's scratch, a block a task, then the runs of all blocks shared out a few at a time
        k.parallelRange(blocks, blocks, nb ->
                k.toLanes(src, nb * LANES * srcImg, srcImg, Math.min(LANES, s.batch() - nb * LANES), srcC, srcPix, scratch,
                        base + nb * srcBlock, psS));
        k.parallelRange(blocks * runs, 4 * k.threads(), unit ->
                run(k, s, fwd, bias, dst, overwrite, scratch, wp, scratch, base + unit / runs * srcBlock, unit / runs, unit % runs));
    }

    /**
     * One task's run: the {@link #RUN} destination pixels from {@code run}·RUN of block nb, every
     * tile of each, then written back while they are in cache. The packed weights are at wp of
     * {@code packed}, the block's source lanes at l0 of {@code lanes}.
     */
    private static void run(Kernels k, ConvShape s, boolean fwd, float[] bias, float[] dst, boolean overwrite, float[] packed,
                            int wp, float[] lanes, int l0, int nb, int run) {
        int inC = s.inC(), outC = s.outC(), kH = s.kH(), kW = s.kW(), kk = kH * kW, st = s.stride(), pad = s.pad();
        int srcC = fwd ? inC : outC, srcH = fwd ? s.inH() : s.outH(), srcW = fwd ? s.inW() : s.outW();
        int dstC = fwd ? outC : inC, dstW = fwd ? s.outW() : s.inW(), dstPix = (fwd ? s.outH() : s.inH()) * dstW;
        int psS = pixelStride(srcC), psD = pixelStride(dstC), dstImg = dstC * dstPix;
        int p0 = run * RUN, p1 = Math.min(dstPix, p0 + RUN);
        Scratch sc = SCRATCH.get();
        if (sc.runOut.length < RUN * psD + CacheLines.FLOATS) sc.runOut = new float[RUN * psD + CacheLines.FLOATS];
        if (sc.tapOf.length < kk) { sc.segA = new int[kk]; sc.segB = new int[kk]; sc.tapOf = new int[kk]; }
        float[] out = sc.runOut;
        int o0 = CacheLines.start(out);
        int[] segA = sc.segA, segB = sc.segB, tapOf = sc.tapOf;
        for (int p = p0; p < p1; p++) {
            int u = p / dstW, v = p % dstW, n = 0;
            for (int ky = 0; ky < kH; ky++) {
                int sy = source(fwd, u, ky, st, pad, srcH);
                if (sy < 0) continue;
                for (int kx = 0; kx < kW; kx++) {
                    int sx = source(fwd, v, kx, st, pad, srcW);
                    if (sx < 0) continue;
                    tapOf[n] = ky * kW + kx;
                    segB[n++] = l0 + (sy * srcW + sx) * psS;
                }
            }
            for (int t = 0; t < dstC / ROWS; t++) {
                for (int i = 0; i < n; i++) segA[i] = wp + (t * kk + tapOf[i]) * srcC * ROWS;
                k.laneTile(n, segA, segB, srcC, packed, lanes, out, o0 + (p - p0) * psD + t * ROWS * LANES);
            }
        }
        k.fromLanes(out, o0, psD, Math.min(LANES, s.batch() - nb * LANES), dstC, p1 - p0, bias, overwrite,
                dst, nb * LANES * dstImg + p0, dstImg, dstPix);
    }
}
