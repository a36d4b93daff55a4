package gmvae4j.kernels;

/**
 * C = alpha·op(A)·op(B) + beta·C, row-major, BLIS style (Goto's algorithm):
 *
 * <pre>
 * for jc in steps of NC            (columns of C: a block of op(B) that stays in L3/L2)
 *   for pc in steps of KC          (the shared dimension; all of it, up to 2·KC, when C is
 *                                     larger than L2: {@link #kStep(int, int, int)})
 *     pack op(B)[pc.., jc..]       -> Bp, KC×NC, cut into KC×NR micro-panels
 *                                     (NB columns at a time, each just before the first A
 *                                     block's tiles use it: {@link #kBlock})
 *     for ic in steps of MC        (rows of C: a block of op(A) that stays in L2)
 *       pack op(A)[ic.., pc..]     -> Ap, MC×KC, cut into MR×KC micro-panels
 *       for jr in steps of NR      (one B micro-panel, reused from L1/L2 by every ir below)
 *         for ir in steps of MR
 *           micro-kernel: C[ic+ir.., jc+jr..] (+)= Ap[ir] · Bp[jr]
 * </pre>
 *
 * The first pc block applies beta, later ones add, so C is read and written once per KC; a
 * tile that adds to C (beta = 1, or a later pc block) adds its register sum to C at the end
 * ({@link SgemmMicroKernel#multiply}). An untransposed B block only a few rows deep (k ≤
 * {@link #IN_PLACE_MAX_K}) and a transposed A with narrow rows or few of them ({@link ABlock},
 * {@link #IN_PLACE_MAX_LDA}) are read where they lie instead of being packed.
 *
 * <p>Threads. Wide C (the usual case: a batch times a layer): op(A) is packed once, whole, into
 * a buffer every thread reads (a first parallel region packs its blocks; an A read in place
 * needs none), then C is cut into
 * column chunks of a few micro-panels, several per thread, handed out first come first served;
 * a chunk packs its own slice of op(B) and runs the loops above against the shared A. Many small
 * chunks keep both cores busy even when one of them is also serving someone else. Narrow C
 * (fewer column panels than 2 per thread) and tall C ({@link #ROW_SLABS_MIN_ROWS}) are cut into
 * row slabs instead, each an independent single-threaded product. Either way every element of C
 * is computed by one task, in the same k order as on one thread, so results are bit-identical for
 * any thread count and any
 * scheduling. Small products run on the calling thread: waking a helper costs microseconds.
 *
 * <p>Products side by side with the same B (a batch's shards, each on one thread, multiplying its
 * own rows by a layer's weight) can share its packing ({@link #sgemmPacked}, {@link PackedB}):
 * each piece of B is packed by the first product that needs it and read by the others.
 *
 * <p>Pack buffers are per thread and reused: no allocation per call after the first.
 */
public final class Sgemm {
    private Sgemm() {}

    static final int MR = SgemmMicroKernel.MR;
    static final int NR = SgemmMicroKernel.NR;
    /*
     * Block sizes, measured on the 2-core Zen 5 (48 KiB L1d, 1 MiB L2) at a quiet moment,
     * single thread, 128x784x512 / 128x512x512 / 512³ NN in GFLOP/s:
     *   KC 256: 221/228/245   KC 384: 224/226/239   KC 512: 232/241/254   (KC 784, 1024: no better)
     *   NC 256: 214/220/236   NC 512: 232/228/251   NC 1024: 227/235/253 (and 1024³: see NC)
     *   MC 64, 128, 256: no measurable difference
     */
    /**
     * Largest depth of a packed block; k is cut into equal blocks no deeper than this
     * ({@link #kStep}). A KC×NR B micro-panel (64 KiB) streams from L2 with the A block.
     */
    static final int KC = 512;
    /** Rows of a packed A block (MC×KC floats, 256 KiB): lives in L2. Multiple of MR. */
    static final int MC = 128;
    /**
     * Columns of a packed B block (KC×NC floats, 2 MiB): L3, as in BLIS (the A block and one B
     * micro-panel are what must stay in L2). Multiple of NR. NC 512 → 1024, single thread, CPU
     * time, loaded 2-core machine, same process alternating: 1024³ 92.0-93.4 → 96.2-96.4 GFLOP/s,
     * 128×512×784 (one block instead of 512 + 272 columns) 86.4-90.1 → 86.9-90.4, 512³ 97.7 → 99.0.
     */
    static final int NC = 1024;
    /**
     * Below this many multiply-adds (about 5 µs of work) a product runs on one thread. Measured
     * on the shared machine: 64³ and 128×10×512 ran slower on two threads, 128×64×128 (1 M)
     * broke even.
     */
    static final long PARALLEL_MIN_MACS = 1L << 20;

    /** Untransposed B blocks at most this deep are read in place instead of packed. */
    static final int IN_PLACE_MAX_K = 32;
    /**
     * A transposed A is read in place ({@link ABlock}) when its stored rows are at most this many
     * floats apart, or when it is at most {@link #IN_PLACE_MAX_DEPTH} deep; otherwise it is packed
     * like any other. Read in place, each k step of a micro-panel is a row of A lda floats further
     * on. With lda ≤ 2·MC an A block is one stretch of memory (128×512×512 TN: lda = 128); a
     * panel 128 steps deep touches 128 lines, which stay in L1 for the tiles that reuse it (every
     * weight gradient of a training step, dW = xᵀ·dy: k is the batch). In 512³ TN every step was
     * a new line 2 KiB from the last, 512 of them per panel, and on two threads each column chunk
     * walked all of them again. Measured on the Intel Xeon host, `bench kernels --kernel sgemm`,
     * in place / packed, two rounds alternating: 512³ TN on two threads 0.72-0.78 / 0.92-0.98 of
     * OpenBLAS, TT 0.67 / 0.96-1.02, one thread level within the noise. Packing the step's weight
     * gradients as well (any lda above 256) made `bench train --no-peer --variant mixture` 5-9%
     * slower in three alternating rounds (means of the rounds: z=10 16.4 → 17.2 ms, z=32 16.8 → 18.3 ms).
     */
    static final int IN_PLACE_MAX_LDA = 2 * MC;
    /** See {@link #IN_PLACE_MAX_LDA}. */
    static final int IN_PLACE_MAX_DEPTH = 128;

    /** True when op(A)'s blocks are read where they lie instead of packed. */
    static boolean aInPlace(boolean transA, int lda, int k) {
        return transA && (lda <= IN_PLACE_MAX_LDA || k <= IN_PLACE_MAX_DEPTH);
    }

    /**
     * From this many rows of C on, a multi-threaded product is cut into row slabs, one per thread,
     * each a single-threaded {@link #blocked} product, even when C is wide. Column chunks share one
     * packed op(A) (all of it: 26 MB for the marginal model's 12800×512 activations), and every
     * chunk streams all of it again from memory; a row slab packs its own A blocks into L2 and
     * each thread packs B once. JMH `SgemmBenchmark`, ours, two threads, Zen 5, columns → slabs:
     * 12800×512×512 NN 246 / 253 → 378 / 377 GFLOP/s, 12800×512×784 NN 274 / 273 → 387 / 366,
     * NT 248-278 → 340-388; 512³ NN 306 / 305 → 329 / 347, 1024³ 290 / 332 → 347 / 352, TN and TT
     * 512³ and 1024³ 282-308 → 304-354; 1024³ NT 307 / 282 → 257 / 283 the one row not ahead. At
     * 128-384 rows (every product of a mixture step) neither was ahead across rounds, so columns
     * stay: they also hand out small chunks first come first served, which keeps both cores busy
     * when one is serving someone else.
     */
    static final int ROW_SLABS_MIN_ROWS = 4 * MC;

    /** Column chunks handed out per thread (load balance vs. per-chunk B packing). */
    static final int CHUNKS_PER_THREAD = 4;

    /**
     * Rows of op(A) in the smallest piece a multi-threaded product packs as one task: two
     * micro-panels, which {@link SgemmPacking#packA} packs in one pass from a transposed A.
     */
    static final int PACK_ROWS = 2 * MR;

    private static final class Buffers {
        /** A packed A block, or the last partial panel of a transposed A read in place: MC × KC ({@link #deep}: larger). */
        float[] a = new float[0];
        /** Packed B panels, from a 64-byte line ({@link CacheLines}): hence the 15 floats of slack. KC × NC, or deeper. */
        float[] b = new float[0];
        final float[] acc = new float[MR * NR];
        /** The row bias of the product in progress, padded to whole tiles. */
        float[] bias = new float[0];
        final ABlock aBlock = new ABlock();
        final BBlock bBlock = new BBlock();
        /** All of op(A), packed, while this thread runs a multi-threaded product. */
        float[] wholeA = new float[0];

        Buffers() { deep(KC); }

        /** These buffers, with room for blocks kc deep (beyond KC: {@link #kStep(int, int, int)}, grown on the first such product). */
        Buffers deep(int kc) {
            if (a.length < MC * kc) a = new float[MC * kc];
            if (b.length < kc * NC + CacheLines.FLOATS - 1) b = new float[kc * NC + CacheLines.FLOATS - 1];
            return this;
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** The BLAS-like entry point; see {@link Kernels#sgemm}. */
    public static void sgemm(Parallel par, boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        product(par, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /**
     * {@link #sgemm} with op(B) from a {@link PackedB} that products running side by side share:
     * the same tiles in the same k order, so the same bits. A product that runs on several threads
     * itself packs as {@link #sgemm} does.
     */
    public static void sgemmPacked(Parallel par, boolean transA, int m, int n, int k, float alpha,
                                   float[] a, int aOff, int lda, PackedB pb,
                                   float beta, float[] c, int cOff, int ldc) {
        if (pb.k != k || pb.n != n) throw new IllegalArgumentException("packed B is " + pb.k + "×" + pb.n + ", the product needs " + k + "×" + n);
        product(par, transA, pb.transB, m, n, k, alpha, a, aOff, lda, pb.b, pb.bOff, pb.ldb, beta, c, cOff, ldc, pb);
    }

    /** {@link #sgemm} and {@link #sgemmPacked}: empty products and alpha = 0 only scale C. */
    private static void product(Parallel par, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, PackedB pb) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        run(par, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null, pb);
    }

    /**
     * C = A·B + bias·1ᵀ (bias[biasOff + i] added to every element of row i), C overwritten; see
     * {@link Kernels#sgemmRowBias}. The bias is where each register tile starts (first k block).
     */
    public static void sgemmRowBias(Parallel par, int m, int n, int k, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, float[] bias, int biasOff,
                                    float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        Buffers own = BUFFERS.get();
        int mPad = (m + MR - 1) / MR * MR;
        if (own.bias.length < mPad) own.bias = new float[mPad];
        float[] padded = own.bias;      // read by the helpers of this call only, while it runs
        System.arraycopy(bias, biasOff, padded, 0, m);
        java.util.Arrays.fill(padded, m, mPad, 0f);
        if (k <= 0) {
            for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, padded[i]);
            return;
        }
        run(par, false, false, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc, padded, null);
    }

    /**
     * Picks one thread, column chunks or row slabs; rowInit (or null) is padded to whole tiles; pb
     * (or null) is op(B) shared with products beside this one, used on one thread.
     */
    private static void run(Parallel par, boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb,
                            float beta, float[] c, int cOff, int ldc, float[] rowInit, PackedB pb) {
        int threads = par == null ? 1 : par.threads(), ks = kStep(k, m, n);
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_MACS || Parallel.insideRegion()) {
            // a shared B serves products of one A block (a batch shard's rows); taller ones pack their own
            blocked(transA, transB, m, n, k, ks, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, rowInit, 0, m <= MC ? pb : null);
            return;
        }
        int nPanels = (n + NR - 1) / NR;
        if (nPanels >= 2 * threads && m < ROW_SLABS_MIN_ROWS) {
            byColumns(par, transA, transB, m, n, k, ks, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, rowInit);
        } else {
            int mPanels = (m + MR - 1) / MR;
            int per = (mPanels + threads - 1) / threads * MR;
            int tasks = (m + per - 1) / per;
            par.run(tasks, t -> {
                int i0 = t * per, mm = Math.min(per, m - i0);
                int ao = transA ? aOff + i0 : aOff + i0 * lda;
                blocked(transA, transB, mm, n, k, ks, alpha, a, ao, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc, rowInit, i0, null);
            });
        }
    }

    /** Multi-threaded: op(A) packed once and shared, C handed out in column chunks. */
    private static void byColumns(Parallel par, boolean transA, boolean transB, int m, int n, int k, int ks,
                                  float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc, float[] rowInit) {
        int mPad = (m + MR - 1) / MR * MR;
        int kBlocks = (k + ks - 1) / ks, mBlocks = (m + MC - 1) / MC;
        float[] pa = null;
        if (!aInPlace(transA, lda, k)) {      // else A is read where it lies (see ABlock)
            Buffers own = BUFFERS.get();
            if (own.wholeA.length < mPad * k) own.wholeA = new float[mPad * k];
            float[] whole = own.wholeA;
            // the block (pc, ic) of packed A starts at pc·mPad + ic·kc, its panel of rows ic + r at
            // pc·mPad + (ic + r)·kc: a block is packed in pieces of whole panel pairs, about two per
            // thread in all, so that a product of one block (a batch of 128 at k ≤ 512) does not
            // leave one thread idle while the other packs all of A
            int blocks = kBlocks * mBlocks, pieces = Math.min(MC / PACK_ROWS, Math.ceilDiv(2 * par.threads(), blocks));
            par.run(blocks * pieces, t -> {
                int blk = t / pieces, pc = blk / mBlocks * ks, ic = blk % mBlocks * MC;
                int kc = Math.min(ks, k - pc), mc = Math.min(MC, m - ic);
                int step = Math.ceilDiv(Math.ceilDiv(mc, pieces), PACK_ROWS) * PACK_ROWS, r0 = t % pieces * step;
                if (r0 < mc)
                    SgemmPacking.packA(transA, a, aOff, lda, ic + r0, Math.min(step, mc - r0), pc, kc, whole, pc * mPad + (ic + r0) * kc);
            });
            pa = whole;
        }
        float[] packedA = pa;
        int nPanels = (n + NR - 1) / NR;
        int chunk = Math.min(NC, NR * Math.max(1, nPanels / (par.threads() * CHUNKS_PER_THREAD)));
        par.run((n + chunk - 1) / chunk, t -> {
            int j0 = t * chunk;
            columnChunk(transA, transB, m, Math.min(chunk, n - j0), k, ks, alpha, a, aOff, lda, packedA, mPad, b, bOff, ldb, j0,
                    beta, c, cOff, ldc, rowInit);
        });
    }

    /**
     * Columns j0 .. j0+nc of C (nc ≤ NC) against the shared packed A (pa), or against A itself when it
     * is stored transposed (pa null).
     */
    private static void columnChunk(boolean transA, boolean transB, int m, int nc, int k, int ks, float alpha,
                                    float[] a, int aOff, int lda, float[] pa, int mPad,
                                    float[] b, int bOff, int ldb, int j0,
                                    float beta, float[] c, int cOff, int ldc, float[] rowInit) {
        Buffers buf = BUFFERS.get().deep(ks);
        for (int pc = 0; pc < k; pc += ks)
            kBlock(buf, transA, transB, m, nc, pc, Math.min(ks, k - pc), alpha, a, aOff, lda, pa, mPad,
                    b, bOff, ldb, j0, pc == 0 ? beta : 1f, c, cOff, ldc, pc == 0 ? rowInit : null, 0, null);
    }

    /**
     * Columns of a B piece packed just before the first A block's tiles use it: kc×NB floats (256
     * KiB at kc = 512), still in L2 when they are read.
     */
    static final int NB = 4 * NR;

    /**
     * One k block (depth pc .. pc+kc) of rows 0 .. m, columns j0 .. j0+nc of C: every A block times
     * the B block. A comes packed whole (pa, see {@link #byColumns}) or, pa null, block by block
     * ({@link ABlock#of}: packed into the thread's buffer, or read in place with its last partial
     * panel packed there).
     *
     * <p>A packed B block is packed piece by piece ({@link #NB} columns), each piece just before the
     * first A block's tiles use it, as GotoBLAS does: packed whole first, a 512×784 block (1.6 MB)
     * left L2 before the tiles read it back, and with m ≤ MC (every product of a training step,
     * batch 128) there is no later A block to reuse it from L3. Later A blocks read the whole
     * packed block.
     */
    private static void kBlock(Buffers buf, boolean transA, boolean transB, int m, int nc, int pc, int kc, float alpha,
                               float[] a, int aOff, int lda, float[] pa, int mPad,
                               float[] b, int bOff, int ldb, int j0,
                               float beta, float[] c, int cOff, int ldc, float[] init, int i0, PackedB pb) {
        boolean direct = beta == 0f && alpha == 1f;    // C = A·B with nothing to fold in: full tiles go from registers straight to C
        if (pb != null) {       // one A block (see run), its tiles against the shared pieces
            sharedPieces(buf, transA, m, pc, kc, alpha, a, aOff, lda, pb, j0, nc, beta, direct, c, cOff, ldc, init, i0);
            return;
        }
        float[] bp = buf.b, acc = buf.acc;
        // the panels start on a cache line (Intel's loads that straddle two cost two); a block read
        // in place with no partial panel packs nothing, so there is nothing to ask
        int b0 = BBlock.inPlace(transB, kc) && nc % NR == 0 ? 0 : CacheLines.start(bp);
        BBlock whole;
        int ic0 = 0;        // the first A block the loop below starts from
        if (BBlock.inPlace(transB, kc)) {
            whole = buf.bBlock.of(transB, b, bOff, ldb, pc, kc, j0, nc, bp, b0);
        } else {
            int mc0 = Math.min(MC, m);
            ABlock first = aBlock(buf, transA, mc0, 0, kc, a, aOff, lda, pa, mPad, pc);
            for (int j = 0; j < nc; j += NB) {
                int nb = Math.min(NB, nc - j);
                BBlock piece = buf.bBlock.of(transB, b, bOff, ldb, pc, kc, j0 + j, nb, bp, b0 + j * kc);
                tiles(first, piece, kc, mc0, nb, c, cOff + j0 + j, ldc, alpha, beta, direct, init, i0, acc);
            }
            whole = buf.bBlock.packed(bp, b0, kc, nc);
            ic0 = MC;
        }
        for (int ic = ic0; ic < m; ic += MC) {
            int mc = Math.min(MC, m - ic);
            tiles(aBlock(buf, transA, mc, ic, kc, a, aOff, lda, pa, mPad, pc), whole, kc, mc, nc,
                    c, cOff + ic * ldc + j0, ldc, alpha, beta, direct, init, i0 + ic, acc);
        }
    }

    /**
     * The tiles of one A block (m ≤ MC rows) against a shared packed B ({@link PackedB}), piece by
     * piece: a piece no one has claimed is claimed, packed and its tiles run while it is in cache;
     * when none is left to claim, a piece another product has packed. A piece claimed by another
     * product and not packed yet is packed again into this thread's own buffer rather than waited
     * for: the other thread may have been descheduled in the middle of it (two cores, and the JIT's
     * and the GC's threads besides), and a product that waited would then wait for the scheduler.
     */
    private static void sharedPieces(Buffers buf, boolean transA, int m, int pc, int kc, float alpha,
                                     float[] a, int aOff, int lda, PackedB pb, int j0, int nc,
                                     float beta, boolean direct, float[] c, int cOff, int ldc, float[] init, int i0) {
        int pieces = (nc + NB - 1) / NB;                             // at most NC / NB = 8
        ABlock first = aBlock(buf, transA, m, 0, kc, a, aOff, lda, null, 0, pc);
        long ran = 0;                                                // the pieces whose tiles have run
        for (int left = pieces; left > 0; left--) {
            int q = -1;
            for (int p = 0; p < pieces && q < 0; p++) {
                int j = j0 + p * NB, piece = pb.piece(pc, j);
                if ((ran & 1L << p) == 0 && pb.claim(piece)) {
                    pb.pack(piece, pc, kc, j, Math.min(NB, nc - p * NB));
                    q = p;
                }
            }
            for (int p = 0; p < pieces && q < 0; p++)
                if ((ran & 1L << p) == 0 && pb.packed(pb.piece(pc, j0 + p * NB))) q = p;
            boolean own = q < 0;        // every piece left is being packed by another product: a copy of the first of them
            if (own) q = Long.numberOfTrailingZeros(~ran);
            int j = j0 + q * NB, nb = Math.min(NB, nc - q * NB);
            BBlock piece = own ? buf.bBlock.of(pb.transB, pb.b, pb.bOff, pb.ldb, pc, kc, j, nb, buf.b, CacheLines.start(buf.b))
                    : buf.bBlock.packed(pb.panels, pb.offset(pc, kc, j), kc, nb);
            tiles(first, piece, kc, m, nb, c, cOff + j, ldc, alpha, beta, direct, init, i0, buf.acc);
            ran |= 1L << q;
        }
    }

    /** Rows ic .. ic+mc of op(A) at depth pc .. pc+kc: from the shared packed A, or {@link ABlock#of}. */
    private static ABlock aBlock(Buffers buf, boolean transA, int mc, int ic, int kc, float[] a, int aOff, int lda,
                                 float[] pa, int mPad, int pc) {
        return pa == null ? buf.aBlock.of(transA, a, aOff, lda, ic, mc, pc, kc, buf.a, 0)
                : buf.aBlock.packed(pa, pc * mPad + ic * kc, mc, kc);
    }

    /**
     * The two innermost loops: every MR×NR tile of rows 0 .. mc of one A block times columns 0 .. nc
     * of one B block. A panel ir starts at {@code a0 + (ir/MR)·aPanel} and steps {@code aStride} per
     * k (packed: aPanel = MR·kc, aStride = MR); B panel jr starts at {@code b0 + (jr/NR)·bPanel} and
     * steps {@code bStride} per k (packed: bPanel = kc·NR, bStride = NR).
     */
    private static void tiles(int kc, int mc, int nc, float[] ap, int a0, int aPanel, int aStride,
                              float[] bp, int b0, int bPanel, int bStride,
                              float[] c, int c0, int ldc, float alpha, float beta, boolean direct,
                              float[] rowInit, int i0, float[] acc) {
        float[] init = rowInit == null ? SgemmMicroKernel.ZEROS : rowInit;
        boolean add = alpha == 1f && beta == 1f;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bj = b0 + jr / NR * bPanel;
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int ci = c0 + ir * ldc + jr, ai = a0 + ir / MR * aPanel;
                int io = rowInit == null ? 0 : i0 + ir;
                if (nr <= SgemmMicroKernel.L) {     // a last panel at most one vector wide: the half tile
                    if ((direct || add) && mr == MR && nr == SgemmMicroKernel.L) {
                        SgemmMicroKernel.multiplyHalf(kc, ap, ai, aStride, bp, bj, bStride, init, io, c, ci, ldc, add);
                    } else {
                        SgemmMicroKernel.multiplyHalf(kc, ap, ai, aStride, bp, bj, bStride, init, io, acc, 0, NR, false);
                        SgemmMicroKernel.writeBack(acc, c, ci, ldc, mr, nr, alpha, beta);
                    }
                } else if ((direct || add) && mr == MR && nr == NR) {
                    SgemmMicroKernel.multiply(kc, ap, ai, aStride, bp, bj, bStride, init, io, c, ci, ldc, add);
                } else {
                    SgemmMicroKernel.multiply(kc, ap, ai, aStride, bp, bj, bStride, init, io, acc, 0, NR, false);
                    SgemmMicroKernel.writeBack(acc, c, ci, ldc, mr, nr, alpha, beta);
                }
            }
        }
    }

    /**
     * Every tile of one A block times one B block: up to four calls of {@link #tiles}, for the
     * blocks' parts read in place and their packed last panels.
     */
    private static void tiles(ABlock A, BBlock B, int kc, int mc, int nc, float[] c, int c0, int ldc, float alpha,
                              float beta, boolean direct, float[] rowInit, int i0, float[] acc) {
        for (int part = 0; part < 2; part++) {
            int r0 = part == 0 ? 0 : A.full, rows = part == 0 ? A.full : mc - A.full;
            if (rows == 0) continue;
            float[] as = part == 0 ? A.src : A.edge;
            int a0 = part == 0 ? A.a0 : A.edgeOff, aPanel = part == 0 ? A.panel : MR * kc, aStride = part == 0 ? A.stride : MR;
            tiles(kc, rows, B.full, as, a0, aPanel, aStride, B.src, B.b0, B.panel, B.stride,
                    c, c0 + r0 * ldc, ldc, alpha, beta, direct, rowInit, i0 + r0, acc);
            if (B.full < nc)
                tiles(kc, rows, nc - B.full, as, a0, aPanel, aStride, B.edge, B.edgeOff, kc * NR, NR,
                        c, c0 + r0 * ldc + B.full, ldc, alpha, beta, direct, rowInit, i0 + r0, acc);
        }
    }

    /**
     * How one block of op(A) reaches the micro-kernel: packed, or, when A is stored transposed
     * (k×m: the MR values the kernel broadcasts for one k are already adjacent), read where it
     * lies, the kernel stepping lda per k, when those steps are short or few ({@link #aInPlace}):
     * every weight gradient of a training step, dW = xᵀ·dy (k is the batch), and products whose A
     * block is one stretch of memory. Only a last, partial panel is then packed (it needs zero
     * rows).
     */
    private static final class ABlock {
        float[] src, edge;
        int a0, panel, stride, full, edgeOff;

        /** Rows ic .. ic+mc, depth pc .. pc+kc; ap from apOff: where packing goes. */
        ABlock of(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
            if (!aInPlace(transA, lda, kc)) {
                SgemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, ap, apOff);
                return packed(ap, apOff, mc, kc);
            }
            full = mc / MR * MR;
            if (full < mc) SgemmPacking.packA(true, a, aOff, lda, ic + full, mc - full, pc, kc, ap, apOff);
            src = a; a0 = aOff + pc * lda + ic; panel = MR; stride = lda;
            edge = ap; edgeOff = apOff;
            return this;
        }

        /** A block already packed at ap[apOff ..]. */
        ABlock packed(float[] ap, int apOff, int mc, int kc) {
            full = mc;
            src = ap; a0 = apOff; panel = MR * kc; stride = MR;
            edge = ap; edgeOff = apOff;
            return this;
        }
    }

    /**
     * How one k block of op(B) reaches the micro-kernel: packed, or, when B is untransposed and
     * the block shallow (conv 1→32 has k = 9, the decoder's first layer k = 10), read where it
     * lies: a few rows of B stay in L1 on their own and copying them would cost more than the
     * FMAs that use them. Only the last, partial panel is still packed (it needs zero padding).
     */
    static final class BBlock {
        float[] src, edge;
        int b0, panel, stride, full, edgeOff;

        /** True when a B block of this depth is read where it lies. */
        static boolean inPlace(boolean transB, int kc) {
            return !transB && kc <= IN_PLACE_MAX_K;
        }

        /** Prepares columns j0 .. j0+nc, depth pc .. pc+kc; bp from bpOff: where packing goes. */
        BBlock of(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int j0, int nc, float[] bp, int bpOff) {
            if (inPlace(transB, kc)) {
                edge = bp; edgeOff = bpOff;
                full = nc / NR * NR;
                if (full < nc) SgemmPacking.packB(false, b, bOff, ldb, pc, kc, j0 + full, nc - full, bp, bpOff);
                src = b; b0 = bOff + pc * ldb + j0; panel = NR; stride = ldb;
                return this;
            }
            SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, j0, nc, bp, bpOff);
            return packed(bp, bpOff, kc, nc);
        }

        /** A block of nc columns already packed at bp[bpOff ..]. */
        BBlock packed(float[] bp, int bpOff, int kc, int nc) {
            edge = bp; edgeOff = bpOff;
            full = nc;
            src = bp; b0 = bpOff; panel = kc * NR; stride = NR;
            return this;
        }
    }

    /** The single-threaded blocked algorithm of the class comment. */
    static void blocked(boolean transA, boolean transB, int m, int n, int k, int ks,
                        float alpha, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc, float[] rowInit, int i0, PackedB pb) {
        Buffers buf = BUFFERS.get().deep(ks);
        for (int jc = 0; jc < n; jc += NC)
            for (int pc = 0; pc < k; pc += ks)
                kBlock(buf, transA, transB, m, Math.min(NC, n - jc), pc, Math.min(ks, k - pc), alpha, a, aOff, lda, null, 0,
                        b, bOff, ldb, jc, pc == 0 ? beta : 1f, c, cOff, ldc, pc == 0 ? rowInit : null, i0, pb);
    }

    /**
     * Depth of the k blocks: k cut into equal parts of at most KC (784 → 2 × 392, not
     * 512 + 272; 1040 → 3 × 347, not 2 × 512 + 16), so no block is a sliver whose tiles are all
     * write-back and no compute.
     */
    static int kStep(int k) {
        return kStep(k, KC);
    }

    /**
     * The depth of the k blocks of a whole m×n×k product: all of k in one block (k ≤
     * {@link #DEEP_KC}) when a block of C, m × min(n, NC) floats, is larger than
     * {@link #C_IN_L2}; otherwise {@link #kStep(int)}.
     *
     * <p>Why: every k block after the first reads its C block back and adds to it. A C block
     * that fits in L2 is still there; a larger one has gone to L3 or memory, and each tile waits
     * for its 16 lines at the end of its k loop, where no FMAs are left to hide the wait. 1024³
     * on one thread (C 4 MB) ran 3-5% below 1024×512×1024 (one k block), which reads and writes
     * the same C once. Measured on the Zen 4 (1 MiB L2), one JVM a side, the two alternating twice,
     * best of 0.7-s rounds: 1024³ one thread 104.1-106.6 → 108.6-111.8 GFLOP/s, two threads
     * (row slabs of 512 rows, C 2 MB each) 207.7-216.4 → 214.2-217.1; the marginal model's
     * step, whose 12800-row products at k = 784 now take one block instead of 2 × 392
     * ({@code bench train --no-peer --variant marginal}, two rounds each): 326.9 / 326.2 →
     * 318.9 / 317.7 ms. Where C fits in L2 a deeper block was no faster: 512×1024×512 and
     * 128×1024×1024 level, and on the Zen 5, KC 784 or 1024 for 128×784×512 no better (above).
     *
     * <p>Chosen from the whole product, never from one thread's share of it, so the sums (and
     * their bits) do not depend on the thread count. A product of one A block (m ≤ MC) is never
     * deep (MC·NC ≤ C_IN_L2), so a shared {@link PackedB}, laid out by {@link #kStep(int)}, still
     * matches.
     */
    static int kStep(int k, int m, int n) {
        return k <= DEEP_KC && (long) m * Math.min(n, NC) > C_IN_L2 ? k : kStep(k);
    }

    /** The deepest k block ({@link #kStep(int, int, int)}): its A block, MC × DEEP_KC floats, is 512 KiB. */
    static final int DEEP_KC = 2 * KC;

    /** Floats of C taken to fit in L2 beside the blocks being multiplied: 1 MiB, the L2 of Zen 4 and Zen 5. */
    static final long C_IN_L2 = 1 << 18;

    /** k cut into equal parts of at most kc, as {@link #kStep(int)} does with KC. */
    static int kStep(int k, int kc) {
        int blocks = (k + kc - 1) / kc;
        return (k + blocks - 1) / blocks;
    }

    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int r = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, r, r + n, 0f);
            else for (int j = 0; j < n; j++) c[r + j] *= beta;
        }
    }
}
