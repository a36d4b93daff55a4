package gmvae4j.kernels;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link Kernels#rowDots}: the Vector API kernel ({@link RowDots}: 4×3 register tiles, edge rows
 * and columns, vector body and scalar tail) against the scalar twin (the interface's default),
 * and both against a double-precision sum, on odd sizes, offsets and row strides wider than k.
 * C starts non-zero: the kernel adds to it.
 */
class RowDotsTest {

    static final Kernels SCALAR = new ScalarKernels(), VECTOR = new VectorKernels(1);

    @Property
    void matchesTheScalarTwinAndTheExactSum(@ForAll @IntRange(min = 1, max = 11) int m, @ForAll @IntRange(min = 1, max = 8) int n,
                                            @ForAll @IntRange(min = 0, max = 8) int kPick, @ForAll @IntRange(min = 0, max = 3) int pad,
                                            @ForAll long seed) {
        int k = new int[] {1, 5, 15, 16, 17, 33, 47, 196, 784}[kPick];
        Random r = new Random(seed);
        int lda = k + pad, ldb = k + 2 * pad, ldc = n + pad, aOff = pad, bOff = 2 * pad, cOff = 3 * pad;
        float[] a = rand(r, aOff + m * lda), b = rand(r, bOff + n * ldb), c0 = rand(r, cOff + m * ldc);
        float[] cs = c0.clone(), cv = c0.clone();
        SCALAR.rowDots(m, n, k, a, aOff, lda, b, bOff, ldb, cs, cOff, ldc);
        VECTOR.rowDots(m, n, k, a, aOff, lda, b, bOff, ldb, cv, cOff, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double exact = c0[cOff + i * ldc + j], mag = Math.abs(exact);
                for (int p = 0; p < k; p++) {
                    double t = (double) a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                    exact += t;
                    mag += Math.abs(t);
                }
                // float32 sums of k terms: within (k + 2)·2⁻²⁴·Σ|terms| of the exact value, either order
                double tol = (k + 2) * 0x1p-24 * mag + 1e-30;
                int idx = cOff + i * ldc + j;
                String at = "m=" + m + " n=" + n + " k=" + k + " pad=" + pad + " (" + i + "," + j + ")";
                if (!(Math.abs(cs[idx] - exact) <= tol)) fail("scalar " + at + ": " + cs[idx] + " vs exact " + exact);
                if (!(Math.abs(cv[idx] - exact) <= tol)) fail("vector " + at + ": " + cv[idx] + " vs exact " + exact);
                if (!(Math.abs(cv[idx] - cs[idx]) <= 2 * tol)) fail("vector vs scalar " + at + ": " + cv[idx] + " vs " + cs[idx]);
            }
        // outside the m×n block, C is untouched
        for (int idx = 0; idx < c0.length; idx++) {
            int rel = idx - cOff;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside && cv[idx] != c0[idx]) fail("vector wrote outside C's block at " + idx);
        }
    }

    static float[] rand(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) r.nextGaussian();
        return x;
    }
}
