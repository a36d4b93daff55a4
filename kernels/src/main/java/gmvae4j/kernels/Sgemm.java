package gmvae4j.kernels;

/**
 * C = alpha·op(A)·op(B) + beta·C, row-major, BLIS style (Goto's algorithm):
 *
 * <pre>
 * for jc in steps of NC            (columns of C: a block of op(B) that stays in L3/L2)
 *   for pc in steps of KC          (the shared dimension)
 *     pack op(B)[pc.., jc..]       -> Bp, KC×NC, cut into KC×NR micro-panels
 *     for ic in steps of MC        (rows of C: a block of op(A) that stays in L2)
 *       pack op(A)[ic.., pc..]     -> Ap, MC×KC, cut into MR×KC micro-panels
 *       for jr in steps of NR      (one B micro-panel, reused from L1 by every ir below)
 *         for ir in steps of MR
 *           micro-kernel: C[ic+ir.., jc+jr..] (+)= Ap[ir] · Bp[jr]
 * </pre>
 *
 * The first pc block applies beta, later ones add, so C is read and written once per KC.
 *
 * <p>Threads: C is split into as many column (or, when C is narrow, row) slabs as there are
 * threads; each slab is an independent sgemm with its own pack buffers. Every element of C
 * is computed by one thread in the same k order whatever the thread count, so 1 and 2 threads
 * give bit-identical results. Small products run on the calling thread: waking a helper costs
 * microseconds.
 */
public final class Sgemm {
    private Sgemm() {}

    static final int MR = SgemmMicroKernel.MR;
    static final int NR = SgemmMicroKernel.NR;
    /** Depth of a packed block: a KC×NR B micro-panel (32 KiB at KC=256) is what L1 holds. */
    static final int KC = 256;
    /** Rows of a packed A block (MC×KC floats, 128 KiB): lives in L2. Multiple of MR. */
    static final int MC = 128;
    /** Columns of a packed B block (KC×NC floats, 1 MiB): L2/L3. Multiple of NR. */
    static final int NC = 1024;
    /** Below this many multiply-adds a product runs on one thread. */
    static final long PARALLEL_MIN_MACS = 1L << 18;

    private static final class Buffers {
        final float[] a = new float[MC * KC];
        final float[] b = new float[KC * NC];
        final float[] edge = new float[MR * NR];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** The BLAS-like entry point; see {@link Kernels#sgemm}. */
    public static void sgemm(Parallel par, boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        if (k <= 0 || alpha == 0f) {
            scaleC(m, n, beta, c, cOff, ldc);
            return;
        }
        int threads = par == null ? 1 : par.threads();
        if (threads == 1 || (long) m * n * k < PARALLEL_MIN_MACS || Parallel.insideRegion()) {
            blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        int nPanels = (n + NR - 1) / NR, mPanels = (m + MR - 1) / MR;
        if (nPanels >= 2 * threads || nPanels >= mPanels) {
            // column slabs, whole micro-panels each
            int per = (nPanels + threads - 1) / threads * NR;
            int tasks = (n + per - 1) / per;
            par.run(tasks, t -> {
                int j0 = t * per, nn = Math.min(per, n - j0);
                int bo = transB ? bOff + j0 * ldb : bOff + j0;
                blocked(transA, transB, m, nn, k, alpha, a, aOff, lda, b, bo, ldb, beta, c, cOff + j0, ldc);
            });
        } else {
            int per = (mPanels + threads - 1) / threads * MR;
            int tasks = (m + per - 1) / per;
            par.run(tasks, t -> {
                int i0 = t * per, mm = Math.min(per, m - i0);
                int ao = transA ? aOff + i0 : aOff + i0 * lda;
                blocked(transA, transB, mm, n, k, alpha, a, ao, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            });
        }
    }

    /** The single-threaded blocked algorithm of the class comment. */
    static void blocked(boolean transA, boolean transB, int m, int n, int k,
                        float alpha, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        float[] ap = buf.a, bp = buf.b, edge = buf.edge;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float betaNow = pc == 0 ? beta : 1f;
                SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    SgemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int ci = cOff + (ic + ir) * ldc + jc + jr;
                            SgemmMicroKernel.tile(kc, ap, ir * kc, bp, jr * kc, c, ci, ldc, mr, nr,
                                    alpha, betaNow, edge);
                        }
                    }
                }
            }
        }
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
