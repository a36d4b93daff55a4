package gmvae4j.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous "micro-panel" order the micro-kernel
 * streams through. This is where the transposes disappear: after packing, all four forms
 * (NN, NT, TN, TT) look identical to {@link SgemmMicroKernel}.
 *
 * <p>Packed A: the block's rows are cut into micro-panels of {@code MR} rows; panel by panel,
 * for each p the MR values op(A)[i0..i0+MR, p] are adjacent (the kernel broadcasts them one
 * by one). Packed B: the block's columns are cut into micro-panels of {@code NR} columns; for
 * each p the NR values op(B)[p, j0..j0+NR] are adjacent (the kernel loads them as vectors).
 * A partial panel at the edge is padded with zeros, so the kernel always computes a full
 * MR×NR tile and only the write-back has to care about edges.
 *
 * <p>Vector shapes: nothing in the kernels uses a {@code FloatVector} of another size than the
 * preferred one (and {@link Transpose16}'s 512 bits, the same on AVX-512). A's 8-value copies here
 * and in {@code TapGemm.addTransposed} were 256-bit vectors (now the preferred 512-bit ones under an
 * 8-lane mask, or a plain copy), and with a second shape in the
 * process the Vector API's shared methods (intoArray, length, ...) see both classes in their
 * profiles: in two of four full {@code bench kernels} runs C2 then compiled the one-channel 4×4/2
 * weight gradient's tile ({@code TapGemm.gradientTile}) with its 16 stores devirtualised to
 * {@code Float256Vector} ("callee changed to Float256Vector::vspecies" in {@code -XX:+PrintInlining}),
 * their intrinsics failed, every store boxed its vector (7.5 MB a call) and the pass ran at 1-15
 * GFLOP/s instead of 85-90 for the rest of the JVM. (Plain {@code System.arraycopy}s of 8 floats
 * instead made 512³ TN and TT 4-7% slower on one thread.)
 */
final class SgemmPacking {
    private SgemmPacking() {}

    /**
     * The preferred species when it is 16 floats wide (AVX-512), else null, and its lower and upper
     * 8 lanes: A's 8-value copies go through it under a mask (see "Vector shapes" above).
     */
    private static final VectorSpecies<Float> S16 = FloatVector.SPECIES_PREFERRED.length() == 16 ? FloatVector.SPECIES_PREFERRED : null;
    private static final VectorMask<Float> LOW8 = S16 == null ? null : S16.indexInRange(0, 8);
    private static final VectorMask<Float> HIGH8 = S16 == null ? null : S16.indexInRange(0, 16).andNot(LOW8);

    /**
     * Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into {@code dst} from {@code d0} on (the micro-panel
     * of rows i0+ir.. starts at {@code d0 + ir·kc}).
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int i0, int mc, int p0, int kc,
                      float[] dst, int d0) {
        final int MR = SgemmMicroKernel.MR;
        int ir = 0;
        if (transA && MR == 8 && S16 != null) {
            // A stored k×m, two panels per pass: the 16 values of one p are one whole cache line
            // (when aligned), read once; panel by panel, every line was fetched twice, half each time
            for (; ir + 2 * MR <= mc; ir += 2 * MR) {
                int d = d0 + ir * kc, d2 = d + MR * kc;
                for (int p = 0; p < kc; p++) {
                    int s = aOff + (p0 + p) * lda + i0 + ir;
                    FloatVector v = FloatVector.fromArray(S16, a, s);
                    v.intoArray(dst, d + p * MR, LOW8);
                    v.intoArray(dst, d2 + p * MR - MR, HIGH8);
                }
            }
        }
        for (; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int d = d0 + ir * kc;
            if (!transA && mr == 8 && MR == 8 && Transpose16.USABLE) {
                // A row-major m×k: 8 rows × 16 steps of p at a time, turned round in registers
                int s = aOff + (i0 + ir) * lda + p0, p = 0;
                for (; p + 16 <= kc; p += 16) Transpose16.transpose8x16(a, s + p, lda, dst, d + p * MR);
                for (int r = 0; r < MR; r++)
                    for (int q = p; q < kc; q++) dst[d + q * MR + r] = a[s + r * lda + q];
            } else if (!transA) {
                // A row-major m×k: each row is contiguous in p; write it down one column of the panel
                for (int r = 0; r < mr; r++) {
                    int s = aOff + (i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * MR + r] = a[s + p];
                }
            } else {
                // A stored k×m: the MR values for one p are already adjacent (one copy). Not as a
                // 256-bit FloatVector: see the class comment on vector shapes
                for (int p = 0; p < kc; p++) {
                    int s = aOff + (p0 + p) * lda + i0 + ir;
                    int dp = d + p * MR;
                    if (mr == MR && S16 != null) FloatVector.fromArray(S16, a, s, LOW8).intoArray(dst, dp, LOW8);
                    else for (int r = 0; r < mr; r++) dst[dp + r] = a[s + r];
                }
            }
            if (mr < MR)
                for (int p = 0; p < kc; p++)
                    for (int r = mr; r < MR; r++) dst[d + p * MR + r] = 0f;
        }
    }

    /**
     * The untransposed case of {@link #packB} (B row-major k×n, the NR values for one p already
     * adjacent), row by row: each row's nc values are read once, front to back, and dealt out NR
     * at a time to their micro-panels (kc·NR apart in dst). Why not panel by panel (NR values of
     * every row, then the next NR): that walks down the block in steps of ldb, a stride the
     * hardware prefetchers do not follow, and in a training step B is a weight matrix last
     * touched by the optimizer, so every row is a cache miss. Measured in one process alternating
     * the two, B pushed out to L3 before each call (Intel Xeon host, one thread, two runs):
     * 512×512 packs in 145-195 µs instead of 220-500, a weight gradient's dy (128×784) in 63-92 µs
     * instead of 105-231; with B already in cache the two are level or rows ahead.
     */
    private static void packRowMajorB(float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst, int d0) {
        final int NR = SgemmMicroKernel.NR, L = SgemmMicroKernel.L;
        final var S = SgemmMicroKernel.S;
        int full = nc / NR * NR, edge = nc - full;
        for (int p = 0; p < kc; p++) {
            int s = bOff + (p0 + p) * ldb + j0, d = d0 + p * NR;
            for (int jr = 0; jr < full; jr += NR, d += NR * kc) {
                FloatVector.fromArray(S, b, s + jr).intoArray(dst, d);
                FloatVector.fromArray(S, b, s + jr + L).intoArray(dst, d + L);
            }
            if (edge > 0) {     // the last panel, padded with zero columns
                System.arraycopy(b, s + full, dst, d, edge);
                java.util.Arrays.fill(dst, d + edge, d + NR, 0f);
            }
        }
    }

    /**
     * Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into {@code dst} from {@code d0} on (micro-panel
     * {@code c} starts at {@code d0 + c·NR·kc}).
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int p0, int kc, int j0, int nc, float[] dst, int d0) {
        if (!transB) {
            packRowMajorB(b, bOff, ldb, p0, kc, j0, nc, dst, d0);
            return;
        }
        final int NR = SgemmMicroKernel.NR;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int d = d0 + jr * kc;
            if (nr == NR && NR == 32 && Transpose16.USABLE) {
                // B stored n×k: a transpose, 16×16 blocks at a time in registers, the panel's first
                // 16 rows of B over all of kc, then the other 16. The rows are ldb apart (2 KB for a
                // 512-wide layer) and each is read as a stream: 16 streams at a time, not 32, which
                // the prefetchers keep up with. A 512×512 weight out of cache (64 MB touched
                // between calls): 127-142 µs with both halves' blocks in turn, 88-100 µs this way;
                // from L3 level (49-52 against 50 µs); the mixture step 0.96-0.98 of its time, the
                // conv model's 0.96 (one JVM, alternating, the same bits).
                int s0 = bOff + (j0 + jr) * ldb + p0, p = kc / 16 * 16;
                for (int h = 0; h < 2; h++)
                    for (int q = 0; q < p; q += 16) Transpose16.transpose(b, s0 + h * 16 * ldb + q, ldb, dst, d + q * NR + 16 * h, NR);
                for (int c = 0; c < NR; c++)
                    for (int q = p; q < kc; q++) dst[d + q * NR + c] = b[s0 + c * ldb + q];
            } else {
                // B stored n×k: column j of op(B) is row j of B, contiguous in p
                for (int c = 0; c < nr; c++) {
                    int s = bOff + (j0 + jr + c) * ldb + p0;
                    for (int p = 0; p < kc; p++) dst[d + p * NR + c] = b[s + p];
                }
            }
            if (nr < NR)
                for (int p = 0; p < kc; p++)
                    for (int c = nr; c < NR; c++) dst[d + p * NR + c] = 0f;
        }
    }
}
