package gmvae4j.kernels;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * sgemm of the Vector API backend against a double-precision oracle and the scalar twin.
 *
 * <p>Tolerance: a float32 dot product of length k, summed in any order, is within
 * γ_k·Σ|a·b| ≈ k·6e-8·Σ|a·b| of the exact value. We allow (k + 4)·1e-6·(|alpha|·Σ|a·b| +
 * |beta·c|): about 16 times that worst case, still far below the size of any indexing or
 * transpose mistake (which is of the order of the values themselves).
 */
class SgemmTest {

    static final VectorKernels ONE = new VectorKernels(1);
    static final VectorKernels TWO = new VectorKernels(2);
    static final ScalarKernels SCALAR = new ScalarKernels();
    static final int[] EDGE = {1, 7, 15, 17, 31, 33, 127, 129};

    /** One random problem with padding around every matrix. */
    record Problem(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                   float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Problem random(Random r, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            int lda = aCols + r.nextInt(3) * 5, ldb = bCols + r.nextInt(3) * 3, ldc = n + r.nextInt(3) * 7;
            int aOff = r.nextInt(5), bOff = r.nextInt(5), cOff = r.nextInt(5);
            float[] a = fill(r, aOff + aRows * lda + 3), b = fill(r, bOff + bRows * ldb + 3), c = fill(r, cOff + m * ldc + 3);
            return new Problem(ta, tb, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        float opA(int i, int p) { return ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p]; }
        float opB(int p, int j) { return tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]; }

        float[] run(Kernels kern) {
            float[] out = c.clone();
            kern.sgemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /** Checks out against the double oracle, and that nothing outside C changed. */
        void check(float[] out, String who) {
            boolean[] inC = new boolean[c.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int ci = cOff + i * ldc + j;
                    inC[ci] = true;
                    double exact = 0, mag = 0;
                    for (int p = 0; p < k; p++) {
                        double t = (double) opA(i, p) * opB(p, j);
                        exact += t;
                        mag += Math.abs(t);
                    }
                    double old = beta == 0f ? 0 : c[ci];
                    double want = alpha * exact + beta * old;
                    double tol = (k + 4) * 1e-6 * (Math.abs(alpha) * mag + Math.abs(beta * old)) + 1e-30;
                    if (!(Math.abs(out[ci] - want) <= tol))
                        fail(who + " " + this + ": C[" + i + "," + j + "] = " + out[ci] + ", want " + want + " ± " + tol);
                }
            }
            for (int i = 0; i < c.length; i++)
                if (!inC[i] && Float.floatToRawIntBits(out[i]) != Float.floatToRawIntBits(c[i]))
                    fail(who + " " + this + ": wrote outside C at index " + i);
        }

        @Override public String toString() {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " alpha=" + alpha
                    + " beta=" + beta + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
        }
    }

    static float[] fill(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian());
        return x;
    }

    static void checkAll(Problem pr) {
        float[] one = pr.run(ONE), two = pr.run(TWO);
        pr.check(one, "vector/1");
        pr.check(pr.run(SCALAR), "scalar");
        // same k order whatever the thread count: bit-identical
        for (int i = 0; i < one.length; i++)
            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(two[i]))
                fail("1 and 2 threads differ at " + i + " for " + pr);
    }

    @Property
    void randomShapesAllForms(@ForAll @IntRange(min = 1, max = 150) int m, @ForAll @IntRange(min = 1, max = 150) int n,
                              @ForAll @IntRange(min = 1, max = 300) int k, @ForAll boolean ta, @ForAll boolean tb,
                              @ForAll @IntRange(min = 0, max = 3) int scalars, @ForAll long seed) {
        float[][] ab = {{1f, 0f}, {1f, 1f}, {-0.5f, 2f}, {2.5f, -1f}};
        Random r = new Random(seed);
        checkAll(Problem.random(r, ta, tb, m, n, k, ab[scalars][0], ab[scalars][1]));
    }

    @Example
    void edgeSizesEveryForm() {
        Random r = new Random(1);
        for (int form = 0; form < 4; form++)
            for (int m : EDGE)
                for (int n : EDGE) {
                    int k = EDGE[r.nextInt(EDGE.length)];
                    checkAll(Problem.random(r, (form & 1) != 0, (form & 2) != 0, m, n, k, 1.5f, 0.5f));
                }
    }

    /**
     * Larger than one KC/MC/NC block in every direction, so every blocking loop turns; and tall
     * enough (m ≥ {@link Sgemm#ROW_SLABS_MIN_ROWS}) that two threads cut C into row slabs.
     */
    @Example
    void multiBlockShapes() {
        Random r = new Random(2);
        int[][] shapes = {{128, 512, 784}, {129, 1025, 513}, {300, 70, 785}, {783, 33, 257}, {5, 1100, 40},
                {600, 300, 70}, {530, 97, 600}};
        for (int form = 0; form < 4; form++)
            for (int[] s : shapes)
                checkAll(Problem.random(r, (form & 1) != 0, (form & 2) != 0, s[0], s[1], s[2], 1f, form == 3 ? 1f : 0f));
    }

    /**
     * C larger than L2 takes all of k in one block ({@link Sgemm#kStep(int, int, int)}): on two
     * threads as row slabs (520 rows) and as column chunks (300 rows), each checked against the
     * oracle and, bit for bit, against one thread; and a k past the deepest block still cut.
     */
    @Example
    void deepBlocksWhenCIsLargerThanL2() {
        assertEquals(1024, Sgemm.kStep(1024, 1024, 1024));
        assertEquals(700, Sgemm.kStep(700, 520, 520));
        assertEquals(392, Sgemm.kStep(784, 128, 512), "C of 64 K floats stays in L2: two blocks");
        assertEquals(392, Sgemm.kStep(784, 512, 512), "C of exactly 1 MiB: two blocks");
        assertEquals(367, Sgemm.kStep(1100, 1024, 1024), "deeper than 2·KC: cut as before");
        Random r = new Random(3);
        int[][] shapes = {{520, 520, 700}, {300, 1000, 600}};
        for (int form = 0; form < 4; form++)
            for (int[] s : shapes)
                checkAll(Problem.random(r, (form & 1) != 0, (form & 2) != 0, s[0], s[1], s[2], 1f, form == 3 ? 1f : 0f));
    }

    /** Shallow untransposed B is read in place: arrays sized exactly, so any over-read throws. */
    @Example
    void shallowBInPlaceExactArrays() {
        Random r = new Random(4);
        for (int[] s : new int[][] {{37, 45, 9}, {128, 512, 10}, {32, 784, 9}, {9, 33, 32}, {70, 31, 1}}) {
            int m = s[0], n = s[1], k = s[2];
            Problem p = new Problem(false, false, m, n, k, 1f, 0f, fill(r, m * k), 0, k, fill(r, k * n), 0, n,
                    fill(r, m * n), 0, n);
            checkAll(p);
        }
    }

    /**
     * A stored transposed (TN, TT: every weight gradient) is read where it lies, whole MR-row
     * panels straight from A, a last partial panel packed: arrays sized exactly, so any over-read
     * throws; m a multiple of MR, one more, one less; k deeper than a block (KC); one and two
     * threads (the two-thread column chunks read A in place too).
     */
    @Example
    void transposedAInPlaceExactArrays() {
        Random r = new Random(5);
        for (int[] s : new int[][] {{784, 512, 128}, {512, 784, 128}, {8, 64, 3}, {17, 70, 600}, {15, 33, 1030}, {100, 10, 128}, {10, 512, 128}})
            for (boolean tb : new boolean[] {false, true}) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = fill(r, k * m), b = fill(r, k * n), c = fill(r, m * n);
                checkAll(new Problem(true, tb, m, n, k, 1f, 1f, a, 0, m, b, 0, tb ? k : n, c, 0, n));
                checkAll(new Problem(true, tb, m, n, k, 1f, 0f, a, 0, m, b, 0, tb ? k : n, c, 0, n));
            }
    }

    /**
     * C += A·B (alpha = beta = 1: gradients accumulating) keeps the sum in registers and adds it to C
     * at the end: the same floats as computing the product alone and adding it to C afterwards,
     * for depths within one k block (deeper ones add each block's sum to C in turn).
     */
    @Example
    void accumulatingIsTheProductAddedToC() {
        Random r = new Random(6);
        for (int form = 0; form < 4; form++)
            for (int[] s : new int[][] {{128, 512, 128}, {784, 512, 128}, {33, 70, 300}, {128, 20, 512}}) {
                boolean ta = (form & 1) != 0, tb = (form & 2) != 0;
                Problem acc = Problem.random(r, ta, tb, s[0], s[1], s[2], 1f, 1f);
                Problem alone = new Problem(ta, tb, acc.m(), acc.n(), acc.k(), 1f, 0f, acc.a(), acc.aOff(), acc.lda(), acc.b(),
                        acc.bOff(), acc.ldb(), acc.c(), acc.cOff(), acc.ldc());
                for (Kernels kern : new Kernels[] {ONE, TWO}) {
                    float[] sum = acc.run(kern), product = alone.run(kern);
                    for (int i = 0; i < acc.m(); i++)
                        for (int j = 0; j < acc.n(); j++) {
                            int ci = acc.cOff() + i * acc.ldc() + j;
                            assertEquals(Float.floatToRawIntBits(acc.c()[ci] + product[ci]), Float.floatToRawIntBits(sum[ci]),
                                    kern.name() + " " + acc + " at " + i + "," + j);
                        }
                }
            }
    }

    /**
     * C = A·B + bias·1ᵀ: the vector backend (the bias as the tiles' starting value) against the
     * double oracle and the interface default (fill, then accumulate), on edge sizes, shallow k
     * (B read in place), k deeper than one block (the bias must enter once), NaN in C (overwritten).
     */
    @Property
    void rowBiasMatchesTheOracle(@ForAll @IntRange(min = 1, max = 140) int m, @ForAll @IntRange(min = 1, max = 800) int n,
                                 @ForAll @IntRange(min = 0, max = 1100) int kRaw, @ForAll long seed) {
        Random r = new Random(seed);
        int k = kRaw % 3 == 0 ? kRaw % 12 : kRaw;      // a third of the cases shallow (k <= 11)
        Problem p = Problem.random(r, false, false, m, n, k, 1f, 0f);
        for (int i = 0; i < m; i++) Arrays.fill(p.c, p.cOff + i * p.ldc, p.cOff + i * p.ldc + n, Float.NaN);
        int biasOff = r.nextInt(4);
        float[] bias = fill(r, biasOff + m + 2);
        float[] one = p.c.clone(), two = p.c.clone(), scalar = p.c.clone();
        ONE.sgemmRowBias(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, bias, biasOff, one, p.cOff, p.ldc);
        TWO.sgemmRowBias(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, bias, biasOff, two, p.cOff, p.ldc);
        SCALAR.sgemmRowBias(m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, bias, biasOff, scalar, p.cOff, p.ldc);
        for (float[] out : new float[][] {one, scalar})
            for (int i = 0; i < p.c.length; i++) {
                int row = (i - p.cOff) / p.ldc, col = (i - p.cOff) % p.ldc;
                boolean inC = i >= p.cOff && row < m && col < n;
                if (!inC) {
                    assertEquals(Float.floatToRawIntBits(p.c[i]), Float.floatToRawIntBits(out[i]), "wrote outside C at " + i);
                    continue;
                }
                double exact = bias[biasOff + row], mag = Math.abs(exact);
                for (int q = 0; q < k; q++) {
                    double t = (double) p.opA(row, q) * p.opB(q, col);
                    exact += t;
                    mag += Math.abs(t);
                }
                double tol = (k + 4) * 1e-6 * mag + 1e-30;
                if (!(Math.abs(out[i] - exact) <= tol))
                    fail("row bias " + p + ": C[" + row + "," + col + "] = " + out[i] + ", want " + exact + " ± " + tol);
            }
        for (int i = 0; i < one.length; i++)
            if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(two[i]))
                fail("row bias: 1 and 2 threads differ at " + i + " for " + p);
    }

    @Example
    void betaZeroIgnoresNaNInC() {
        Random r = new Random(3);
        for (int form = 0; form < 4; form++) {
            Problem p = Problem.random(r, (form & 1) != 0, (form & 2) != 0, 37, 45, 300, 1f, 0f);
            for (int i = 0; i < 37; i++) Arrays.fill(p.c, p.cOff + i * p.ldc, p.cOff + i * p.ldc + 45, Float.NaN);
            for (Kernels kern : new Kernels[] {ONE, TWO}) {
                float[] out = p.run(kern);
                for (int i = 0; i < 37; i++)
                    for (int j = 0; j < 45; j++)
                        assertTrue(Float.isFinite(out[p.cOff + i * p.ldc + j]), "NaN leaked from C with beta=0");
                p.check(out, kern.name());
            }
        }
    }

    @Example
    void emptyKScalesC() {
        float[] c = {1f, 2f, 3f, Float.NaN};
        ONE.sgemm(false, false, 1, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 2f, c, 0, 3);
        assertEquals(2f, c[0]); assertEquals(4f, c[1]); assertEquals(6f, c[2]);
        assertTrue(Float.isNaN(c[3]), "outside C untouched");
        ONE.sgemm(true, true, 1, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 1, 0f, c, 0, 3);
        assertEquals(0f, c[0]); assertEquals(0f, c[2]);
        // several rows at a stride with padding between them, C at an offset: only C is scaled
        for (float beta : new float[] {2f, 0f}) {
            float[] c3 = {9f, 1f, 2f, -7f, 3f, 4f, -7f, 5f, 6f, -7f};   // offset 1, 3 rows of 2, ldc 3
            ONE.sgemm(false, false, 3, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, beta, c3, 1, 3);
            assertArrayEquals(new float[] {9f, beta, 2 * beta, -7f, 3 * beta, 4 * beta, -7f, 5 * beta, 6 * beta, -7f}, c3,
                    "beta " + beta);
        }
    }
}
