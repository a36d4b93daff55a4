package gmvae4j.kernels;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * op(B) packed once into {@link Sgemm}'s micro-panels and shared by products that run side by
 * side on different threads with the same B: a batch's shards, each multiplying its own rows by
 * a layer's weight W in the forward pass and by Wᵀ in the backward pass.
 *
 * <p>Why: each shard's product packed all of W for itself, so two shards packed every weight
 * twice forward and twice transposed in a step; with 64 rows a shard, packing was 13% of a
 * mixture step's samples (JFR, z=32: W 7%, the 16×16 transposes of Wᵀ 6%) against 31% for the
 * micro-kernel's products those panels fed. Packing it once up front for both shards was
 * measured and lost (0.985-1.059 of the step in one JVM): the 10.8 MB of panels went out to memory
 * and came back. Here the products share the packing piece by piece, just in time: a product
 * that needs a piece of {@link Sgemm#NB} columns claims it if no one has, packs it and runs its
 * tiles on it while it is in cache; it takes the pieces no one has claimed first, then reads the
 * ones the other product has packed. So two products side by side pack about half each, and one
 * product alone packs all of it, as before.
 *
 * <p>Generations: the panels hold B's values from when they were packed. The owner calls
 * {@link #nextGeneration} whenever B may have changed (for a training step's weights: at the start
 * of every step, before any product), which makes every piece unclaimed again. No product may
 * run across that call.
 *
 * <p>Floats: every tile is the same sum over the same panels in the same k order as in a product
 * that packs for itself; only the order in which tiles run changes. So the same bits.
 *
 * <p>No waiting: a product that finds every piece it still needs claimed by another and not yet
 * packed packs one again into its own buffer ({@code Sgemm.sharedPieces}). The other thread may
 * have been descheduled halfway through a piece (two cores, with the JIT's and the GC's threads
 * besides); a first version that spun until the piece was packed made the conv model's training
 * slower (`train --arch conv`, old and new jar alternating: 4,302 / 4,468 → 4,072 / 4,297
 * images/s), this one faster (in a slower hour: 3,522 / 3,971 → 4,155 / 4,630).
 */
public final class PackedB {
    final boolean transB;
    final int k, n;
    final float[] b;
    final int bOff, ldb;
    final int ks, nPad;
    private final int groups;
    final float[] panels;
    /** Where the first panel starts in {@link #panels} (on a cache line when the JVM says where that is). */
    int base;
    /** The current generation; a piece's state is 2·gen while claimed, 2·gen + 1 once packed, less before. */
    private int gen = 1;
    private final AtomicIntegerArray state;

    PackedB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        if (!shared(transB, k, n)) throw new IllegalArgumentException("not a shared packed B: k " + k + ", n " + n);
        this.transB = transB;
        this.k = k;
        this.n = n;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.ks = Sgemm.kStep(k);
        this.nPad = (n + Sgemm.NR - 1) / Sgemm.NR * Sgemm.NR;
        this.groups = (n + Sgemm.NB - 1) / Sgemm.NB;
        this.panels = new float[k * nPad + CacheLines.FLOATS - 1];
        this.state = new AtomicIntegerArray(groups * ((k + ks - 1) / ks));
        this.base = CacheLines.start(panels);
    }

    /** True for a B whose products pack it piece by piece on one thread: not a shallow untransposed B (read in place). */
    static boolean shared(boolean transB, int k, int n) {
        return k > 0 && n > 0 && !Sgemm.BBlock.inPlace(transB, Sgemm.kStep(k));
    }

    /** B may have changed: every piece is to be packed again. Call it while no product reads this. */
    public void nextGeneration() {
        gen++;
        base = CacheLines.start(panels);
    }

    /** True when this holds op(B) of exactly this B. */
    public boolean isOf(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        return this.transB == transB && this.k == k && this.n == n && this.b == b && this.bOff == bOff && this.ldb == ldb;
    }

    /** The piece of k block pc (a multiple of ks) that holds column j (a multiple of NB). */
    int piece(int pc, int j) {
        return pc / ks * groups + j / Sgemm.NB;
    }

    /** Where k block pc's panels from column j (a multiple of NR) start. */
    int offset(int pc, int kc, int j) {
        return base + pc * nPad + j * kc;
    }

    /** Claims the piece if no one has in this generation; true when the caller is to pack it. */
    boolean claim(int piece) {
        int s = state.get(piece);
        return s < 2 * gen && state.compareAndSet(piece, s, 2 * gen);
    }

    /** True once the piece is packed in this generation. */
    boolean packed(int piece) {
        return state.get(piece) == 2 * gen + 1;
    }

    /** Packs a claimed piece: k block pc (depth kc), columns j .. j+nb; then it is {@link #packed}. */
    void pack(int piece, int pc, int kc, int j, int nb) {
        SgemmPacking.packB(transB, b, bOff, ldb, pc, kc, j, nb, panels, offset(pc, kc, j));
        state.set(piece, 2 * gen + 1);
    }
}
