package gmvae4j.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import gmvae4j.kernels.ScalarKernels;

import java.util.Random;

/**
 * Shared checks for the fake-library and GPU tests: random row-major operands with offsets
 * and padded leading dimensions, compared against {@link ScalarKernels}.
 */
final class SgemmCases {
    private SgemmCases() {}

    /** One product: op(A) m x k, op(B) k x n, with padding and offsets everywhere. */
    record Case(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta,
                float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {

        static Case random(boolean transA, boolean transB, int m, int n, int k, float alpha, float beta, long seed) {
            Random r = new Random(seed);
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            int lda = aCols + 3, ldb = bCols + 1, ldc = n + 2;
            int aOff = 5, bOff = 2, cOff = 7;
            float[] a = fill(r, aOff + aRows * lda + 4);
            float[] b = fill(r, bOff + bRows * ldb + 4);
            float[] c = fill(r, cOff + m * ldc + 4);
            return new Case(transA, transB, m, n, k, alpha, beta, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }

        /** The reference result on a copy of C. */
        float[] expected() {
            float[] out = c.clone();
            new ScalarKernels().sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, out, cOff, ldc);
            return out;
        }

        /**
         * Element-wise check with a float-accumulation tolerance scaled by Σ|a||b|, and an exact
         * check that every element of C outside the m x n result (padding, offsets) is untouched.
         */
        void assertMatches(float[] expected, float[] actual, String what) {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    double mag = 0;
                    for (int p = 0; p < k; p++) {
                        float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        mag += Math.abs(av * bv);
                    }
                    int idx = cOff + i * ldc + j;
                    double tol = 1e-5 * (Math.abs(alpha) * mag + Math.abs(beta * c[idx])) + 1e-6;
                    if (Math.abs(expected[idx] - actual[idx]) > tol)
                        fail(what + ": C[" + i + "," + j + "] = " + actual[idx] + ", expected " + expected[idx]);
                }
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside) assertEquals(c[idx], actual[idx], what + ": element " + idx + " outside C was written");
            }
        }

        String describe() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                    + " alpha=" + alpha + " beta=" + beta;
        }
    }

    static float[] fill(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() * 2f - 1f;
        return x;
    }

    /** Odd sizes: nothing is a multiple of a tile, a warp or a vector. */
    static final int[][] ODD_SIZES = {{1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {129, 31, 77}, {3, 257, 19}};

    /**
     * CudaBlas.sgemm on device buffers against the scalar reference, for every odd size, all four
     * transpose forms and beta 0 and 0.5: the same check for the fake library and a real GPU.
     */
    static void checkDeviceSgemmAllForms(CudaContext ctx, long seed, String label) {
        for (int[] s : ODD_SIZES)
            for (boolean ta : new boolean[] {false, true})
                for (boolean tb : new boolean[] {false, true})
                    for (float beta : new float[] {0f, 0.5f}) {
                        Case c = Case.random(ta, tb, s[0], s[1], s[2], 1.25f, beta, seed++);
                        float[] expected = c.expected();
                        try (DeviceBuffer a = DeviceBuffer.of(ctx, c.a()); DeviceBuffer b = DeviceBuffer.of(ctx, c.b());
                             DeviceBuffer dc = DeviceBuffer.of(ctx, c.c())) {
                            ctx.blas().sgemm(ta, tb, c.m(), c.n(), c.k(), c.alpha(), a, c.aOff(), c.lda(),
                                    b, c.bOff(), c.ldb(), c.beta(), dc, c.cOff(), c.ldc());
                            c.assertMatches(expected, dc.download(), label + " " + c.describe());
                        }
                    }
    }
}
